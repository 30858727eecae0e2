// Reductions and tg.matmul print and parse back, in custom and generic form.
// RUN: tg-opt %s | tg-opt | FileCheck %s
// RUN: tg-opt --mlir-print-op-generic %s | tg-opt | FileCheck %s

// CHECK-LABEL: func.func @reductions
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[I:.*]]: tensor<5xi32>)
func.func @reductions(%x: tensor<2x3x4xf32>, %i: tensor<5xi32>) {
  // CHECK: tg.reduce_sum %[[X]] axes = [1] keep_dims : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
  %0 = tg.reduce_sum %x axes = [1] keep_dims : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
  // CHECK: tg.reduce_sum %[[X]] axes = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  %1 = tg.reduce_sum %x axes = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  // Axes need not be sorted.
  // CHECK: tg.reduce_max %[[X]] axes = [2, 0] keep_dims : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  %2 = tg.reduce_max %x axes = [2, 0] keep_dims : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  // CHECK: tg.reduce_min %[[I]] axes = [0] : tensor<5xi32> -> tensor<i32>
  %3 = tg.reduce_min %i axes = [0] : tensor<5xi32> -> tensor<i32>
  // CHECK: tg.reduce_mean %[[X]] axes = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  %4 = tg.reduce_mean %x axes = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  return
}

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<8x64xf32>, %[[B:.*]]: tensor<64x32xf32>, %[[BT:.*]]: tensor<32x64xf32>, %[[AT:.*]]: tensor<64x8xf32>)
func.func @matmul(%a: tensor<8x64xf32>, %b: tensor<64x32xf32>,
                  %bt: tensor<32x64xf32>, %at: tensor<64x8xf32>) {
  // CHECK: tg.matmul %[[A]], %[[B]] : tensor<8x64xf32>, tensor<64x32xf32> -> tensor<8x32xf32>
  %0 = tg.matmul %a, %b : tensor<8x64xf32>, tensor<64x32xf32> -> tensor<8x32xf32>
  // CHECK: tg.matmul %[[A]], %[[BT]] transpose_b : tensor<8x64xf32>, tensor<32x64xf32> -> tensor<8x32xf32>
  %1 = tg.matmul %a, %bt transpose_b : tensor<8x64xf32>, tensor<32x64xf32> -> tensor<8x32xf32>
  // CHECK: tg.matmul %[[AT]], %[[B]] transpose_a : tensor<64x8xf32>, tensor<64x32xf32> -> tensor<8x32xf32>
  %2 = tg.matmul %at, %b transpose_a : tensor<64x8xf32>, tensor<64x32xf32> -> tensor<8x32xf32>
  // CHECK: tg.matmul %[[AT]], %[[BT]] transpose_a transpose_b : tensor<64x8xf32>, tensor<32x64xf32> -> tensor<8x32xf32>
  %3 = tg.matmul %at, %bt transpose_a transpose_b : tensor<64x8xf32>, tensor<32x64xf32> -> tensor<8x32xf32>
  return
}

// Batch dimensions broadcast like NumPy; every supported element type.
// CHECK-LABEL: func.func @matmul_batched
func.func @matmul_batched(%a: tensor<2x1x4x8xf16>, %b: tensor<3x8x5xf16>,
                          %c: tensor<4x8xbf16>, %d: tensor<7x8x2xbf16>,
                          %e: tensor<2x3xi32>, %f: tensor<3x2xi32>) {
  // CHECK: tg.matmul %{{.*}}, %{{.*}} : tensor<2x1x4x8xf16>, tensor<3x8x5xf16> -> tensor<2x3x4x5xf16>
  %0 = tg.matmul %a, %b : tensor<2x1x4x8xf16>, tensor<3x8x5xf16> -> tensor<2x3x4x5xf16>
  // CHECK: tg.matmul %{{.*}}, %{{.*}} : tensor<4x8xbf16>, tensor<7x8x2xbf16> -> tensor<7x4x2xbf16>
  %1 = tg.matmul %c, %d : tensor<4x8xbf16>, tensor<7x8x2xbf16> -> tensor<7x4x2xbf16>
  // CHECK: tg.matmul %{{.*}}, %{{.*}} : tensor<2x3xi32>, tensor<3x2xi32> -> tensor<2x2xi32>
  %2 = tg.matmul %e, %f : tensor<2x3xi32>, tensor<3x2xi32> -> tensor<2x2xi32>
  return
}
