// Load the host library into this process and run a kernel through the C
// ABI: workgroups [0, 32) and [32, 64) in two calls, against libm's exp.
// --host-native keeps this runnable on CPUs below the x86-64-v3 default.
// REQUIRES: ld.lld, host-run
// RUN: tgc-targets-test %s --target=host --host-native -o %t.so \
// RUN:   --run=kernel_exp:exp:-87:88 --run=kernel_exp:exp:-1:1 --max-ulp=4 \
// RUN:   | FileCheck %s
// RUN: tgc-targets-test %s --target=host --host-native --opt=0 -o %t.O0.so \
// RUN:   --run=kernel_exp:exp:-87:88 --max-ulp=4 | FileCheck %s

// CHECK: kernel_exp exp [-87, 88] points={{[0-9]+}} max_ulp={{.*}} PASS
// CHECK-NOT: FAIL

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
