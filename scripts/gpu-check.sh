#!/usr/bin/env bash
# Runs on the borrowed GPU machine, from the directory prepared by
# scripts/prepare-gpu-check.sh (carried as .gpu/):
#   1. every example on cuda:0 against its NumPy reference and against the
#      host backend's output;
#   2. a PTX-only bundle (sm_80 code on a newer GPU): driver JIT, then a
#      second process that must hit the kernel cache;
#   3. bench/gpu models: tg-run --benchmark next to PyTorch on the same GPU;
#   4. the f16/bf16 GEMMs (4096^3, 8192^3) on tensor cores (wgmma on sm_90,
#      mma.sync JIT'd from sm_80 PTX on other GPUs; neither run on hardware
#      before this script), and the f32 GEMM (4096^3) on tf32 tensor cores
#      (tgc --allow-tf32): numerics against torch's f32 product of the same
#      inputs, then timings next to torch.matmul (with allow_tf32 for the
#      tf32 one);
#   5. softmax and layer_norm (and again with --gpu-register-rows): numerics
#      against torch, kernel time next to torch's and the ratio (gpu_bench.py
#      op);
#   6. host<->device copies: tg-run's link peak and per-call rates next to
#      torch pinned (pin_memory, non_blocking) and pageable copies;
#   7. attention, batch 4, 32 heads, 4096 tokens, head dim 128, f32, causal
#      and not (bundles compiled with --gpu-fused-attention; q, k, v made
#      here on the GPU): numerics against scaled_dot_product_attention in f32,
#      time next to SDPA f32 and, for reference, SDPA bf16 (flash).
# Prints a summary; exits 1 if any correctness check failed. Everything it
# prints also goes to bench/results/gpu-check-<date>.txt under $OUT (the
# device tool brings back what is written there) or, without $OUT, under
# ./gpu-check-out.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ -z "${GPU_CHECK_LOGGING:-}" ]; then
  results="${OUT:-$PWD/gpu-check-out}/bench/results"
  mkdir -p "$results"
  log="$results/gpu-check-$(date -u +%Y-%m-%d).txt"
  echo "gpu-check: writing the log to $log"
  # The script again under tee, so that the log is complete when it returns.
  GPU_CHECK_LOGGING=1 bash "./$(basename "${BASH_SOURCE[0]}")" "$@" 2>&1 | tee "$log"
  exit "${PIPESTATUS[0]}"
fi
section() { echo "== [$(date -u +%H:%M:%S), ${SECONDS}s] $*"; }
section "gpu-check on $(hostname), tgc $(cat REVISION 2>/dev/null || echo "(no REVISION file)")"
export TGC_CACHE_DIR="$(mktemp -d)"
# Trust the key prepare-gpu-check.sh signed the bundles with, for this run.
export TGC_CONFIG_DIR="$(mktemp -d)"
mkdir -m 700 "$TGC_CONFIG_DIR/trusted-keys"
cp trusted.pub "$TGC_CONFIG_DIR/trusted-keys/gpu-check.pub"
failures=0
check() { # description, command... (its stdout is dropped, stderr kept)
  local what="$1"; shift
  if "$@" >/dev/null; then echo "PASS $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
./tg-run --list-devices

section "examples on cuda:0"
for m in mlp softmax layernorm attention; do
  check "$m cuda vs numpy" ./tg-run $m.bin --device=cuda:0 --input=@$m.x.npy \
    --expected-output=@$m.ref.npy --atol=1e-4 --rtol=1e-3 --print-max-elements=0 -v
  check "$m cuda vs host" ./tg-run $m.bin --device=cuda:0 --input=@$m.x.npy \
    --expected-output=@$m.host.npy --atol=1e-5 --rtol=1e-4 --print-max-elements=0
  ./tg-run $m.bin --device=cuda:0 --input=@$m.x.npy --benchmark=200 | grep -vE '^result|^[-0-9. e]+$' | head -12
done

section "PTX JIT and the kernel cache"
check "ptx jit (cold cache)" ./tg-run softmax-sm80.bin --device=cuda:0 --input=@softmax.x.npy \
  --expected-output=@softmax.ref.npy --atol=1e-4 --rtol=1e-3 -v
check "ptx jit (warm cache)" ./tg-run softmax-sm80.bin --device=cuda:0 --input=@softmax.x.npy \
  --expected-output=@softmax.ref.npy --atol=1e-4 --rtol=1e-3 -v
echo "kernel cache entries: $(find "$TGC_CACHE_DIR" -type f | wc -l)"

# Every op x dtype x variant on the GPU against the reference evaluator,
# then again with every opt-in GPU kernel.
section "e2e op suite"
check "e2e op suite on cuda:0" python3 ../test/e2e-ops/run-e2e.py --work e2e \
  --run-only --device=cuda:0 --tg-run=./tg-run
check "e2e op suite with every opt-in GPU kernel on cuda:0" \
  python3 ../test/e2e-ops/run-e2e.py --work e2e-opt-in --run-only \
  --device=cuda:0 --tg-run=./tg-run

python3 - <<'PY'
import numpy as np
rng = np.random.default_rng(0)
f = lambda *s: rng.standard_normal(s).astype(np.float32)
np.save("sm.x.npy", f(4096, 4096))
np.save("ln.x.npy", f(8192, 1024)); np.save("ln.g.npy", f(1024)); np.save("ln.b.npy", f(1024))
np.save("mm.a.npy", f(2048, 2048)); np.save("mm.b.npy", f(2048, 2048)); np.save("mm.bias.npy", f(2048))
np.save("ew.x.npy", f(4096, 4096)); np.save("ew.y.npy", f(4096, 4096))
PY
section "bench/gpu models vs PyTorch"
bench() { # model, inputs...
  local m="$1"; shift
  local args=()
  for i in "$@"; do args+=(--input=@$i); done
  echo "== $m"
  ./tg-run $m.bin --device=cuda:0 "${args[@]}" --benchmark=20 | grep -vE '^result|^[-0-9. e.]+$|^\.\.\.' | head -14
  python3 torch_compare.py $m "$@"
}
# softmax and layer_norm: numerics against torch, then kernel time vs torch.
op_bench() { # model, inputs...
  echo "== $1"
  if python3 gpu_bench.py op "$@"; then :; else failures=$((failures + 1)); fi
}
op_bench softmax_4096 sm.x.npy
op_bench softmax_4096 sm.x.npy --bundle=softmax_4096.rows.bin
op_bench layernorm_8192x1024 ln.x.npy ln.g.npy ln.b.npy
op_bench layernorm_8192x1024 ln.x.npy ln.g.npy ln.b.npy --bundle=layernorm_8192x1024.rows.bin
bench matmul_gelu_2048 mm.a.npy mm.b.npy mm.bias.npy
bench elementwise_16m ew.x.npy ew.y.npy

section "host<->device copies vs torch pinned and pageable copies"
if python3 gpu_bench.py transfers ew.x.npy ew.y.npy; then :; else failures=$((failures + 1)); fi

# Tensor-core GEMMs: uniform [-1, 1) inputs (bf16 as raw <u2 bits, which
# tg-run reads as bf16), tgc's output checked against torch, then timed.
section "tensor-core GEMMs vs torch.matmul"
python3 - <<'PY'
import numpy as np
rng = np.random.default_rng(1)
def bf16_bits(x):  # f32 -> bf16, round to nearest even
    u = x.astype(np.float32).view(np.uint32)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
for n in (4096, 8192):
    for name in ("a", "b"):
        x = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        np.save(f"gemm{n}.{name}.f16.npy", x.astype(np.float16))
        np.save(f"gemm{n}.{name}.bf16.npy", bf16_bits(x))
        if n == 4096:
            np.save(f"gemm{n}.{name}.f32.npy", x)
PY
for nt in 4096/f16 4096/bf16 4096/f32 8192/f16 8192/bf16; do
  n=${nt%/*} t=${nt#*/}
  m=gemm_${t}_$n
  check "$m runs on cuda:0" ./tg-run $m.bin --device=cuda:0 \
    --input=@gemm$n.a.$t.npy --input=@gemm$n.b.$t.npy --output=@$m.out.npy --print-max-elements=0
  # Prints the error figures, so not through check (which drops stdout).
  if python3 torch_compare.py --check-gemm gemm$n.a.$t.npy gemm$n.b.$t.npy $m.out.npy; then
    echo "PASS $m numerics vs torch"
  else
    echo "FAIL $m numerics vs torch"; failures=$((failures + 1))
  fi
  echo "== $m ($((2 * n * n * n / 1000000000)) GFLOP per call)"
  ./tg-run $m.bin --device=cuda:0 --input=@gemm$n.a.$t.npy --input=@gemm$n.b.$t.npy \
    --benchmark=20 --print-max-elements=0 | grep -vE '^result|^[-0-9. e.]+$|^\.\.\.' | head -14
  python3 torch_compare.py $m gemm$n.a.$t.npy gemm$n.b.$t.npy
done

# Fused attention (--gpu-fused-attention) against SDPA; q, k, v (256 MiB
# each) are made by gpu_bench.py on the GPU rather than carried.
section "attention b4 h32 s4096 d128 vs scaled_dot_product_attention"
for variant in "attention_b4h32s4096d128" "attention_causal_b4h32s4096d128 --causal"; do
  echo "== ${variant%% *}"
  # shellcheck disable=SC2086 # the variant carries its flag
  if python3 gpu_bench.py attention $variant; then :; else failures=$((failures + 1)); fi
done
rm -f attn.q.npy attn.k.npy attn.v.npy ./*.out.npy

section "done"
echo "gpu-check: $failures failure(s)"
exit $((failures > 0))
