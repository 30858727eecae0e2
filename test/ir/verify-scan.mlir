// The verifiers of clamp, iota, cumsum, argmax and the rounding ops.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @clamp_bound_too_big(%x: tensor<4xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{'tg.clamp' op min 'tensor<2x4xf32>' does not broadcast to the input 'tensor<4xf32>'}}
  %0 = tg.clamp %x, %b, %x : tensor<4xf32>, tensor<2x4xf32>, tensor<4xf32>
  return
}

// -----

func.func @clamp_mixed_types(%x: tensor<4xf32>, %b: tensor<f16>) {
  // expected-error @+1 {{'tg.clamp' op max has element type 'f16' but the input 'tensor<4xf32>' has 'f32'}}
  %0 = tg.clamp %x, %x, %b : tensor<4xf32>, tensor<4xf32>, tensor<f16>
  return
}

// -----

func.func @clamp_i1(%x: tensor<4xi1>) {
  // expected-error @+1 {{'tg.clamp' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.clamp %x, %x, %x : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
  return
}

// -----

func.func @iota_dimension() {
  // expected-error @+1 {{'tg.iota' op dimension 2 is out of range [0, 2) for 'tensor<3x4xi32>'}}
  %0 = tg.iota dimension = 2 : tensor<3x4xi32>
  return
}

// -----

func.func @iota_i1() {
  // expected-error @+1 {{'tg.iota' op result has element type i1; requires a numeric type}}
  %0 = tg.iota dimension = 0 : tensor<3xi1>
  return
}

// -----

func.func @cumsum_axis(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'tg.cumsum' op axis 2 is out of range [0, 2) for 'tensor<3x4xf32>'}}
  %0 = tg.cumsum %x axis = 2 : tensor<3x4xf32>
  return
}

// -----

func.func @argmax_axis(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'tg.argmax' op axis 5 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.argmax %x axis = 5 : tensor<3x4xf32> -> tensor<3xi32>
  return
}

// -----

func.func @argmax_result_type(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'tg.argmax' op inferred type(s) 'tensor<3xi32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.argmax %x axis = 1 : tensor<3x4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @round_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tg.round' op operand #0 has element type 'i32'; requires a floating-point type (f32, f16 or bf16)}}
  %0 = tg.round %x : tensor<4xi32>
  return
}
