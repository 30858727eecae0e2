// Regression (found by the differential fuzzer, seeds 2 and 40): for a
// gather whose indices have size 1, unit-dimension folding replaces the
// payload's linalg.index of that dimension with a constant defined outside
// the generic, and the kernel emitter used it in the row lookup without
// cloning it: "'memref.load' op using value defined outside the region".
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tgc %s --targets=sm_90,gfx1100 --emit=kernels -o /dev/null
// RUN: tg-run %t.bin --input="3x2x2xf32=0 1 2 3 4 5 6 7 8 9 10 11" --input="1xi32=1" --input="1x1xi32=9" | FileCheck %s
// RUN: tg-eval %s --input="3x2x2xf32=0 1 2 3 4 5 6 7 8 9 10 11" --input="1xi32=1" --input="1x1xi32=9" | FileCheck %s

// CHECK: result[0]: tensor<1x2x2xf32>
// CHECK-NEXT: {{^}}4 5{{$}}
// CHECK-NEXT: {{^}}6 7{{$}}
// CHECK: result[1]: tensor<1x1x2x2xf32>
// CHECK-NEXT: {{^}}8 9{{$}}
// CHECK-NEXT: {{^}}10 11{{$}}
func.func @main(%t: tensor<3x2x2xf32>, %i: tensor<1xi32>, %j: tensor<1x1xi32>) -> (tensor<1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %0 = tg.gather %t[%i] : tensor<3x2x2xf32>, tensor<1xi32> -> tensor<1x2x2xf32>
  %1 = tg.gather %t[%j] : tensor<3x2x2xf32>, tensor<1x1xi32> -> tensor<1x1x2x2xf32>
  return %0, %1 : tensor<1x2x2xf32>, tensor<1x1x2x2xf32>
}
