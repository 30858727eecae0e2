// The tgc dialect's kernel metadata (ir/TgcDialect.td): round trip and the
// verifier's checks, so a hand-written or corrupted kernels module is
// reported where it is wrong, not deep in code generation.
// RUN: tg-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func private @row
// CHECK-SAME: tgc.gpu_block = array<i64: 128, 1, 1>
// CHECK-SAME: tgc.gpu_grid = array<i64: 4, 1, 1>
// CHECK-SAME: tgc.host_workgroups = 4
// CHECK-SAME: tgc.kernel = #tgc.kernel_kind<row>
// CHECK-SAME: tgc.reduced_shape = array<i64: 128>
// CHECK-SAME: tgc.row_shape = array<i64: 4>
func.func private @row(%x: tensor<4x128xf32>) -> tensor<4x128xf32>
    attributes {tgc.kernel = #tgc.kernel_kind<row>,
                tgc.row_shape = array<i64: 4>, tgc.reduced_shape = array<i64: 128>,
                tgc.gpu_grid = array<i64: 4, 1, 1>, tgc.gpu_block = array<i64: 128, 1, 1>,
                tgc.host_workgroups = 4 : i64} {
  return %x : tensor<4x128xf32>
}

// -----

// expected-error @+1 {{'tgc.kernel' must be a #tgc.kernel_kind, not "row"}}
func.func private @string_kind() attributes {tgc.kernel = "row"} {
  return
}

// -----

// expected-error @+1 {{'tgc.row_shape' on a matmul kernel}}
func.func private @row_shape_on_matmul() attributes {
    tgc.kernel = #tgc.kernel_kind<matmul>, tgc.row_shape = array<i64: 4>} {
  return
}

// -----

// expected-error @+1 {{'tgc.gpu_grid' must hold 3 positive sizes, not array<i64: 1, 0, 1>}}
func.func private @zero_grid() attributes {
    tgc.kernel = #tgc.kernel_kind<elementwise>, tgc.gpu_grid = array<i64: 1, 0, 1>} {
  return
}

// -----

// expected-error @+1 {{'tgc.host_workgroups' on a function that has no 'tgc.kernel'}}
func.func private @not_a_kernel() attributes {tgc.host_workgroups = 4 : i64} {
  return
}

// -----

// expected-error @+1 {{'tgc.host_workgroups' must be a positive integer, not 0 : i64}}
func.func private @no_workgroups() attributes {
    tgc.kernel = #tgc.kernel_kind<generic>, tgc.host_workgroups = 0 : i64} {
  return
}

// -----

// expected-error @+1 {{'tgc.kernel' is only valid on kernel functions}}
module attributes {tgc.kernel = #tgc.kernel_kind<generic>} {
}

// -----

// expected-error @+1 {{unknown attribute 'tgc.launch'}}
func.func private @unknown() attributes {
    tgc.kernel = #tgc.kernel_kind<generic>, tgc.launch = 1 : i64} {
  return
}
