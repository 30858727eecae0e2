// Regression (found by the differential fuzzer, seed 138): when a returned
// value is a slice of a reduction, dispatch formation makes the slice the
// root of the row kernel, and the row-access check cast every root to
// linalg.generic: tgc crashed in tgc-form-dispatches. The check also
// mapped rank-reducing slices and collapses to rank 0 dimension for
// dimension, as the kernel emitter did before.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tgc %s --targets=sm_90,gfx1100 --emit=kernels -o /dev/null
// RUN: tg-run %t.bin --input="4x1xi32=1 2 3 4" --input="2x3x4xf32=0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23" | FileCheck %s
// RUN: tg-eval %s --input="4x1xi32=1 2 3 4" --input="2x3x4xf32=0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23" | FileCheck %s

// CHECK: result[0]: tensor<1x1xi32>
// CHECK-NEXT: {{^}}10{{$}}
// CHECK: result[1]: tensor<2x1x2xf32>
// CHECK-NEXT: {{^}}15 21{{$}}
// CHECK-NEXT: {{^}}51 57{{$}}
// CHECK: result[2]: tensor<2x1x2xf32>
// CHECK-NEXT: {{^}}0.00247262 0.997527{{$}}
// CHECK-NEXT: {{^}}0.00247262 0.997527{{$}}
func.func @main(%x: tensor<4x1xi32>, %y: tensor<2x3x4xf32>) -> (tensor<1x1xi32>, tensor<2x1x2xf32>, tensor<2x1x2xf32>) {
  %0 = tg.reduce_sum %x axes = [0, 1] keep_dims : tensor<4x1xi32> -> tensor<1x1xi32>
  %1 = tg.slice %0 start = [0, 0] size = [1, 1] stride = [2, 2] : tensor<1x1xi32> -> tensor<1x1xi32>
  %2 = tg.reduce_sum %y axes = [1] keep_dims : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
  %3 = tg.slice %2 start = [0, 0, 1] size = [2, 1, 2] stride = [1, 1, 2] : tensor<2x1x4xf32> -> tensor<2x1x2xf32>
  %4 = tg.softmax %3 axis = 2 : tensor<2x1x2xf32>
  return %1, %3, %4 : tensor<1x1xi32>, tensor<2x1x2xf32>, tensor<2x1x2xf32>
}
