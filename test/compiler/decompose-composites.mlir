// RUN: tg-opt %s --tgc-decompose-composites | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.*]] = tg.reduce_max %arg0 axes = [1] keep_dims
// CHECK: %[[SUB:.*]] = tg.sub %arg0, %[[MAX]]
// CHECK: %[[EXP:.*]] = tg.exp %[[SUB]]
// CHECK: %[[SUM:.*]] = tg.reduce_sum %[[EXP]] axes = [1] keep_dims
// CHECK: tg.div %[[EXP]], %[[SUM]]
// CHECK-NOT: tg.softmax
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tg.softmax %x axis = 1 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// Normalizes over axes [1, 2]: mean, centered square mean, rsqrt, scale, shift.
// CHECK-LABEL: func.func @layer_norm
// CHECK: tg.constant dense<1.562500e-02> : tensor<f32>
// CHECK: tg.reduce_sum %arg0 axes = [1, 2] keep_dims
// CHECK: tg.sub %arg0
// CHECK: tg.reduce_sum {{.*}} axes = [1, 2] keep_dims
// CHECK: tg.rsqrt
// CHECK: tg.mul {{.*}}, %arg1
// CHECK: tg.add {{.*}}, %arg2
// CHECK-NOT: tg.layer_norm
func.func @layer_norm(%x: tensor<2x8x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8x8xf32>) -> tensor<2x8x8xf32> {
  %0 = tg.layer_norm %x weight %w bias %b axis = 1 epsilon = 1.0e-05 : tensor<2x8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
  return %0 : tensor<2x8x8xf32>
}

// CHECK-LABEL: func.func @rms_norm
// CHECK: %[[SQ:.*]] = tg.mul %arg0, %arg0
// CHECK: tg.reduce_sum %[[SQ]] axes = [1] keep_dims
// CHECK: tg.rsqrt
// CHECK-NOT: tg.rms_norm
func.func @rms_norm(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = tg.rms_norm %x axis = 1 epsilon = 1.0e-06 : tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @silu
// CHECK: %[[S:.*]] = tg.sigmoid %arg0
// CHECK: tg.mul %arg0, %[[S]]
func.func @silu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.silu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// f16 and bf16: computed in f32, rounded once.
// CHECK-LABEL: func.func @silu_f16
// CHECK: %[[X:.*]] = tg.cast %arg0 : tensor<4xf16> to tensor<4xf32>
// CHECK: %[[S:.*]] = tg.sigmoid %[[X]] : tensor<4xf32>
// CHECK: %[[Y:.*]] = tg.mul %[[X]], %[[S]]
// CHECK: tg.cast %[[Y]] : tensor<4xf32> to tensor<4xf16>
func.func @silu_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = tg.silu %x : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// The tanh form decomposes, as x * sigmoid(2z) (no 1 + tanh(z)
// cancellation); the erf form stays a primitive.
// CHECK-LABEL: func.func @gelu
// CHECK-NOT: tg.tanh
// CHECK: %[[S:.*]] = tg.sigmoid
// CHECK: tg.mul %arg0, %[[S]]
// CHECK: tg.gelu %arg0 :
// CHECK-NOT: tg.gelu %arg0 tanh
func.func @gelu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = tg.gelu %x tanh : tensor<4xf32>
  %1 = tg.gelu %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// Float means multiply by 1/N; integer means divide.
// CHECK-LABEL: func.func @reduce_mean
// CHECK: tg.reduce_sum %arg0 axes = [0] :
// CHECK: tg.mul {{.*}} : tensor<3xf32>, tensor<f32>
// CHECK: tg.reduce_sum %arg1 axes = [0] :
// CHECK: tg.div {{.*}} : tensor<3xi32>, tensor<i32>
func.func @reduce_mean(%x: tensor<4x3xf32>, %y: tensor<4x3xi32>) -> (tensor<3xf32>, tensor<3xi32>) {
  %0 = tg.reduce_mean %x axes = [0] : tensor<4x3xf32> -> tensor<3xf32>
  %1 = tg.reduce_mean %y axes = [0] : tensor<4x3xi32> -> tensor<3xi32>
  return %0, %1 : tensor<3xf32>, tensor<3xi32>
}
