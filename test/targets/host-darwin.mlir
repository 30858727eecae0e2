// A Mach-O dylib for Apple Silicon: arm64, LC_ID_DYLIB @rpath/..., an ad-hoc
// code signature (arm64 macOS loads nothing unsigned), only the kernel
// exported. Built and inspected here; not yet loaded on a Mac.
// REQUIRES: ld64.lld
// RUN: tgc-targets-test %S/host-cross.mlir --target=aarch64-apple-darwin -o %t.dylib
// RUN: llvm-objdump --macho --private-headers %t.dylib | FileCheck %s
// RUN: llvm-objdump --macho --exports-trie %t.dylib | FileCheck %s --check-prefix=EXPORTS

// CHECK: MH_MAGIC_64 ARM64
// CHECK-SAME: DYLIB
// CHECK: cmd LC_ID_DYLIB
// CHECK: name @rpath/tgc-host.dylib
// CHECK: cmd LC_BUILD_VERSION
// CHECK: platform macos
// CHECK: cmd LC_CODE_SIGNATURE

// EXPORTS: Exports trie:
// EXPORTS-NEXT: _kernel_tanh
// EXPORTS-NOT: _
