// Folders and canonicalization patterns of the tg ops.
// RUN: tg-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @transpose_of_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = tg.transpose %[[X]] permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = tg.transpose %x permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = tg.transpose %0 permutation = [2, 0, 1] : tensor<4x2x3xf32> -> tensor<3x4x2xf32>
  return %1 : tensor<3x4x2xf32>
}

// -----

// Transposes that undo each other disappear.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.transpose
// CHECK: return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tg.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = tg.transpose %0 permutation = [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @identity_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.transpose
// CHECK: return %[[X]]
func.func @identity_transpose(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tg.transpose %x permutation = [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = tg.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = tg.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = tg.reshape %0 : tensor<24xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.reshape
// CHECK: return %[[X]]
func.func @reshape_round_trip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tg.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = tg.reshape %0 : tensor<6xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.reshape
// CHECK: return %[[X]]
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tg.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: %[[C:.*]] = tg.constant dense<{{\[}}[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<2x3xi32> {
  %c = tg.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
  %0 = tg.reshape %c : tensor<6xi32> -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// For floats the identity is -0.0: x + 0.0 is +0.0 when x is -0.0.
// CHECK-LABEL: func.func @add_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi32>)
// CHECK-NOT: tg.add
// CHECK: return %[[X]], %[[X]], %[[I]]
func.func @add_zero(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi32>) {
  %z = tg.constant dense<-0.0> : tensor<4xf32>
  %zi = tg.constant dense<0> : tensor<4xi32>
  %0 = tg.add %x, %z : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = tg.add %z, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %2 = tg.add %i, %zi : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xi32>
}

// -----

// A broadcasting zero (scalar) also folds when the result keeps x's type...
// CHECK-LABEL: func.func @add_zero_scalar
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: tg.add
// CHECK: return %[[X]]
func.func @add_zero_scalar(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = tg.constant dense<-0.0> : tensor<f32>
  %0 = tg.add %x, %z : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ...but not when the zero widens the result: x alone has the wrong shape.
// CHECK-LABEL: func.func @add_zero_broadcasting
// CHECK: tg.add
func.func @add_zero_broadcasting(%x: tensor<4xf32>) -> tensor<2x4xf32> {
  %z = tg.constant dense<0.0> : tensor<2x4xf32>
  %0 = tg.add %x, %z : tensor<4xf32>, tensor<2x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// x + (+0.0) is not x (for x = -0.0) and stays.
// CHECK-LABEL: func.func @add_positive_zero
// CHECK: tg.add
func.func @add_positive_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = tg.constant dense<0.0> : tensor<4xf32>
  %0 = tg.add %x, %z : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @sub_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: tg.sub
// CHECK: return %[[X]]
func.func @sub_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = tg.constant dense<0.0> : tensor<4xf32>
  %0 = tg.sub %x, %z : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// 0 - x is a negation, not x.
// CHECK-LABEL: func.func @zero_sub
// CHECK: tg.sub
func.func @zero_sub(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = tg.constant dense<0.0> : tensor<4xf32>
  %0 = tg.sub %z, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf16>, %[[I:.*]]: tensor<4xi8>)
// CHECK-NOT: tg.mul
// CHECK: return %[[X]], %[[X]], %[[I]]
func.func @mul_one(%x: tensor<4xf16>, %i: tensor<4xi8>) -> (tensor<4xf16>, tensor<4xf16>, tensor<4xi8>) {
  %one = tg.constant dense<1.0> : tensor<4xf16>
  %onei = tg.constant dense<1> : tensor<i8>
  %0 = tg.mul %x, %one : tensor<4xf16>, tensor<4xf16> -> tensor<4xf16>
  %1 = tg.mul %one, %x : tensor<4xf16>, tensor<4xf16> -> tensor<4xf16>
  %2 = tg.mul %i, %onei : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  return %0, %1, %2 : tensor<4xf16>, tensor<4xf16>, tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @div_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xbf16>, %[[I:.*]]: tensor<4xi32>)
// CHECK-NOT: tg.div
// CHECK: return %[[X]], %[[I]]
func.func @div_one(%x: tensor<4xbf16>, %i: tensor<4xi32>) -> (tensor<4xbf16>, tensor<4xi32>) {
  %one = tg.constant dense<1.0> : tensor<4xbf16>
  %onei = tg.constant dense<1> : tensor<4xi32>
  %0 = tg.div %x, %one : tensor<4xbf16>, tensor<4xbf16> -> tensor<4xbf16>
  %1 = tg.div %i, %onei : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0, %1 : tensor<4xbf16>, tensor<4xi32>
}

// -----

// 1 / x is a reciprocal, not x.
// CHECK-LABEL: func.func @one_div
// CHECK: tg.div
func.func @one_div(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = tg.constant dense<1.0> : tensor<4xf32>
  %0 = tg.div %one, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_of_broadcast
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT: %[[B:.*]] = tg.broadcast_to %[[X]] : tensor<3xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[B]]
func.func @broadcast_of_broadcast(%x: tensor<3xf32>) -> tensor<4x2x3xf32> {
  %0 = tg.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
  %1 = tg.broadcast_to %0 : tensor<2x3xf32> -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.broadcast_to
// CHECK: return %[[X]]
func.func @broadcast_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tg.broadcast_to %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_splat
// CHECK-NEXT: %[[C:.*]] = tg.constant dense<2.500000e+00> : tensor<8x3xf32>
// CHECK-NEXT: return %[[C]]
func.func @broadcast_splat() -> tensor<8x3xf32> {
  %c = tg.constant dense<2.5> : tensor<3xf32>
  %0 = tg.broadcast_to %c : tensor<3xf32> -> tensor<8x3xf32>
  return %0 : tensor<8x3xf32>
}

// -----

// CHECK-LABEL: func.func @fold_binary_constants
// CHECK-DAG: %[[A:.*]] = tg.constant dense<[4.000000e+00, 6.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[S:.*]] = tg.constant dense<-2> : tensor<2xi32>
// CHECK-DAG: %[[M:.*]] = tg.constant dense<[3.000000e+00, 8.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[D:.*]] = tg.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf16>
// CHECK-NOT: tg.add
// CHECK-NOT: tg.sub
// CHECK-NOT: tg.mul
// CHECK-NOT: tg.div
// CHECK: return %[[A]], %[[S]], %[[M]], %[[D]]
func.func @fold_binary_constants() -> (tensor<2xf32>, tensor<2xi32>, tensor<2xf32>, tensor<2xf16>) {
  %a = tg.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = tg.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %i = tg.constant dense<[1, 2]> : tensor<2xi32>
  %j = tg.constant dense<[3, 4]> : tensor<2xi32>
  %h = tg.constant dense<[1.0, 8.0]> : tensor<2xf16>
  %g = tg.constant dense<[2.0, 4.0]> : tensor<2xf16>
  %0 = tg.add %a, %b : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  %1 = tg.sub %i, %j : tensor<2xi32>, tensor<2xi32> -> tensor<2xi32>
  %2 = tg.mul %a, %b : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  %3 = tg.div %h, %g : tensor<2xf16>, tensor<2xf16> -> tensor<2xf16>
  return %0, %1, %2, %3 : tensor<2xf32>, tensor<2xi32>, tensor<2xf32>, tensor<2xf16>
}

// -----

// Integer division by zero is left for run time, so integer div never folds.
// CHECK-LABEL: func.func @no_fold_int_div
// CHECK: tg.div
func.func @no_fold_int_div() -> tensor<2xi32> {
  %a = tg.constant dense<[6, 8]> : tensor<2xi32>
  %b = tg.constant dense<[3, 0]> : tensor<2xi32>
  %0 = tg.div %a, %b : tensor<2xi32>, tensor<2xi32> -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// Constants of different shapes would need broadcasting: not folded.
// CHECK-LABEL: func.func @no_fold_broadcasting_constants
// CHECK: tg.add
func.func @no_fold_broadcasting_constants() -> tensor<2x2xf32> {
  %a = tg.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = tg.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %0 = tg.add %a, %b : tensor<2x2xf32>, tensor<2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Splats fold whatever their size: the result is one value.
// CHECK-LABEL: func.func @fold_large_splats
// CHECK-NEXT: %[[C:.*]] = tg.constant dense<5.000000e+00> : tensor<128x128xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_large_splats() -> tensor<128x128xf32> {
  %a = tg.constant dense<2.0> : tensor<128x128xf32>
  %b = tg.constant dense<3.0> : tensor<128x128xf32>
  %0 = tg.add %a, %b : tensor<128x128xf32>, tensor<128x128xf32> -> tensor<128x128xf32>
  return %0 : tensor<128x128xf32>
}

// -----

// CHECK-LABEL: func.func @neg_constant
// CHECK-DAG: %[[F:.*]] = tg.constant dense<[-1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[I:.*]] = tg.constant dense<[-3, 4]> : tensor<2xi8>
// CHECK-DAG: %[[S:.*]] = tg.constant dense<-7> : tensor<4096x2xi32>
// CHECK-NOT: tg.neg
// CHECK: return %[[F]], %[[I]], %[[S]]
func.func @neg_constant() -> (tensor<2xf32>, tensor<2xi8>, tensor<4096x2xi32>) {
  %f = tg.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %i = tg.constant dense<[3, -4]> : tensor<2xi8>
  %s = tg.constant dense<7> : tensor<4096x2xi32>
  %0 = tg.neg %f : tensor<2xf32>
  %1 = tg.neg %i : tensor<2xi8>
  %2 = tg.neg %s : tensor<4096x2xi32>
  return %0, %1, %2 : tensor<2xf32>, tensor<2xi8>, tensor<4096x2xi32>
}

// -----

// CHECK-LABEL: func.func @concat_one_input
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.concat
// CHECK: return %[[X]]
func.func @concat_one_input(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tg.concat %x axis = 1 : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @cast_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: tg.cast
// CHECK: return %[[X]]
func.func @cast_same_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.cast %x : tensor<4xf32> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A real conversion stays.
// CHECK-LABEL: func.func @cast_kept
// CHECK: tg.cast %{{.*}} : tensor<4xf32> to tensor<4xf16>
func.func @cast_kept(%x: tensor<4xf32>) -> tensor<4xf16> {
  %0 = tg.cast %x : tensor<4xf32> to tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Unused pure ops are erased by canonicalization.
// CHECK-LABEL: func.func @dead_ops
// CHECK-NEXT: return
func.func @dead_ops(%x: tensor<4xf32>) {
  %0 = tg.exp %x : tensor<4xf32>
  %1 = tg.softmax %x axis = 0 : tensor<4xf32>
  return
}

// -----

// Weights stored as resources are never folded, whatever their size.
// CHECK-LABEL: func.func @no_fold_resource
// CHECK: tg.neg
// CHECK: tg.reshape
func.func @no_fold_resource() -> (tensor<2xf32>, tensor<1x2xf32>) {
  %w = tg.constant dense_resource<w> : tensor<2xf32>
  %0 = tg.neg %w : tensor<2xf32>
  %1 = tg.reshape %w : tensor<2xf32> -> tensor<1x2xf32>
  return %0, %1 : tensor<2xf32>, tensor<1x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F00000040"
    }
  }
#-}
