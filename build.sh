#!/usr/bin/env bash
# tgc's two entry points on a fresh Debian 12 machine:
#
#   ./build.sh run    install what is missing, build, compile examples/mlp.mlir
#                     and run it on the default device (a GPU if one is
#                     present, else the CPU), printing the result
#   ./build.sh test   install what is missing, build everything and run the
#                     whole test suite (lit + unit tests), printing lit's
#                     summary, then build examples/embed against an
#                     installed tgc and run it. The ONNX tests need onnx and
#                     onnxruntime from PyPI: scripts/onnx-venv.sh puts them
#                     in $BUILD_DIR/onnx-venv first
#
# BUILD_DIR (default: build) and JOBS (default: all cores) can be set.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${BUILD_DIR:-$repo/build}"
jobs="${JOBS:-$(nproc)}"

packages=(
  cmake ninja-build g++ pkg-config
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools lld-22
  libzstd-dev libxxhash-dev libsodium-dev libflatbuffers-dev flatbuffers-compiler
  libgtest-dev libcli11-dev python3 python3-numpy python3-venv clang-format
  python3-dev pybind11-dev
  libonnx-dev libprotobuf-dev nlohmann-json3-dev
)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return
  echo "build.sh: installing ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

configure() {
  [[ -f "$build/build.ninja" ]] && return
  cmake -G Ninja -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
}

case "${1:-}" in
run)
  install_missing
  configure
  ninja -C "$build" -j "$jobs" tgc tg-run
  "$build/bin/tgc" "$repo/examples/mlp.mlir" -o "$build/mlp.bin"
  "$build/bin/tgc" --inspect "$build/mlp.bin"
  "$build/bin/tg-run" "$build/mlp.bin" --input=@"$repo/examples/inputs/mlp_x.npy" -v
  ;;
test)
  install_missing
  configure
  ninja -C "$build" -j "$jobs"
  PYTHON=/usr/bin/python3 "$repo/scripts/onnx-venv.sh" "$build/onnx-venv" >/dev/null
  ninja -C "$build" -j "$jobs" check-tgc
  # The embedding example, built against an installed copy of tgc.
  "$repo/scripts/test-embed.sh" "$build"
  ;;
*)
  echo "usage: $0 run|test" >&2
  exit 2
  ;;
esac
