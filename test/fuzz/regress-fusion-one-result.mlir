// Regression (found by the differential fuzzer, seeds 70 and 267): upstream
// elementwise fusion keeps the producer's result as an extra result of the
// fused op when the producer's init is the only operand that gives a
// reducing consumer its loop bounds -- here pow of a broadcast scalar fed
// to a full reduction. Kernels have one result, so dispatch formation made
// a kernel of the wrong result and left the reduction out of every kernel:
// "value is not available to the schedule". Such fusions are now refused.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tgc %s --targets=sm_90,gfx1100 --emit=kernels -o /dev/null
// RUN: tg-run %t.bin --input="f32=2" --input="4xf32=0 1 2 3" | FileCheck %s
// RUN: tg-eval %s --input="f32=2" --input="4xf32=0 1 2 3" | FileCheck %s

// CHECK: result[0]: tensor<1x1xf32>
// CHECK-NEXT: {{^}}-2.75{{$}}
// CHECK: result[1]: tensor<f32>
// CHECK-NEXT: {{^}}1{{$}}
func.func @main(%x: tensor<f32>, %y: tensor<4xf32>) -> (tensor<1x1xf32>, tensor<f32>) {
  %c = tg.constant dense<-2.0> : tensor<5x4xf32>
  %0 = tg.pow %x, %c : tensor<f32>, tensor<5x4xf32> -> tensor<5x4xf32>
  %1 = tg.sub %0, %y : tensor<5x4xf32>, tensor<4xf32> -> tensor<5x4xf32>
  %2 = tg.reduce_min %1 axes = [0, 1] keep_dims : tensor<5x4xf32> -> tensor<1x1xf32>
  %3 = tg.add %x, %x : tensor<f32>, tensor<f32> -> tensor<f32>
  %4 = tg.reduce_max %0 axes = [0, 1] : tensor<5x4xf32> -> tensor<f32>
  %5 = tg.mul %3, %4 : tensor<f32>, tensor<f32> -> tensor<f32>
  return %2, %5 : tensor<1x1xf32>, tensor<f32>
}
