#!/bin/sh
# Builds a random-initialised transformers LlamaForCausalLM, writes it as a
# tg module (examples/llm/make_model.py: weights as constants, no ONNX),
# compiles it with tgc, runs examples/llm (tgc-llm) with the KV cache in
# device buffers, and checks that the greedy tokens are exactly those of
# transformers' generate. Prints `tgc: N tokens/s` and `torch: N tokens/s`
# (eager, 2 threads) for the same decode.
#
#   scripts/llm-check.sh [--device=host|cuda|auto] [make_model.py options]
#
# Environment: BUILD (default build), PYTHON (a Python with torch and
# transformers; default: the script's own venv, $LLM_VENV or
# $BUILD/llm-venv, made on first use with pip: several GB), WORK (default a
# temporary directory). The default model has about 32 M parameters (512
# hidden, 8 layers, 8 heads, 4 kv heads, vocab 8192, context 128; about 35 s
# here): its weights travel as MLIR text until bundles take external
# weights. Later options (--hidden 256 ...) override these.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
python=${PYTHON:-}
if [ -z "$python" ]; then
  venv=${LLM_VENV:-$build/llm-venv}
  if ! "$venv/bin/python" -c "import torch, transformers" 2>/dev/null; then
    echo "llm-check: installing torch and transformers into $venv" \
      "(several GB, once)"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q torch transformers numpy safetensors
  fi
  python=$venv/bin/python
fi
device=host
case "${1:-}" in --device=*) device=${1#--device=}; shift ;; esac
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/tgc-llm-check.XXXXXX")}
mkdir -p "$work"
new=40

"$python" -c "import torch, transformers" 2>/dev/null || {
  echo "llm-check: $python cannot import torch and transformers (set PYTHON" \
    "to a Python that can, or unset it to use the script's own venv)" >&2
  exit 2
}
targets=
[ "$device" = host ] && targets=--targets=host

echo "llm-check: building the model in $work"
"$python" "$root/examples/llm/make_model.py" "$work" --hidden 512 --layers 8 \
  --heads 8 --kv-heads 4 --intermediate 1408 --vocab 8192 --context 128 \
  --prompt-len 16 --new-tokens $new --time-torch "$@" >"$work/torch.txt"
echo "llm-check: compiling"
"$build/bin/tgc" "$work/model.mlir" $targets -o "$work/model.bin"
"$build/bin/tgc-llm" "$work/model.bin" --device="$device" \
  --prompt="$(cat "$work/prompt.txt")" --new-tokens=$new | tee "$work/tgc.txt"
expected=$(cat "$work/expected.txt")
got=$(sed -n 's/^tokens: //p' "$work/tgc.txt")
cat "$work/torch.txt"
if [ "$got" != "$expected" ]; then
  echo "llm-check: FAIL: tgc generated" >&2
  echo "  $got" >&2
  echo "transformers generated" >&2
  echo "  $expected" >&2
  exit 1
fi
echo "llm-check: OK: $new greedy tokens identical to transformers"
