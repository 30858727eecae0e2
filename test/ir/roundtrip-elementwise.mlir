// Every elementwise tg op prints and parses back, in custom and generic form.
// RUN: tg-opt %s | tg-opt | FileCheck %s
// RUN: tg-opt --mlir-print-op-generic %s | tg-opt | FileCheck %s

// CHECK-LABEL: func.func @unary_float
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @unary_float(%x: tensor<2x3xf32>) {
  // CHECK: tg.exp %[[X]] : tensor<2x3xf32>
  %0 = tg.exp %x : tensor<2x3xf32>
  // CHECK: tg.log %[[X]] : tensor<2x3xf32>
  %1 = tg.log %x : tensor<2x3xf32>
  // CHECK: tg.sqrt %[[X]] : tensor<2x3xf32>
  %2 = tg.sqrt %x : tensor<2x3xf32>
  // CHECK: tg.rsqrt %[[X]] : tensor<2x3xf32>
  %3 = tg.rsqrt %x : tensor<2x3xf32>
  // CHECK: tg.reciprocal %[[X]] : tensor<2x3xf32>
  %4 = tg.reciprocal %x : tensor<2x3xf32>
  // CHECK: tg.tanh %[[X]] : tensor<2x3xf32>
  %5 = tg.tanh %x : tensor<2x3xf32>
  // CHECK: tg.sigmoid %[[X]] : tensor<2x3xf32>
  %6 = tg.sigmoid %x : tensor<2x3xf32>
  // CHECK: tg.silu %[[X]] : tensor<2x3xf32>
  %7 = tg.silu %x : tensor<2x3xf32>
  // CHECK: tg.sin %[[X]] : tensor<2x3xf32>
  %8 = tg.sin %x : tensor<2x3xf32>
  // CHECK: tg.cos %[[X]] : tensor<2x3xf32>
  %9 = tg.cos %x : tensor<2x3xf32>
  // CHECK: tg.gelu %[[X]] : tensor<2x3xf32>
  %10 = tg.gelu %x : tensor<2x3xf32>
  // CHECK: tg.gelu %[[X]] tanh : tensor<2x3xf32>
  %11 = tg.gelu %x tanh : tensor<2x3xf32>
  return
}

// The float-only ops accept every float type, not just f32.
// CHECK-LABEL: func.func @unary_half_types
func.func @unary_half_types(%h: tensor<4xf16>, %b: tensor<4xbf16>) {
  // CHECK: tg.exp %{{.*}} : tensor<4xf16>
  %0 = tg.exp %h : tensor<4xf16>
  // CHECK: tg.gelu %{{.*}} tanh : tensor<4xbf16>
  %1 = tg.gelu %b tanh : tensor<4xbf16>
  return
}

// CHECK-LABEL: func.func @unary_numeric
// CHECK-SAME: (%[[X:.*]]: tensor<4xi32>, %[[Y:.*]]: tensor<2x2xi8>, %[[Z:.*]]: tensor<f32>)
func.func @unary_numeric(%x: tensor<4xi32>, %y: tensor<2x2xi8>, %z: tensor<f32>) {
  // CHECK: tg.neg %[[X]] : tensor<4xi32>
  %0 = tg.neg %x : tensor<4xi32>
  // CHECK: tg.abs %[[Y]] : tensor<2x2xi8>
  %1 = tg.abs %y : tensor<2x2xi8>
  // CHECK: tg.relu %[[Z]] : tensor<f32>
  %2 = tg.relu %z : tensor<f32>
  // CHECK: tg.neg %[[Z]] : tensor<f32>
  %3 = tg.neg %z : tensor<f32>
  return
}

// CHECK-LABEL: func.func @binary
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>)
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // CHECK: tg.add %[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %0 = tg.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: tg.sub %[[B]], %[[A]] : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = tg.sub %b, %a : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: tg.mul %[[A]], %[[A]] : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = tg.mul %a, %a : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: tg.div %[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %3 = tg.div %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: tg.max %[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %4 = tg.max %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: tg.min %[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %5 = tg.min %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: tg.pow %[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %6 = tg.pow %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return
}

// Both operands stretch: [4, 1] with [3] broadcasts to [4, 3].
// CHECK-LABEL: func.func @binary_broadcast_both
func.func @binary_broadcast_both(%a: tensor<4x1xi32>, %b: tensor<3xi32>) {
  // CHECK: tg.add %{{.*}}, %{{.*}} : tensor<4x1xi32>, tensor<3xi32> -> tensor<4x3xi32>
  %0 = tg.add %a, %b : tensor<4x1xi32>, tensor<3xi32> -> tensor<4x3xi32>
  // CHECK: tg.mul %{{.*}}, %{{.*}} : tensor<4x1xi32>, tensor<i32> -> tensor<4x1xi32>
  %c = tg.constant dense<2> : tensor<i32>
  %1 = tg.mul %a, %c : tensor<4x1xi32>, tensor<i32> -> tensor<4x1xi32>
  return
}

// CHECK-LABEL: func.func @compare
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[I:.*]]: tensor<4xi8>)
func.func @compare(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<4xi8>) {
  // CHECK: tg.compare eq, %[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  %0 = tg.compare eq, %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  // CHECK: tg.compare ne, %[[A]], %[[B]]
  %1 = tg.compare ne, %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  // CHECK: tg.compare lt, %[[A]], %[[B]]
  %2 = tg.compare lt, %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  // CHECK: tg.compare le, %[[A]], %[[B]]
  %3 = tg.compare le, %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  // CHECK: tg.compare gt, %[[A]], %[[B]]
  %4 = tg.compare gt, %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  // CHECK: tg.compare ge, %[[I]], %[[I]] : tensor<4xi8>, tensor<4xi8> -> tensor<4xi1>
  %5 = tg.compare ge, %i, %i : tensor<4xi8>, tensor<4xi8> -> tensor<4xi1>
  // i1 may be compared (only the numeric ops reject it).
  // CHECK: tg.compare eq, %{{.*}}, %{{.*}} : tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  %6 = tg.compare eq, %0, %1 : tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  return
}

// CHECK-LABEL: func.func @select
// CHECK-SAME: (%[[M:.*]]: tensor<4xi1>, %[[X:.*]]: tensor<2x4xf32>, %[[Y:.*]]: tensor<f32>)
func.func @select(%m: tensor<4xi1>, %x: tensor<2x4xf32>, %y: tensor<f32>) {
  // CHECK: tg.select %[[M]], %[[X]], %[[Y]] : tensor<4xi1>, tensor<2x4xf32>, tensor<f32> -> tensor<2x4xf32>
  %0 = tg.select %m, %x, %y : tensor<4xi1>, tensor<2x4xf32>, tensor<f32> -> tensor<2x4xf32>
  // The condition alone may carry the broadcast shape.
  // CHECK: tg.select %{{.*}}, %[[Y]], %[[Y]] : tensor<3x4xi1>, tensor<f32>, tensor<f32> -> tensor<3x4xf32>
  %c = tg.constant dense<true> : tensor<3x4xi1>
  %1 = tg.select %c, %y, %y : tensor<3x4xi1>, tensor<f32>, tensor<f32> -> tensor<3x4xf32>
  return
}

// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[M:.*]]: tensor<4xi1>)
func.func @cast(%x: tensor<4xf32>, %m: tensor<4xi1>) {
  // CHECK: tg.cast %[[X]] : tensor<4xf32> to tensor<4xf16>
  %0 = tg.cast %x : tensor<4xf32> to tensor<4xf16>
  // CHECK: tg.cast %[[X]] : tensor<4xf32> to tensor<4xbf16>
  %1 = tg.cast %x : tensor<4xf32> to tensor<4xbf16>
  // CHECK: tg.cast %[[X]] : tensor<4xf32> to tensor<4xi32>
  %2 = tg.cast %x : tensor<4xf32> to tensor<4xi32>
  // CHECK: tg.cast %[[M]] : tensor<4xi1> to tensor<4xi8>
  %3 = tg.cast %m : tensor<4xi1> to tensor<4xi8>
  // CHECK: tg.cast %[[X]] : tensor<4xf32> to tensor<4xi1>
  %4 = tg.cast %x : tensor<4xf32> to tensor<4xi1>
  return
}
