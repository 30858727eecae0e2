// The host library exports exactly the kernel entry points
//   void kernel(void *const *bindings, int64_t wg_begin, int64_t wg_end)
// and imports nothing (no libm, no libc NEEDED). It is loaded and run: the
// driver calls each kernel over two complementary workgroup ranges and
// compares with libm.
// REQUIRES: ld.lld
// RUN: tgc-targets-test %s --target=host -o %t.so
// RUN: llvm-readelf --dyn-syms -d %t.so | FileCheck %s
// RUN: llvm-nm -D --undefined-only %t.so | count 0
// RUN: llvm-nm -D --defined-only %t.so | FileCheck %s --check-prefix=EXPORTS
// RUN: tgc-targets-test %s --target=host --opt=0 -o %t.O0.so
// RUN: llvm-nm -D --defined-only %t.O0.so | FileCheck %s --check-prefix=EXPORTS

// CHECK-NOT: NEEDED
// CHECK: (SONAME) Library soname: [tgc-host.so]
// CHECK: (GNU_HASH)
// CHECK: Symbol table '.dynsym' contains 3 entries:
// CHECK-DAG: FUNC GLOBAL DEFAULT {{[0-9]+}} kernel_exp
// CHECK-DAG: FUNC GLOBAL DEFAULT {{[0-9]+}} kernel_axpy

// EXPORTS: T kernel_axpy
// EXPORTS-NEXT: T kernel_exp
// EXPORTS-NOT: body

// out[i] = exp(in[i]), 64 elements per workgroup.
func.func @kernel_exp_body(%in: memref<4096xf32>, %out: memref<4096xf32>,
                           %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.exp %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

// Three bindings, vectorized: y = a * x + y with a from a 1-element buffer.
func.func @kernel_axpy_body(%a: memref<1xf32>, %x: memref<1024xf32>,
                            %y: memref<1024xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %s = memref.load %a[%c0] : memref<1xf32>
  %sv = vector.broadcast %s : f32 to vector<8xf32>
  scf.for %wg = %begin to %end step %c1 {
    %i = arith.muli %wg, %c8 : index
    %xv = vector.load %x[%i] {alignment = 32} : memref<1024xf32>, vector<8xf32>
    %yv = vector.load %y[%i] {alignment = 32} : memref<1024xf32>, vector<8xf32>
    %r = math.fma %sv, %xv, %yv : vector<8xf32>
    vector.store %r, %y[%i] {alignment = 32} : memref<1024xf32>, vector<8xf32>
  }
  return
}
