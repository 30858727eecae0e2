#!/usr/bin/env bash
# Prepares .gpu/ for scripts/gpu-check.sh on a borrowed GPU machine that has
# no LLVM: a static tg-run, every example compiled here for the default
# targets (plus a PTX-only bundle to exercise the driver JIT and the kernel
# cache), the bench/gpu models for sm_90, inputs, NumPy references and the
# host backend's outputs. The bundles are signed with a key made for the
# check (not the user's); gpu-check.sh trusts its public half there.
#
#   scripts/prepare-gpu-check.sh [BUILD_DIR]   (default: build)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
out="$repo/.gpu"
py=/usr/bin/python3
# .gpu/ is the device tool's to carry, never git's to track (in a worktree
# too, whose .git is a file: ask git where the excludes are).
if ! git -C "$repo" check-ignore -q .gpu/; then
  exclude="$(cd "$repo" && realpath -m "$(git rev-parse --git-path info/exclude)")"
  mkdir -p "$(dirname "$exclude")"
  echo '/.gpu/' >> "$exclude"
fi

"$repo/scripts/build-device-runtime.sh" "$repo/build-device" >/dev/null
rm -rf "$out" && mkdir -p "$out"
export TGC_CONFIG_DIR="$repo/build-device/gpu-check-config"
"$build/bin/tgc" trust key > "$out/trusted.pub"
cp "$repo/build-device/bin/tg-run" "$out/tg-run"
cp "$repo/bench/gpu/torch_compare.py" "$repo/bench/gpu/gpu_bench.py" \
  "$repo/scripts/gpu-check.sh" "$out/"
git -C "$repo" rev-parse --short HEAD > "$out/REVISION"

for model in mlp softmax layernorm attention; do
  src="$repo/examples/$model.mlir"
  "$build/bin/tgc" "$src" -o "$out/$model.bin"
  # Input shape from the signature of @main.
  shape=$(sed -n 's/.*func.func @main(%x: tensor<\([0-9x]*\)xf32>.*/\1/p' "$src")
  $py - "$out/$model.x.npy" "$shape" <<'PY'
import sys, numpy as np
shape = tuple(int(d) for d in sys.argv[2].split("x"))
np.save(sys.argv[1], np.random.default_rng(7).standard_normal(shape).astype(np.float32))
PY
  $py "$repo/scripts/reference.py" "$src" "$out/$model.x.npy" "$out/$model.ref.npy"
  "$build/bin/tg-run" "$out/$model.bin" --device=host --input=@"$out/$model.x.npy" \
    --output=@"$out/$model.host.npy" >/dev/null
done
# PTX only for an older arch: on an sm_90 device the runtime must JIT it.
"$build/bin/tgc" "$repo/examples/softmax.mlir" --targets=sm_80 -o "$out/softmax-sm80.bin" 2>/dev/null

# With --gpu-matrix-cores the sm_90 GEMM code is wgmma, sm_90a code that
# only an sm_90 GPU (H100/H200) runs; the sm_80 PTX (mma.sync) is what any
# other GPU lent for the check JITs.
for model in softmax_4096 layernorm_8192x1024 matmul_gelu_2048 elementwise_16m \
    gemm_f16_4096 gemm_bf16_4096 gemm_f16_8192 gemm_bf16_8192; do
  "$build/bin/tgc" "$repo/bench/gpu/$model.mlir" --targets=sm_80,sm_90 \
    --gpu-matrix-cores -o "$out/$model.bin"
done
# f32 GEMM on tf32 tensor cores: its own opt-in (docs/compiler.md).
"$build/bin/tgc" "$repo/bench/gpu/gemm_f32_4096.mlir" --targets=sm_90 \
  --allow-tf32 -o "$out/gemm_f32_4096.bin"

# The row kernels again with --gpu-register-rows (opt-in until this check
# has run them), timed next to the loop form.
for model in softmax_4096 layernorm_8192x1024; do
  "$build/bin/tgc" "$repo/bench/gpu/$model.mlir" --targets=sm_80,sm_90 \
    --gpu-register-rows -o "$out/$model.rows.bin"
done

# Attention through the fused GPU kernel, which is opt-in until this check
# has run it. A tgc without the flag leaves the bundles out, and gpu-check.sh
# counts each missing one as a failure.
for model in attention_b4h32s4096d128 attention_causal_b4h32s4096d128; do
  if ! "$build/bin/tgc" "$repo/bench/gpu/$model.mlir" --targets=sm_90 \
      --gpu-fused-attention -o "$out/$model.bin"; then
    echo "prepare-gpu-check: could not compile $model with --gpu-fused-attention" >&2
    rm -f "$out/$model.bin"
  fi
done

# The end-to-end op suite (every op x dtype x variant), compiled for sm_90
# with reference outputs from the evaluator; run there with --run-only.
$py "$repo/test/e2e-ops/run-e2e.py" --work "$out/e2e" --prepare-only \
  --targets=host,sm_90 --combined --tgc="$build/bin/tgc" \
  --tg-eval="$build/bin/tg-eval" -j "${JOBS:-2}" | tail -1
# The whole suite again with every opt-in GPU kernel (matrix cores, fused
# attention, register rows), which this check is the gate for.
$py "$repo/test/e2e-ops/run-e2e.py" --work "$out/e2e-opt-in" --prepare-only \
  --targets=host,sm_90 --combined --tgc-arg=--gpu-fused-attention \
  --tgc-arg=--gpu-matrix-cores --tgc-arg=--gpu-register-rows \
  --tgc="$build/bin/tgc" --tg-eval="$build/bin/tg-eval" -j "${JOBS:-2}" | tail -1
du -sh "$out"
