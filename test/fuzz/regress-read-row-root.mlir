// Regression (found by the differential fuzzer, seed 80): a softmax that is
// both returned and multiplied. The softmax is a row kernel that absorbed
// its max and sum reductions; the matmul kernel, outlined first, inlined
// the softmax's elementwise tail instead of reading its result, and so took
// the two reductions as arguments, which no kernel materializes: "value is
// not available to the schedule". It now reads the row kernel's result.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tgc %s --targets=sm_90,gfx1100 --emit=kernels -o /dev/null
// RUN: tg-run %t.bin --input="2x3xf32=0 0 0 1 2 3" --input="2x2xf32=1 2 3 4" | FileCheck %s
// RUN: tg-eval %s --input="2x3xf32=0 0 0 1 2 3" --input="2x2xf32=1 2 3 4" | FileCheck %s

// CHECK: result[0]: tensor<3x2xf32>
// CHECK-NEXT: {{^}}0.603425 1.02679{{$}}
// CHECK-NEXT: {{^}}1.06752 1.64558{{$}}
// CHECK-NEXT: {{^}}2.32906 3.32763{{$}}
// CHECK: result[1]: tensor<2x3xf32>
// CHECK-NEXT: {{^}}0.333333 0.333333 0.333333{{$}}
// CHECK-NEXT: {{^}}0.0900306 0.244728 0.665241{{$}}
func.func @main(%x: tensor<2x3xf32>, %w: tensor<2x2xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  %0 = tg.softmax %x axis = 1 : tensor<2x3xf32>
  %1 = tg.matmul %0, %w transpose_a : tensor<2x3xf32>, tensor<2x2xf32> -> tensor<3x2xf32>
  return %1, %0 : tensor<3x2xf32>, tensor<2x3xf32>
}
