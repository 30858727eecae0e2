// Host libraries for other machines are a flag away: AArch64 Linux (ELF,
// ld.lld) and Apple Silicon macOS (Mach-O dylib, ld64.lld, ad-hoc signed).
// Built and inspected here, not run.
// REQUIRES: ld.lld
// RUN: tgc-targets-test %s --target=aarch64-linux-gnu -o %t.so
// RUN: llvm-readelf -h --dyn-syms -d %t.so | FileCheck %s --check-prefix=ELF
// RUN: llvm-nm -D --undefined-only %t.so | count 0
// RUN: tgc-targets-test %s --target=x86_64-linux-gnu --host-cpu=x86-64-v2 -o %t.v2.so
// RUN: llvm-readelf -h %t.v2.so | FileCheck %s --check-prefix=X86

// ELF: Machine: AArch64
// ELF-NOT: NEEDED
// ELF: Symbol table '.dynsym' contains 2 entries:
// ELF: FUNC GLOBAL DEFAULT {{[0-9]+}} kernel_tanh

// X86: Machine: Advanced Micro Devices X86-64

func.func @kernel_tanh_body(%in: memref<256xf32>, %out: memref<256xf32>,
                            %begin: index, %end: index) {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %wg = %begin to %end step %c1 {
    %i = arith.muli %wg, %c8 : index
    %x = vector.load %in[%i] : memref<256xf32>, vector<8xf32>
    %y = math.tanh %x : vector<8xf32>
    vector.store %y, %out[%i] : memref<256xf32>, vector<8xf32>
  }
  return
}
