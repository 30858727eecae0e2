#!/usr/bin/env bash
# Creates (once) the Python environment the ONNX tests and the Python
# package's tests run in and prints its python3 path: ONNX, ONNX Runtime,
# NumPy and pytest from PyPI, pinned so every run generates the same
# node-test models and reference outputs.
#
#   scripts/onnx-venv.sh [VENV_DIR]     (default: build/onnx-venv)
#
# Small wheels (~40 MB together); nothing here needs torch. Exits non-zero
# with pip's message when PyPI cannot be reached.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$repo/build/onnx-venv}"
requirements=(onnx==1.23.2 onnxruntime==1.32.0 numpy==2.4.6 pytest==9.2.0)
stamp="$venv/.tgc-requirements"

if [[ -x "$venv/bin/python3" && -f "$stamp" &&
      "$(cat "$stamp")" == "${requirements[*]}" ]]; then
  echo "$venv/bin/python3"
  exit 0
fi
python="${PYTHON:-python3}"
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
  "${requirements[@]}" >&2
echo "${requirements[*]}" >"$stamp"
echo "$venv/bin/python3"
