#!/bin/sh
# Installs a tgc build into a temporary prefix and checks that applications
# build against the installed package alone (not the build tree):
#  - examples/embed (CMake, find_package(tgc) -> tgc::jit) compiles its model,
#    runs it, and a second run loads it from the compile cache;
#  - a C program links tgc-jit.pc and another tgc-runtime.pc (pkg-config).
#
#   scripts/test-embed.sh [BUILD_DIR]      (default: build)
#
# Needs a build with the compiler (TGC_BUILD_COMPILER=ON). Exit status 0
# when everything builds and prints what it should.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tgc-test-embed.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
# The JIT signs what it compiles with the user's key, made on first use:
# here, never in the real home.
export TGC_CONFIG_DIR="$work/config"
generator=
command -v ninja >/dev/null 2>&1 && generator="-G Ninja"

fail() {
  echo "test-embed: FAIL: $*" >&2
  exit 1
}

echo "test-embed: installing $build into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
  { cat "$work/install.log"; fail "cmake --install"; }
for f in include/tgc/runtime.h include/tgc/runtime.hpp include/tgc/jit.h \
  include/tgc/jit.hpp lib/cmake/tgc/tgcConfig.cmake \
  lib/pkgconfig/tgc-runtime.pc lib/pkgconfig/tgc-jit.pc bin/tgc bin/tg-run; do
  [ -e "$prefix/$f" ] || fail "$f was not installed"
done
"$prefix/bin/tgc" --version >/dev/null 2>&1 || fail "the installed tgc does not run"

# The example, configured against the prefix only. Any path back into the
# build tree would mean the package is not self-contained.
echo "test-embed: building examples/embed against the installed package"
# shellcheck disable=SC2086
cmake -S "$root/examples/embed" -B "$work/embed" $generator \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
cmake --build "$work/embed" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "build"; }
if grep -rqs -- "$build" "$work/embed/CMakeCache.txt" "$work/embed/build.ninja" \
  "$work/embed/CMakeFiles"; then
  fail "examples/embed refers to the build tree $build"
fi

run_embed() {
  TGC_CACHE_DIR=$work/cache "$work/embed/embed" >"$work/out.txt" 2>&1 ||
    { cat "$work/out.txt"; fail "embed exited with an error"; }
  cat "$work/out.txt"
  grep -q "result matches the reference" "$work/out.txt" ||
    fail "embed printed a wrong result"
}
echo "test-embed: first run (compiles)"
run_embed
grep -q "compile cache: miss, compiled and stored" "$work/out.txt" ||
  fail "the first run did not compile and store the model"
echo "test-embed: second run (compile cache)"
run_embed
grep -q "compile cache: hit" "$work/out.txt" ||
  fail "the second run did not load the model from the compile cache"

# pkg-config, from C.
if command -v pkg-config >/dev/null 2>&1 && command -v cc >/dev/null 2>&1; then
  echo "test-embed: pkg-config: C programs against tgc-jit and tgc-runtime"
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
  cat >"$work/jit.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "tgc/jit.h"

int main(void) {
  const char *model =
      "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
      "  %0 = tg.relu %x : tensor<4xf32>\n"
      "  return %0 : tensor<4xf32>\n"
      "}\n";
  tgc_jit_t *jit = NULL;
  tgc_jit_module_t *module = NULL;
  tgc_status_t status = tgc_jit_create(NULL, &jit);
  if (!status)
    status = tgc_jit_compile_source(jit, model, strlen(model), "relu.mlir",
                                    &module);
  float in[4] = {-1, 2, -3, 4}, out[4] = {0};
  int64_t shape[1] = {4};
  tgc_tensor_view_t input = {TGC_DTYPE_F32, 1, shape, in};
  tgc_tensor_view_t output = {TGC_DTYPE_F32, 1, shape, out};
  if (!status)
    status = tgc_jit_module_call(module, "main", &input, 1, &output, 1);
  if (status) {
    fprintf(stderr, "%s\n", tgc_status_message(status));
    tgc_status_free(status);
    return 1;
  }
  printf("relu: %g %g %g %g\n", out[0], out[1], out[2], out[3]);
  tgc_jit_module_destroy(module);
  tgc_jit_destroy(jit);
  return 0;
}
C
  cat >"$work/runtime.c" <<'C'
#include <stdio.h>
#include "tgc/runtime.h"

int main(void) {
  tgc_device_t *device = NULL;
  tgc_status_t status = tgc_device_open("host", NULL, &device);
  if (status) {
    fprintf(stderr, "%s\n", tgc_status_message(status));
    tgc_status_free(status);
    return 1;
  }
  tgc_device_destroy(device);
  printf("tgc runtime %s\n", tgc_runtime_version());
  return 0;
}
C
  # shellcheck disable=SC2046
  cc -std=c11 -o "$work/jit-c" "$work/jit.c" \
    $(pkg-config --cflags --libs tgc-jit) || fail "linking with tgc-jit.pc"
  TGC_CACHE_DIR=$work/cache "$work/jit-c" >"$work/jit-c.txt" ||
    { cat "$work/jit-c.txt"; fail "the tgc-jit C program failed"; }
  grep -qx "relu: 0 2 0 4" "$work/jit-c.txt" ||
    { cat "$work/jit-c.txt"; fail "the tgc-jit C program printed a wrong result"; }
  # shellcheck disable=SC2046
  cc -std=c11 -o "$work/runtime-c" "$work/runtime.c" \
    $(pkg-config --cflags --libs tgc-runtime) || fail "linking with tgc-runtime.pc"
  "$work/runtime-c" | grep -q "^tgc runtime " ||
    fail "the tgc-runtime C program failed"
else
  echo "test-embed: no pkg-config or cc; skipped the pkg-config checks"
fi
echo "test-embed: PASS"
