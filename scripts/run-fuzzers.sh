#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/) with clang-22 and runs each for a
# given time, one after the other, on one core each:
#
#   scripts/run-fuzzers.sh SECONDS [bundle|signed-bundle|safetensors|npy|codeobject|frontend|onnx ...]
#                                                            (default: all)
#
# The build (build-fuzz/, or $TGC_FUZZ_BUILD_DIR) instruments the whole
# project with -fsanitize=fuzzer-no-link,address,undefined; the first
# configure and build take about 15 minutes on two cores. Seeds come from
# fuzz/corpus/<harness> (never written); what a run adds goes to
# BUILD/corpus/<harness>, so later runs continue from it, and crashing
# inputs to BUILD/artifacts/<harness>/. Prints per harness the executions,
# the time and the corpus size; exits 1 if any harness found a crash, leak
# or timeout. Reproduce one with BUILD/bin/tgc-fuzz-<harness> <input>.
# signed-bundle signs every input before reading it, so it starts from the
# bundle seeds. .ci/run runs every harness for 60 s.
# Needs clang-22 and libclang-rt-22-dev (apt-get install clang-22
# libclang-rt-22-dev).
set -euo pipefail
seconds="${1:?usage: run-fuzzers.sh SECONDS [bundle|signed-bundle|safetensors|npy|codeobject|frontend|onnx ...]}"
shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(bundle signed-bundle safetensors npy codeobject frontend onnx)
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TGC_FUZZ_BUILD_DIR:-$repo/build-fuzz}"

for tool in clang-22 clang++-22; do
  command -v "$tool" >/dev/null || {
    echo "run-fuzzers: $tool not found (apt-get install clang-22 libclang-rt-22-dev)" >&2
    exit 1
  }
done

# vptr checks need RTTI, which LLVM-style code is built without.
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr"
flags+=" -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$repo" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DTGC_BUILD_FUZZERS=ON -DTGC_BUILD_TESTS=OFF >/dev/null
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("tgc-fuzz-$h"); done
ninja -C "$build" -j"${TGC_FUZZ_JOBS:-2}" "${targets[@]}"

# Uninstrumented LLVM/MLIR code shares std::vector with instrumented code, so
# container-overflow annotations would be half-applied; and LLVM's
# BumpPtrAllocator poisons slabs from instrumented inline code that
# uninstrumented libMLIR then allocates from (see sanitizer-check.sh), which
# allow_user_poisoning=0 ignores (ASan's own checks stay).
export ASAN_OPTIONS="detect_container_overflow=0:detect_leaks=1:allocator_may_return_null=1:allow_user_poisoning=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=0
summary=""
for h in "${harnesses[@]}"; do
  binary="$(find "$build" -name "tgc-fuzz-$h" -type f -perm -u+x | head -1)"
  corpus="$build/corpus/$h"
  seeds="$repo/fuzz/corpus/$h"
  [ "$h" = signed-bundle ] && seeds="$repo/fuzz/corpus/bundle"
  artifacts="$build/artifacts/$h"
  mkdir -p "$corpus" "$artifacts"
  log="$build/fuzz-$h.log"
  echo "== $h: $seconds s"
  status=0
  "$binary" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  took=$(sed -n 's/^stat::.*time.*: *//p' "$log" | head -1)
  size=$(ls "$corpus" | wc -l)
  crashes=$(ls "$artifacts" | wc -l)
  line="$h: ${runs:-?} executions in $seconds s, corpus $size new entries, $crashes crash artifact(s)"
  if [ "$status" -ne 0 ]; then
    failed=1
    line+=" -- FAILED (exit $status), see $log"
    grep -m5 -E "ERROR: |SUMMARY: |Test unit written" "$log" || true
  fi
  summary+="$line"$'\n'
done
printf '%s' "$summary"
exit $failed
