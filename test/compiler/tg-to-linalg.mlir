// RUN: tg-opt %s --tgc-convert-tg-to-linalg --split-input-file | FileCheck %s

// Broadcasting lives in the indexing maps: a stretched size-1 dimension
// reads index 0, a missing leading dimension is dropped.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @broadcast_add
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK: arith.subf
func.func @broadcast_add(%x: tensor<4x8xf32>, %b: tensor<8xf32>, %c: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %0 = tg.add %x, %b : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %1 = tg.sub %0, %c : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// Reductions put the reduced loops innermost and re-insert kept dims.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @reduce_axis0
// CHECK: %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: outs(%[[FILL]]
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape {{.*}} {{\[\[}}0, 1]] output_shape [1, 8]
func.func @reduce_axis0(%x: tensor<4x8xf32>) -> tensor<1x8xf32> {
  %0 = tg.reduce_max %x axes = [0] keep_dims : tensor<4x8xf32> -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// f16 sums accumulate in f32 and are rounded once.
// CHECK-LABEL: func.func @reduce_f16
// CHECK: tensor.empty() : tensor<4xf32>
// CHECK: arith.extf
// CHECK: arith.addf
// CHECK: arith.truncf {{.*}} : f32 to f16
func.func @reduce_f16(%x: tensor<4x8xf16>) -> tensor<4xf16> {
  %0 = tg.reduce_sum %x axes = [1] : tensor<4x8xf16> -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @matmul_named
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @batch_matmul_named
// CHECK: linalg.batch_matmul
func.func @matmul_named(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = tg.matmul %a, %b : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
func.func @batch_matmul_named(%a: tensor<2x4x8xf32>, %b: tensor<2x8x16xf32>) -> tensor<2x4x16xf32> {
  %0 = tg.matmul %a, %b : tensor<2x4x8xf32>, tensor<2x8x16xf32> -> tensor<2x4x16xf32>
  return %0 : tensor<2x4x16xf32>
}

// -----

// Transposed and batch-broadcast operands use a generic contraction.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul_generic
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul_generic(%a: tensor<3x8x4xf32>, %b: tensor<8x16xf32>) -> tensor<3x4x16xf32> {
  %0 = tg.matmul %a, %b transpose_a : tensor<3x8x4xf32>, tensor<8x16xf32> -> tensor<3x4x16xf32>
  return %0 : tensor<3x4x16xf32>
}

// -----

// CHECK-LABEL: func.func @shapes
// CHECK: linalg.transpose
// CHECK: linalg.broadcast
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [4, 2] [1, 2]
// CHECK: tensor.concat dim(0)
// CHECK: tensor.collapse_shape
// CHECK: tensor.expand_shape
func.func @shapes(%x: tensor<4x8xf32>, %v: tensor<8xf32>) -> (tensor<8x4xf32>, tensor<3x8xf32>, tensor<4x2xf32>, tensor<8x8xf32>, tensor<2x16xf32>) {
  %0 = tg.transpose %x permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  %1 = tg.broadcast_to %v : tensor<8xf32> -> tensor<3x8xf32>
  %2 = tg.slice %x start = [0, 1] size = [4, 2] stride = [1, 2] : tensor<4x8xf32> -> tensor<4x2xf32>
  %3 = tg.concat %x, %x axis = 0 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<8x8xf32>
  %4 = tg.reshape %x : tensor<4x8xf32> -> tensor<2x16xf32>
  return %0, %1, %2, %3, %4 : tensor<8x4xf32>, tensor<3x8xf32>, tensor<4x2xf32>, tensor<8x8xf32>, tensor<2x16xf32>
}

// -----

// Gather reads the table with tensor.extract at a clamped row.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic
// CHECK: %[[ID:.*]] = tensor.extract %arg1
// CHECK: arith.index_cast %[[ID]]
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract %arg0
func.func @gather(%t: tensor<10x4xf32>, %i: tensor<3xi32>) -> tensor<3x4xf32> {
  %0 = tg.gather %t[%i] : tensor<10x4xf32>, tensor<3xi32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// dynamic_update_slice of a computed value is elementwise over it: each
// offset is read with tensor.extract and clamped to [0, dim - update dim],
// and the update is read at the clamped relative index inside the window.
// CHECK-LABEL: func.func @dynamic_update_slice
// CHECK: %[[C:.*]] = linalg.generic
// CHECK: arith.negf
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[C]] : tensor<8x4xf32>)
// CHECK: ^bb0(%[[OLD:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[P:.*]] = tensor.extract %arg2[]
// CHECK: arith.index_cast %[[P]]
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: linalg.index 0
// CHECK: tensor.extract %arg3[%{{.*}}] : tensor<1xi32>
// CHECK: linalg.index 1
// CHECK: %[[NEW:.*]] = tensor.extract %arg1[
// CHECK: %[[R:.*]] = arith.select %{{.*}}, %[[NEW]], %[[OLD]] : f32
// CHECK: linalg.yield %[[R]]
func.func @dynamic_update_slice(%x: tensor<8x4xf32>, %u: tensor<1x4xf32>, %p: tensor<i32>, %z: tensor<1xi32>) -> tensor<8x4xf32> {
  %c = tg.neg %x : tensor<8x4xf32>
  %0 = tg.dynamic_update_slice %c, %u, %p, %z : tensor<8x4xf32>, tensor<1x4xf32>, tensor<i32>, tensor<1xi32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// An update of an argument (a KV cache) stays: it becomes an update_slice
// kernel that writes only the window, after the schedule copies the
// argument into the result (a copy donation turns into nothing).
// CHECK-LABEL: func.func @update_argument
// CHECK: %[[U:.*]] = linalg.generic
// CHECK: %[[R:.*]] = tg.dynamic_update_slice %arg0, %[[U]], %arg2, %arg3
// CHECK-NEXT: return %[[R]]
func.func @update_argument(%c: tensor<8x4xf32>, %u: tensor<1x4xf32>, %p: tensor<i32>, %z: tensor<i32>) -> tensor<8x4xf32> {
  %e = tg.exp %u : tensor<1x4xf32>
  %0 = tg.dynamic_update_slice %c, %e, %p, %z : tensor<8x4xf32>, tensor<1x4xf32>, tensor<i32>, tensor<i32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// Float to integer saturates and maps NaN to 0; f16 math runs in f32.
// CHECK-LABEL: func.func @casts
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.cmpf uno
// CHECK: arith.fptosi {{.*}} : f32 to i8
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: math.exp {{.*}} : f32
// CHECK: arith.truncf {{.*}} : f32 to f16
func.func @casts(%x: tensor<4xf32>, %h: tensor<4xf16>) -> (tensor<4xi8>, tensor<4xf16>) {
  %0 = tg.cast %x : tensor<4xf32> to tensor<4xi8>
  %1 = tg.exp %h : tensor<4xf16>
  return %0, %1 : tensor<4xi8>, tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @compare_select
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: arith.cmpi sge
func.func @compare_select(%x: tensor<4xf32>, %y: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi1>) {
  %0 = tg.compare lt, %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
  %1 = tg.select %0, %x, %y : tensor<4xi1>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %2 = tg.compare ge, %i, %i : tensor<4xi32>, tensor<4xi32> -> tensor<4xi1>
  return %1, %2 : tensor<4xf32>, tensor<4xi1>
}
