// Reduction axes: in range, distinct, at least one; the declared result type
// must match keep_dims.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @axis_out_of_range(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.reduce_sum' op axis 2 is out of range [0, 2) for 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.reduce_sum %a axes = [2] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

// Negative axes are not accepted (no Python-style counting from the end).
func.func @negative_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.reduce_max' op axis -1 is out of range [0, 2) for 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.reduce_max %a axes = [-1] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @duplicate_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.reduce_min' op axis 1 is listed twice}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.reduce_min %a axes = [1, 0, 1] : tensor<2x3xf32> -> tensor<f32>
  return
}

// -----

func.func @no_axes(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.reduce_mean' op needs at least one axis to reduce}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.reduce_mean %a axes = [] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @keep_dims_mismatch(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.reduce_sum' op inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.reduce_sum %a axes = [1] keep_dims : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @rank0_input(%a: tensor<f32>) {
  // expected-error @+2 {{'tg.reduce_sum' op axis 0 is out of range [0, 0) for 'tensor<f32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.reduce_sum %a axes = [0] : tensor<f32> -> tensor<f32>
  return
}
