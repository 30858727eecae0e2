#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer build and test run.
#
#   scripts/sanitizer-check.sh [BUILD_DIR]        (default: build-asan)
#
# Configures a separate build of the whole project (compiler, runtime,
# tools, unit tests) with gcc and -fsanitize=address,undefined, builds it,
# and runs check-tgc there: the GoogleTest unit tests and every lit test,
# including the end-to-end op suite and 400 differential-fuzzing graphs, so
# tgc, tg-run and tg-eval all run sanitized. Any sanitizer report fails the
# run (UBSan does not recover, ASan aborts). Exits with lit's status.
#
# Where the time goes (2 cores): the build, about 10 minutes from scratch
# and incremental afterwards (keep BUILD_DIR between runs); check-tgc about
# 2 minutes, most of it tgc compiling the e2e-ops and fuzz modules under
# ASan. TGC_SANITIZER_LIT_FILTER=REGEX runs only the lit tests whose path
# matches (lit --filter), e.g. 'unit|runtime|e2e-ops/regress|errors' for a
# quick pass of about a minute.
#
# LLVM and MLIR themselves (Debian's shared libraries) are not instrumented:
# this checks tgc's code and its use of them, not them.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build-asan}"
jobs="${TGC_SANITIZER_JOBS:-2}"

# vptr checks need RTTI, which the LLVM-style compiler code is built without.
flags="-fsanitize=address,undefined -fno-sanitize=vptr"
flags+=" -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g1"
start=$(date +%s)
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$repo" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
fi
ninja -C "$build" -j"$jobs" all
built=$(date +%s)

# Leaks are reported (detect_leaks), container annotations are not used by
# libstdc++; symbolize with Debian's llvm-symbolizer. LLVM's BumpPtrAllocator
# poisons its slabs in instrumented code (inline header functions compiled
# into tgc) and unpoisons what it hands out only there: uninstrumented
# libMLIR.so allocating from the same slab (MLIR's per-thread storage, as
# on the thread tgc compiles on) then trips use-after-poison on its own
# writes. allow_user_poisoning=0 ignores that manual poisoning; ASan's own
# checks (overflows, use after free, leaks) stay.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:check_initialization_order=1:allocator_may_return_null=1:allow_user_poisoning=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
symbolizer=/usr/lib/llvm-22/bin/llvm-symbolizer
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
lit_args="-sv"
if [ -n "${TGC_SANITIZER_LIT_FILTER:-}" ]; then
  lit_args+=" --filter=${TGC_SANITIZER_LIT_FILTER}"
fi
status=0
# What check-tgc runs (its lit arguments are fixed at configure time, so lit
# is called directly to honor the filter; `all` built everything it needs).
/usr/lib/llvm-22/bin/lit $lit_args -j"$jobs" "$build/test" "$build/test/unit" \
  || status=$?
end=$(date +%s)
echo "sanitizer-check: build $((built - start)) s, tests $((end - built)) s, status $status"
exit $status
