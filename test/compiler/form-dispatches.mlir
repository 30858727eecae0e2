// RUN: tg-opt %s --tgc-decompose-composites --canonicalize --tgc-convert-tg-to-linalg --tgc-form-dispatches --canonicalize | FileCheck %s
// Kernel counts: each function's CHECK-NOT after its kernels proves no more.

// Softmax over the last axis: one row kernel.
// CHECK-LABEL: func.func private @softmax_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<row>
// CHECK-SAME: tgc.reduced_shape = array<i64: 128>, tgc.row_shape = array<i64: 4>
// CHECK-NOT: @softmax_kernel1
// CHECK-LABEL: func.func @softmax
// CHECK-NEXT: call @softmax_kernel0(%arg0)
// CHECK-NEXT: return
func.func @softmax(%x: tensor<4x128xf32>) -> tensor<4x128xf32> {
  %0 = tg.softmax %x axis = 1 : tensor<4x128xf32>
  return %0 : tensor<4x128xf32>
}

// layer_norm with weight and bias: one row kernel.
// CHECK-LABEL: func.func private @layer_norm_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<row>
// CHECK-NOT: @layer_norm_kernel1
// CHECK-LABEL: func.func @layer_norm
// CHECK-NEXT: call @layer_norm_kernel0(%arg0, %arg1, %arg2)
func.func @layer_norm(%x: tensor<8x64xf32>, %w: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<8x64xf32> {
  %0 = tg.layer_norm %x weight %w bias %b axis = 1 epsilon = 1.0e-05 : tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>
  return %0 : tensor<8x64xf32>
}

// matmul + bias + gelu: one matmul kernel with the epilogue.
// CHECK-LABEL: func.func private @matmul_bias_gelu_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<matmul>
// CHECK: math.erf
// CHECK-NOT: @matmul_bias_gelu_kernel1
// CHECK-LABEL: func.func @matmul_bias_gelu
// CHECK-NEXT: call @matmul_bias_gelu_kernel0(%arg0, %arg1, %arg2)
func.func @matmul_bias_gelu(%a: tensor<8x64xf32>, %b: tensor<64x32xf32>, %bias: tensor<32xf32>) -> tensor<8x32xf32> {
  %0 = tg.matmul %a, %b : tensor<8x64xf32>, tensor<64x32xf32> -> tensor<8x32xf32>
  %1 = tg.add %0, %bias : tensor<8x32xf32>, tensor<32xf32> -> tensor<8x32xf32>
  %2 = tg.gelu %1 : tensor<8x32xf32>
  return %2 : tensor<8x32xf32>
}

// A chain of five elementwise ops: one elementwise kernel.
// CHECK-LABEL: func.func private @chain_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<elementwise>
// CHECK-NOT: @chain_kernel1
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: call @chain_kernel0
func.func @chain(%x: tensor<64x64xf32>, %y: tensor<64xf32>) -> tensor<64x64xf32> {
  %0 = tg.add %x, %y : tensor<64x64xf32>, tensor<64xf32> -> tensor<64x64xf32>
  %1 = tg.mul %0, %0 : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  %2 = tg.exp %1 : tensor<64x64xf32>
  %3 = tg.relu %2 : tensor<64x64xf32>
  %4 = tg.sub %3, %x : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  return %4 : tensor<64x64xf32>
}

// A transpose feeding a matmul folds into its indexing map.
// CHECK-LABEL: func.func private @transposed_operand_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<matmul>
// CHECK-NOT: @transposed_operand_kernel1
func.func @transposed_operand(%a: tensor<64x8xf32>, %b: tensor<64x32xf32>) -> tensor<8x32xf32> {
  %t = tg.transpose %a permutation = [1, 0] : tensor<64x8xf32> -> tensor<8x64xf32>
  %0 = tg.matmul %t, %b : tensor<8x64xf32>, tensor<64x32xf32> -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}

// A column reduction reads rows with a stride: the generic strategy.
// CHECK-LABEL: func.func private @column_sum_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<generic>
func.func @column_sum(%x: tensor<64x32xf32>) -> tensor<32xf32> {
  %0 = tg.reduce_sum %x axes = [0] : tensor<64x32xf32> -> tensor<32xf32>
  return %0 : tensor<32xf32>
}

// A returned reshape is a view of the kernel's result; returning an input
// needs no kernel at all.
// CHECK-LABEL: func.func private @views_kernel0
// CHECK-SAME: -> tensor<4x8xf32>
// CHECK-NOT: @views_kernel1
// CHECK-LABEL: func.func @views
// CHECK: %[[K:.*]] = call @views_kernel0(%arg0)
// CHECK: %[[V:.*]] = tensor.collapse_shape %[[K]]
// CHECK: return %[[V]], %arg0
func.func @views(%x: tensor<4x8xf32>) -> (tensor<32xf32>, tensor<4x8xf32>) {
  %0 = tg.exp %x : tensor<4x8xf32>
  %1 = tg.reshape %0 : tensor<4x8xf32> -> tensor<32xf32>
  return %1, %x : tensor<32xf32>, tensor<4x8xf32>
}

// A reduction whose value is also returned is materialized by its own
// kernel; its consumer reads it.
// CHECK-LABEL: func.func private @shared_reduction_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<elementwise>
// CHECK-LABEL: func.func private @shared_reduction_kernel1
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<row>
// CHECK-NOT: @shared_reduction_kernel2
func.func @shared_reduction(%x: tensor<4x16xf32>) -> (tensor<4x1xf32>, tensor<4x16xf32>) {
  %m = tg.reduce_max %x axes = [1] keep_dims : tensor<4x16xf32> -> tensor<4x1xf32>
  %0 = tg.sub %x, %m : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  return %m, %0 : tensor<4x1xf32>, tensor<4x16xf32>
}

// A normalization that a matmul reads is one row kernel, not two reduction
// kernels and a matmul prologue that recomputes it per tile: layer_norm
// before a projection, softmax before P·V.
// CHECK-LABEL: func.func private @layer_norm_matmul_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<matmul>
// CHECK-LABEL: func.func private @layer_norm_matmul_kernel1
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<row>
// CHECK-NOT: @layer_norm_matmul_kernel2
// CHECK-LABEL: func.func @layer_norm_matmul
// CHECK-NEXT: %[[N:.*]] = call @layer_norm_matmul_kernel1(%arg0, %arg1, %arg2)
// CHECK-NEXT: call @layer_norm_matmul_kernel0(%[[N]], %arg3)
func.func @layer_norm_matmul(%x: tensor<8x64xf32>, %w: tensor<64xf32>, %b: tensor<64xf32>, %m: tensor<64x32xf32>) -> tensor<8x32xf32> {
  %0 = tg.layer_norm %x weight %w bias %b axis = 1 epsilon = 1.0e-05 : tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>
  %1 = tg.matmul %0, %m : tensor<8x64xf32>, tensor<64x32xf32> -> tensor<8x32xf32>
  return %1 : tensor<8x32xf32>
}

// CHECK-LABEL: func.func private @attention_core_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<matmul>
// CHECK-LABEL: func.func private @attention_core_kernel1
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<row>
// CHECK-LABEL: func.func private @attention_core_kernel2
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<matmul>
// CHECK-NOT: @attention_core_kernel3
// CHECK-LABEL: func.func @attention_core
// CHECK-NEXT: %[[S:.*]] = call @attention_core_kernel2(%arg0, %arg1)
// CHECK-NEXT: %[[P:.*]] = call @attention_core_kernel1(%[[S]])
// CHECK-NEXT: call @attention_core_kernel0(%[[P]], %arg2)
func.func @attention_core(%q: tensor<16x32xf32>, %k: tensor<16x32xf32>, %v: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %scale = tg.constant dense<0.176776695> : tensor<f32>
  %s = tg.matmul %q, %k transpose_b : tensor<16x32xf32>, tensor<16x32xf32> -> tensor<16x16xf32>
  %ss = tg.mul %s, %scale : tensor<16x16xf32>, tensor<f32> -> tensor<16x16xf32>
  %p = tg.softmax %ss axis = 1 : tensor<16x16xf32>
  %o = tg.matmul %p, %v : tensor<16x16xf32>, tensor<16x32xf32> -> tensor<16x32xf32>
  return %o : tensor<16x32xf32>
}

// Reading the reduction at a column, not at its row, the scaled x cannot be
// a row kernel; it stays inlined in the matmul (no third kernel).
// CHECK-LABEL: func.func private @column_scaled_matmul_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<matmul>
// CHECK-LABEL: func.func private @column_scaled_matmul_kernel1
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<row>
// CHECK-NOT: @column_scaled_matmul_kernel2
// CHECK-LABEL: func.func @column_scaled_matmul
// CHECK-NEXT: %[[R:.*]] = call @column_scaled_matmul_kernel1(%arg0)
// CHECK-NEXT: call @column_scaled_matmul_kernel0(%arg1, %arg0, %[[R]])
func.func @column_scaled_matmul(%x: tensor<8x8xf32>, %m: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %r = tg.reduce_sum %x axes = [1] : tensor<8x8xf32> -> tensor<8xf32>
  %e = tg.mul %x, %r : tensor<8x8xf32>, tensor<8xf32> -> tensor<8x8xf32>
  %o = tg.matmul %e, %m : tensor<8x8xf32>, tensor<8x4xf32> -> tensor<8x4xf32>
  return %o : tensor<8x4xf32>
}

// An MLP: the activation between the matmuls is computed once, as the first
// matmul's epilogue, not inlined into the second matmul's operand loads
// (where it would run once per tile of the second weight). Two kernels, each
// a matmul with its epilogue.
// CHECK-LABEL: func.func private @mlp_kernel0
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<matmul>
// CHECK-NOT: math.erfc
// CHECK: linalg.generic {{.*}}"reduction"
// CHECK: arith.addf
// CHECK-LABEL: func.func private @mlp_kernel1
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<matmul>
// CHECK: linalg.generic {{.*}}"reduction"
// CHECK: math.erfc
// CHECK-NOT: @mlp_kernel2
// CHECK-LABEL: func.func @mlp
// CHECK-NEXT: %[[H:.*]] = call @mlp_kernel1(%arg0, %arg1, %arg2)
// CHECK-NEXT: call @mlp_kernel0(%[[H]], %arg3, %arg4)
func.func @mlp(%x: tensor<8x16xf32>, %w1: tensor<16x32xf32>, %b1: tensor<32xf32>,
               %w2: tensor<32x8xf32>, %b2: tensor<8xf32>) -> tensor<8x8xf32> {
  %0 = tg.matmul %x, %w1 : tensor<8x16xf32>, tensor<16x32xf32> -> tensor<8x32xf32>
  %1 = tg.add %0, %b1 : tensor<8x32xf32>, tensor<32xf32> -> tensor<8x32xf32>
  %2 = tg.gelu %1 : tensor<8x32xf32>
  %3 = tg.matmul %2, %w2 : tensor<8x32xf32>, tensor<32x8xf32> -> tensor<8x8xf32>
  %4 = tg.add %3, %b2 : tensor<8x8xf32>, tensor<8xf32> -> tensor<8x8xf32>
  return %4 : tensor<8x8xf32>
}
