#!/usr/bin/env bash
# Builds a self-contained tg-run for a borrowed GPU machine that has no LLVM,
# no libzstd and maybe no matching libstdc++: zstd and libstdc++/libgcc are
# linked statically, so only libc, libm, libdl and libpthread stay dynamic,
# and libcuda / libamdhip64 are dlopened at run time.
#
#   scripts/build-device-runtime.sh [BUILD_DIR] [extra cmake args...]
#
# BUILD_DIR defaults to build-device. Pass -DTGC_BUILD_TESTS=ON to also build
# runtime-tests (static the same way) for running the unit tests there.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build-device}"
shift || true
jobs="${TGC_BUILD_JOBS:-2}"

cmake -G Ninja -S "$repo" -B "$build" \
  -DCMAKE_BUILD_TYPE=Release \
  -DTGC_BUILD_COMPILER=OFF \
  -DTGC_BUILD_TESTS=OFF \
  -DTGC_STATIC_RUNTIME=ON \
  "$@"
targets=(tg-run)
if grep -q '^TGC_BUILD_TESTS:BOOL=ON' "$build/CMakeCache.txt"; then
  targets+=(runtime-tests)
fi
ninja -j "$jobs" -C "$build" "${targets[@]}"

# Fail loudly if anything beyond the C library crept into the dependencies.
tg_run="$build/bin/tg-run"
unexpected="$(ldd "$tg_run" | grep '=>' |
  grep -vE '^\s*(libc|libm|libdl|libpthread|librt)\.so|ld-linux|linux-vdso' || true)"
if [[ -n "$unexpected" ]]; then
  echo "error: $tg_run links more than libc/libm/libdl/libpthread:" >&2
  echo "$unexpected" >&2
  exit 1
fi
strip -o "$tg_run.stripped" "$tg_run"
echo "built $tg_run ($(du -h "$tg_run.stripped" | cut -f1) stripped):"
ldd "$tg_run"
