// Shape ops print and parse back, in custom and generic form.
// RUN: tg-opt %s | tg-opt | FileCheck %s
// RUN: tg-opt --mlir-print-op-generic %s | tg-opt | FileCheck %s

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @reshape(%x: tensor<2x3xf32>) {
  // CHECK: tg.reshape %[[X]] : tensor<2x3xf32> -> tensor<6xf32>
  %0 = tg.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  // CHECK: tg.reshape %[[X]] : tensor<2x3xf32> -> tensor<3x1x2xf32>
  %1 = tg.reshape %x : tensor<2x3xf32> -> tensor<3x1x2xf32>
  // CHECK: tg.reshape %{{.*}} : tensor<1x1xi8> -> tensor<i8>
  %c = tg.constant dense<7> : tensor<1x1xi8>
  %2 = tg.reshape %c : tensor<1x1xi8> -> tensor<i8>
  return
}

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @transpose(%x: tensor<2x3x4xf32>) {
  // CHECK: tg.transpose %[[X]] permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %0 = tg.transpose %x permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: tg.transpose %[[X]] permutation = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %1 = tg.transpose %x permutation = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return
}

// CHECK-LABEL: func.func @broadcast_to
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[Y:.*]]: tensor<4x1xi32>)
func.func @broadcast_to(%x: tensor<3xf32>, %y: tensor<4x1xi32>) {
  // CHECK: tg.broadcast_to %[[X]] : tensor<3xf32> -> tensor<2x3xf32>
  %0 = tg.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: tg.broadcast_to %[[Y]] : tensor<4x1xi32> -> tensor<5x4x6xi32>
  %1 = tg.broadcast_to %y : tensor<4x1xi32> -> tensor<5x4x6xi32>
  return
}

// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
func.func @slice(%x: tensor<2x8xf32>) {
  // CHECK: tg.slice %[[X]] start = [0, 1] size = [2, 2] stride = [1, 1] : tensor<2x8xf32> -> tensor<2x2xf32>
  %0 = tg.slice %x start = [0, 1] size = [2, 2] stride = [1, 1] : tensor<2x8xf32> -> tensor<2x2xf32>
  // The last selected index, 1 + 3 * 2 = 7, is the last element.
  // CHECK: tg.slice %[[X]] start = [1, 1] size = [1, 4] stride = [1, 2] : tensor<2x8xf32> -> tensor<1x4xf32>
  %1 = tg.slice %x start = [1, 1] size = [1, 4] stride = [1, 2] : tensor<2x8xf32> -> tensor<1x4xf32>
  return
}

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<1x3xf32>, %[[B:.*]]: tensor<2x3xf32>, %[[C:.*]]: tensor<2x5xf32>)
func.func @concat(%a: tensor<1x3xf32>, %b: tensor<2x3xf32>, %c: tensor<2x5xf32>) {
  // CHECK: tg.concat %[[A]], %[[B]] axis = 0 : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<3x3xf32>
  %0 = tg.concat %a, %b axis = 0 : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<3x3xf32>
  // CHECK: tg.concat %[[B]], %[[C]], %[[B]] axis = 1 : tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x3xf32> -> tensor<2x11xf32>
  %1 = tg.concat %b, %c, %b axis = 1 : tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x3xf32> -> tensor<2x11xf32>
  // CHECK: tg.concat %[[A]] axis = 1 : tensor<1x3xf32> -> tensor<1x3xf32>
  %2 = tg.concat %a axis = 1 : tensor<1x3xf32> -> tensor<1x3xf32>
  return
}

// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[T:.*]]: tensor<1000x64xf32>, %[[I:.*]]: tensor<8xi32>, %[[J:.*]]: tensor<2x4xi32>, %[[V:.*]]: tensor<10xi8>)
func.func @gather(%t: tensor<1000x64xf32>, %i: tensor<8xi32>, %j: tensor<2x4xi32>,
                  %v: tensor<10xi8>) {
  // CHECK: tg.gather %[[T]][%[[I]]] : tensor<1000x64xf32>, tensor<8xi32> -> tensor<8x64xf32>
  %0 = tg.gather %t[%i] : tensor<1000x64xf32>, tensor<8xi32> -> tensor<8x64xf32>
  // CHECK: tg.gather %[[T]][%[[J]]] : tensor<1000x64xf32>, tensor<2x4xi32> -> tensor<2x4x64xf32>
  %1 = tg.gather %t[%j] : tensor<1000x64xf32>, tensor<2x4xi32> -> tensor<2x4x64xf32>
  // CHECK: tg.gather %[[V]][%[[J]]] : tensor<10xi8>, tensor<2x4xi32> -> tensor<2x4xi8>
  %2 = tg.gather %v[%j] : tensor<10xi8>, tensor<2x4xi32> -> tensor<2x4xi8>
  return
}

// CHECK-LABEL: func.func @dynamic_update_slice
// CHECK-SAME: (%[[C:.*]]: tensor<2x8x4xf32>, %[[U:.*]]: tensor<2x1x4xf32>, %[[Z:.*]]: tensor<i32>, %[[P:.*]]: tensor<1xi32>)
func.func @dynamic_update_slice(%c: tensor<2x8x4xf32>, %u: tensor<2x1x4xf32>, %z: tensor<i32>, %p: tensor<1xi32>) -> tensor<2x8x4xf32> {
  // CHECK: tg.dynamic_update_slice %[[C]], %[[U]], %[[Z]], %[[P]], %[[Z]] : tensor<2x8x4xf32>, tensor<2x1x4xf32>, tensor<i32>, tensor<1xi32>, tensor<i32> -> tensor<2x8x4xf32>
  %0 = tg.dynamic_update_slice %c, %u, %z, %p, %z : tensor<2x8x4xf32>, tensor<2x1x4xf32>, tensor<i32>, tensor<1xi32>, tensor<i32> -> tensor<2x8x4xf32>
  return %0 : tensor<2x8x4xf32>
}
