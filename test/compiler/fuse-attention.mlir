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

// -----

// A decode step (examples/llm/make_model.py): grouped queries against a
// cache sized for the maximum context, keys 0..pos visible through a select
// of -inf. The mask becomes the run-time key count min(pos, 16) + 1, which
// the attention kernel computes itself (one kernel).
// CHECK-LABEL: func.func @decode_visible
// CHECK-DAG: %[[N:.*]] = tg.constant dense<16> : tensor<i32>
// CHECK-DAG: %[[ONE:.*]] = tg.constant dense<1> : tensor<i32>
// CHECK: %[[MIN:.*]] = tg.min %arg3, %[[N]] : tensor<i32>, tensor<i32> -> tensor<i32>
// CHECK: %[[COUNT:.*]] = tg.add %[[MIN]], %[[ONE]] : tensor<i32>, tensor<i32> -> tensor<i32>
// CHECK: tgc.attention %arg0, %arg1, %arg2 key_count(%[[COUNT]] : tensor<i32>) scale = 2.500000e-01 : tensor<2x2x8xf32>, tensor<2x16x8xf32>, tensor<2x16x8xf32> -> tensor<2x2x8xf32>
// CHECK-NOT: tg.select
// CHECK-NOT: tg.softmax
// KERNEL-LABEL: func.func private @decode_visible_kernel0
// KERNEL-SAME: tgc.kernel = #tgc.kernel_kind<attention>
// KERNEL: tgc.attention {{.*}} key_count
// KERNEL-NOT: @decode_visible_kernel1
func.func @decode_visible(%q: tensor<2x2x8xf32>, %k: tensor<2x16x8xf32>, %v: tensor<2x16x8xf32>, %pos: tensor<i32>) -> tensor<2x2x8xf32> {
  %c = tg.constant dense<0.25> : tensor<f32>
  %ninf = tg.constant dense<0xFF800000> : tensor<f32>
  %row = tg.iota dimension = 2 : tensor<1x1x16xi32>
  %visible = tg.compare le, %row, %pos : tensor<1x1x16xi32>, tensor<i32> -> tensor<1x1x16xi1>
  %s = tg.matmul %q, %k transpose_b : tensor<2x2x8xf32>, tensor<2x16x8xf32> -> tensor<2x2x16xf32>
  %t = tg.mul %s, %c : tensor<2x2x16xf32>, tensor<f32> -> tensor<2x2x16xf32>
  %m = tg.select %visible, %t, %ninf : tensor<1x1x16xi1>, tensor<2x2x16xf32>, tensor<f32> -> tensor<2x2x16xf32>
  %p = tg.softmax %m axis = 2 : tensor<2x2x16xf32>
  %o = tg.matmul %p, %v : tensor<2x2x16xf32>, tensor<2x16x8xf32> -> tensor<2x2x8xf32>
  return %o : tensor<2x2x8xf32>
}

// -----

// One query (M = 1), the position as a tensor<1xi32>, a strict bound
// written the other way round (pos > j), an arange constant for the key
// index and the mask added as select(visible, 0, -inf): keys 0..pos-1, so
// the count is pos itself.
// CHECK-LABEL: func.func @decode_added
// CHECK: %[[COUNT:.*]] = tg.reshape %arg3 : tensor<1xi32> -> tensor<i32>
// CHECK: tgc.attention %arg0, %arg1, %arg2 key_count(%[[COUNT]] : tensor<i32>) scale = 1.000000e+00 : tensor<1x4xf32>, tensor<5x4xf32>, tensor<5x3xf32> -> tensor<1x3xf32>
func.func @decode_added(%q: tensor<1x4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x3xf32>, %pos: tensor<1xi32>) -> tensor<1x3xf32> {
  %zero = tg.constant dense<0.0> : tensor<f32>
  %ninf = tg.constant dense<0xFF800000> : tensor<f32>
  %row = tg.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi32>
  %visible = tg.compare gt, %pos, %row : tensor<1xi32>, tensor<5xi32> -> tensor<5xi1>
  %mask = tg.select %visible, %zero, %ninf : tensor<5xi1>, tensor<f32>, tensor<f32> -> tensor<5xf32>
  %s = tg.matmul %q, %k transpose_b : tensor<1x4xf32>, tensor<5x4xf32> -> tensor<1x5xf32>
  %t = tg.add %s, %mask : tensor<1x5xf32>, tensor<5xf32> -> tensor<1x5xf32>
  %p = tg.softmax %t axis = 1 : tensor<1x5xf32>
  %o = tg.matmul %p, %v : tensor<1x5xf32>, tensor<5x3xf32> -> tensor<1x3xf32>
  return %o : tensor<1x3xf32>
}

// -----

// Masks that do not hide a suffix of the keys, or hide it with something
// other than -inf: not a key count. A select of -inf with another condition
// becomes the op's `visible` (hidden scores -inf, as the select made them);
// a select of anything else is not fused; an additive mask stays a mask.
// A bound per query is a key count per query.
// CHECK-LABEL: func.func @not_a_key_count
// CHECK-NOT: key_count
// CHECK-COUNT-3: tgc.attention %arg0, %arg1, %arg2 visible(%{{.*}} : tensor<4x6xi1>) scale
// CHECK: %[[BOUND:.*]] = tg.reshape %arg4 : tensor<4x1xi32> -> tensor<4xi32>
// CHECK: %[[MIN:.*]] = tg.min %[[BOUND]], %{{.*}} : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
// CHECK: %[[COUNT:.*]] = tg.add %[[MIN]], %{{.*}} : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
// CHECK: tgc.attention %arg0, %arg1, %arg2 key_count(%[[COUNT]] : tensor<4xi32>) scale
// CHECK: tg.select {{.*}} : tensor<1x6xi1>, tensor<4x6xf32>, tensor<f32>
// CHECK: tg.softmax
// CHECK: tgc.attention %arg0, %arg1, %arg2 mask
// CHECK-NOT: key_count
// CHECK: return
func.func @not_a_key_count(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x2xf32>, %pos: tensor<i32>, %pos2: tensor<4x1xi32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %ninf = tg.constant dense<0xFF800000> : tensor<f32>
  %big = tg.constant dense<-1.0e9> : tensor<f32>
  %zero = tg.constant dense<0.0> : tensor<f32>
  %keys = tg.iota dimension = 1 : tensor<1x6xi32>
  %queries = tg.iota dimension = 0 : tensor<4x6xi32>
  %odd = tg.constant dense<[0, 2, 1, 3, 4, 5]> : tensor<6xi32>
  // Keys pos.. visible (a prefix hidden).
  %after = tg.compare ge, %keys, %pos : tensor<1x6xi32>, tensor<i32> -> tensor<1x6xi1>
  // The index along the queries, not the keys.
  %rows = tg.compare le, %queries, %pos : tensor<4x6xi32>, tensor<i32> -> tensor<4x6xi1>
  // A constant that is not 0, 1, ..., n-1.
  %perm = tg.compare le, %odd, %pos : tensor<6xi32>, tensor<i32> -> tensor<6xi1>
  // A bound per query.
  %each = tg.compare le, %keys, %pos2 : tensor<1x6xi32>, tensor<4x1xi32> -> tensor<4x6xi1>
  // Keys 0..pos, but hidden by -1e9 rather than -inf.
  %visible = tg.compare le, %keys, %pos : tensor<1x6xi32>, tensor<i32> -> tensor<1x6xi1>
  %s1 = tg.matmul %q, %k transpose_b : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x6xf32>
  %m1 = tg.select %after, %s1, %ninf : tensor<1x6xi1>, tensor<4x6xf32>, tensor<f32> -> tensor<4x6xf32>
  %p1 = tg.softmax %m1 axis = 1 : tensor<4x6xf32>
  %o1 = tg.matmul %p1, %v : tensor<4x6xf32>, tensor<6x2xf32> -> tensor<4x2xf32>
  %s2 = tg.matmul %q, %k transpose_b : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x6xf32>
  %m2 = tg.select %rows, %s2, %ninf : tensor<4x6xi1>, tensor<4x6xf32>, tensor<f32> -> tensor<4x6xf32>
  %p2 = tg.softmax %m2 axis = 1 : tensor<4x6xf32>
  %o2 = tg.matmul %p2, %v : tensor<4x6xf32>, tensor<6x2xf32> -> tensor<4x2xf32>
  %s3 = tg.matmul %q, %k transpose_b : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x6xf32>
  %m3 = tg.select %perm, %s3, %ninf : tensor<6xi1>, tensor<4x6xf32>, tensor<f32> -> tensor<4x6xf32>
  %p3 = tg.softmax %m3 axis = 1 : tensor<4x6xf32>
  %o3 = tg.matmul %p3, %v : tensor<4x6xf32>, tensor<6x2xf32> -> tensor<4x2xf32>
  %s4 = tg.matmul %q, %k transpose_b : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x6xf32>
  %m4 = tg.select %each, %s4, %ninf : tensor<4x6xi1>, tensor<4x6xf32>, tensor<f32> -> tensor<4x6xf32>
  %p4 = tg.softmax %m4 axis = 1 : tensor<4x6xf32>
  %o4 = tg.matmul %p4, %v : tensor<4x6xf32>, tensor<6x2xf32> -> tensor<4x2xf32>
  %s5 = tg.matmul %q, %k transpose_b : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x6xf32>
  %m5 = tg.select %visible, %s5, %big : tensor<1x6xi1>, tensor<4x6xf32>, tensor<f32> -> tensor<4x6xf32>
  %p5 = tg.softmax %m5 axis = 1 : tensor<4x6xf32>
  %o5 = tg.matmul %p5, %v : tensor<4x6xf32>, tensor<6x2xf32> -> tensor<4x2xf32>
  // Added, but hiding with -1e9: an ordinary additive mask.
  %mask = tg.select %visible, %zero, %big : tensor<1x6xi1>, tensor<f32>, tensor<f32> -> tensor<1x6xf32>
  %s6 = tg.matmul %q, %k transpose_b : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x6xf32>
  %t6 = tg.add %s6, %mask : tensor<4x6xf32>, tensor<1x6xf32> -> tensor<4x6xf32>
  %p6 = tg.softmax %t6 axis = 1 : tensor<4x6xf32>
  %o6 = tg.matmul %p6, %v : tensor<4x6xf32>, tensor<6x2xf32> -> tensor<4x2xf32>
  return %o1, %o2, %o3, %o4, %o5, %o6 : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// A causal mask, key j visible to query i when j <= i + offset (the
// query index an iota along the scores' query dimension): a key count per
// query, min(i + offset, N) + 1, taken at key 0 and broadcast over heads.
// CHECK-LABEL: func.func @causal
// CHECK: %[[SLICE:.*]] = tg.slice %{{.*}} start = [0, 0, 0] size = [1, 5, 1] stride = [1, 1, 1] : tensor<1x5x7xi32> -> tensor<1x5x1xi32>
// CHECK: %[[HEADS:.*]] = tg.broadcast_to %[[SLICE]] : tensor<1x5x1xi32> -> tensor<3x5x1xi32>
// CHECK: %[[ROWS:.*]] = tg.reshape %[[HEADS]] : tensor<3x5x1xi32> -> tensor<3x5xi32>
// CHECK: tg.min %[[ROWS]]
// CHECK: tgc.attention %arg0, %arg1, %arg2 key_count(%{{.*}} : tensor<3x5xi32>) scale
// CHECK-NOT: visible
func.func @causal(%q: tensor<3x5x4xf32>, %k: tensor<3x7x4xf32>, %v: tensor<3x7x2xf32>) -> tensor<3x5x2xf32> {
  %ninf = tg.constant dense<0xFF800000> : tensor<f32>
  %two = tg.constant dense<2> : tensor<i32>
  %i = tg.iota dimension = 1 : tensor<1x5x7xi32>
  %j = tg.iota dimension = 2 : tensor<1x5x7xi32>
  %last = tg.add %i, %two : tensor<1x5x7xi32>, tensor<i32> -> tensor<1x5x7xi32>
  %visible = tg.compare ge, %last, %j : tensor<1x5x7xi32>, tensor<1x5x7xi32> -> tensor<1x5x7xi1>
  %s = tg.matmul %q, %k transpose_b : tensor<3x5x4xf32>, tensor<3x7x4xf32> -> tensor<3x5x7xf32>
  %m = tg.select %visible, %s, %ninf : tensor<1x5x7xi1>, tensor<3x5x7xf32>, tensor<f32> -> tensor<3x5x7xf32>
  %p = tg.softmax %m axis = 2 : tensor<3x5x7xf32>
  %o = tg.matmul %p, %v : tensor<3x5x7xf32>, tensor<3x7x2xf32> -> tensor<3x5x2xf32>
  return %o : tensor<3x5x2xf32>
}
