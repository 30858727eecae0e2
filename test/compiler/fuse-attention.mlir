// RUN: tg-opt %s --tgc-fuse-attention --split-input-file | FileCheck %s
// RUN: tg-opt %s --tgc-fuse-attention --tgc-decompose-composites --canonicalize --tgc-convert-tg-to-linalg --tgc-form-dispatches --split-input-file | FileCheck %s --check-prefix=KERNEL

// examples/attention.mlir's core: transpose_b, scale by a constant.
// CHECK-LABEL: func.func @plain
// CHECK: %[[O:.*]] = tgc.attention %arg0, %arg1, %arg2 scale = 1.250000e-01 : tensor<16x64xf32>, tensor<24x64xf32>, tensor<24x8xf32> -> tensor<16x8xf32>
// CHECK-NEXT: return %[[O]]
// The fused op is one kernel of its own kind, reading q, k and v.
// KERNEL-LABEL: func.func private @plain_kernel0
// KERNEL-SAME: tgc.kernel = #tgc.kernel_kind<attention>
// KERNEL: tgc.attention
// KERNEL-NOT: @plain_kernel1
func.func @plain(%q: tensor<16x64xf32>, %k: tensor<24x64xf32>, %v: tensor<24x8xf32>) -> tensor<16x8xf32> {
  %c = tg.constant dense<0.125> : tensor<f32>
  %s = tg.matmul %q, %k transpose_b : tensor<16x64xf32>, tensor<24x64xf32> -> tensor<16x24xf32>
  %t = tg.mul %s, %c : tensor<16x24xf32>, tensor<f32> -> tensor<16x24xf32>
  %p = tg.softmax %t axis = 1 : tensor<16x24xf32>
  %o = tg.matmul %p, %v : tensor<16x24xf32>, tensor<24x8xf32> -> tensor<16x8xf32>
  return %o : tensor<16x8xf32>
}

// -----

// As ONNX exports it: Transpose(k), MatMul, Div by sqrt(d), Add(mask), and
// heads that broadcast over grouped keys and values. The mask and the
// grouped operands are broadcast explicitly; the transpose is looked through.
// CHECK-LABEL: func.func @exported
// CHECK-DAG: %[[K:.*]] = tg.broadcast_to %arg1 : tensor<2x1x6x4xf32> -> tensor<2x3x6x4xf32>
// CHECK-DAG: %[[V:.*]] = tg.broadcast_to %arg2 : tensor<2x1x6x5xf32> -> tensor<2x3x6x5xf32>
// CHECK-DAG: %[[M:.*]] = tg.broadcast_to %arg3 : tensor<7x6xf32> -> tensor<2x3x7x6xf32>
// CHECK: tgc.attention %arg0, %[[K]], %[[V]] mask %[[M]] scale = 5.000000e-01 : tensor<2x3x7x4xf32>, tensor<2x3x6x4xf32>, tensor<2x3x6x5xf32>, tensor<2x3x7x6xf32> -> tensor<2x3x7x5xf32>
// CHECK-NOT: tg.softmax
func.func @exported(%q: tensor<2x3x7x4xf32>, %k: tensor<2x1x6x4xf32>, %v: tensor<2x1x6x5xf32>, %mask: tensor<7x6xf32>) -> tensor<2x3x7x5xf32> {
  %c = tg.constant dense<2.0> : tensor<f32>
  %kt = tg.transpose %k permutation = [0, 1, 3, 2] : tensor<2x1x6x4xf32> -> tensor<2x1x4x6xf32>
  %s = tg.matmul %q, %kt : tensor<2x3x7x4xf32>, tensor<2x1x4x6xf32> -> tensor<2x3x7x6xf32>
  %t = tg.div %s, %c : tensor<2x3x7x6xf32>, tensor<f32> -> tensor<2x3x7x6xf32>
  %u = tg.add %t, %mask : tensor<2x3x7x6xf32>, tensor<7x6xf32> -> tensor<2x3x7x6xf32>
  %p = tg.softmax %u axis = 3 : tensor<2x3x7x6xf32>
  %o = tg.matmul %p, %v : tensor<2x3x7x6xf32>, tensor<2x1x6x5xf32> -> tensor<2x3x7x5xf32>
  return %o : tensor<2x3x7x5xf32>
}

// -----

// A key given as [D, N] to a plain matmul is transposed back to [N, D].
// CHECK-LABEL: func.func @key_columns
// CHECK: %[[K:.*]] = tg.transpose %arg1 permutation = [1, 0] : tensor<8x5xf32> -> tensor<5x8xf32>
// CHECK: tgc.attention %arg0, %[[K]], %arg2 scale = 1.000000e+00
func.func @key_columns(%q: tensor<3x8xf32>, %k: tensor<8x5xf32>, %v: tensor<5x2xf32>) -> tensor<3x2xf32> {
  %s = tg.matmul %q, %k : tensor<3x8xf32>, tensor<8x5xf32> -> tensor<3x5xf32>
  %p = tg.softmax %s axis = 1 : tensor<3x5xf32>
  %o = tg.matmul %p, %v : tensor<3x5xf32>, tensor<5x2xf32> -> tensor<3x2xf32>
  return %o : tensor<3x2xf32>
}

// -----

// Not fused: the scores are used twice, the softmax is over another axis,
// the scale is not a constant, and f16 (the unfused ops round in between).
// CHECK-LABEL: func.func @not_fused
// CHECK-NOT: tgc.attention
// CHECK: return
func.func @not_fused(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x2xf32>, %c: tensor<f32>, %h: tensor<4x8xf16>, %hk: tensor<6x8xf16>, %hv: tensor<6x2xf16>) -> (tensor<4x2xf32>, tensor<4x6xf32>, tensor<4x2xf32>, tensor<6x2xf32>, tensor<4x2xf16>) {
  %s = tg.matmul %q, %k transpose_b : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x6xf32>
  %p = tg.softmax %s axis = 1 : tensor<4x6xf32>
  %o = tg.matmul %p, %v : tensor<4x6xf32>, tensor<6x2xf32> -> tensor<4x2xf32>
  %s2 = tg.matmul %q, %k transpose_b : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x6xf32>
  %t2 = tg.mul %s2, %c : tensor<4x6xf32>, tensor<f32> -> tensor<4x6xf32>
  %p2 = tg.softmax %t2 axis = 1 : tensor<4x6xf32>
  %o2 = tg.matmul %p2, %v : tensor<4x6xf32>, tensor<6x2xf32> -> tensor<4x2xf32>
  %s3 = tg.matmul %k, %q transpose_b : tensor<6x8xf32>, tensor<4x8xf32> -> tensor<6x4xf32>
  %p3 = tg.softmax %s3 axis = 0 : tensor<6x4xf32>
  %o3 = tg.matmul %p3, %o : tensor<6x4xf32>, tensor<4x2xf32> -> tensor<6x2xf32>
  %s4 = tg.matmul %h, %hk transpose_b : tensor<4x8xf16>, tensor<6x8xf16> -> tensor<4x6xf16>
  %p4 = tg.softmax %s4 axis = 1 : tensor<4x6xf16>
  %o4 = tg.matmul %p4, %hv : tensor<4x6xf16>, tensor<6x2xf16> -> tensor<4x2xf16>
  return %o, %s, %o2, %o3, %o4 : tensor<4x2xf32>, tensor<4x6xf32>, tensor<4x2xf32>, tensor<6x2xf32>, tensor<4x2xf16>
}
