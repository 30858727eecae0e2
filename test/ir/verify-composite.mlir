// softmax, layer_norm, rms_norm: the axis is in range, and weight/bias have
// the normalized (trailing) shape and the input's element type.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @softmax_axis(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tg.softmax' op axis 2 is out of range [0, 2) for 'tensor<4x8xf32>'}}
  %0 = tg.softmax %a axis = 2 : tensor<4x8xf32>
  return
}

// -----

func.func @softmax_negative_axis(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tg.softmax' op axis -1 is out of range [0, 2) for 'tensor<4x8xf32>'}}
  %0 = tg.softmax %a axis = -1 : tensor<4x8xf32>
  return
}

// -----

func.func @layer_norm_axis(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tg.layer_norm' op axis 2 is out of range [0, 2) for 'tensor<4x8xf32>'}}
  %0 = tg.layer_norm %a axis = 2 epsilon = 1.0e-05 : tensor<4x8xf32>
  return
}

// -----

func.func @layer_norm_weight_shape(%a: tensor<4x8xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{'tg.layer_norm' op weight has type 'tensor<4xf32>' but the normalized shape of 'tensor<4x8xf32>' from axis 1 is [8] with element type 'f32'}}
  %0 = tg.layer_norm %a weight %w axis = 1 epsilon = 1.0e-05 : tensor<4x8xf32>, tensor<4xf32>
  return
}

// -----

// With axis 0 the weight covers every dimension.
func.func @layer_norm_weight_rank(%a: tensor<4x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'tg.layer_norm' op weight has type 'tensor<8xf32>' but the normalized shape of 'tensor<4x8xf32>' from axis 0 is [4, 8] with element type 'f32'}}
  %0 = tg.layer_norm %a weight %w axis = 0 epsilon = 1.0e-05 : tensor<4x8xf32>, tensor<8xf32>
  return
}

// -----

func.func @layer_norm_weight_element(%a: tensor<4x8xf32>, %w: tensor<8xf16>) {
  // expected-error @+1 {{'tg.layer_norm' op weight has type 'tensor<8xf16>' but the normalized shape of 'tensor<4x8xf32>' from axis 1 is [8] with element type 'f32'}}
  %0 = tg.layer_norm %a weight %w axis = 1 epsilon = 1.0e-05 : tensor<4x8xf32>, tensor<8xf16>
  return
}

// -----

func.func @layer_norm_bias_shape(%a: tensor<4x8xf32>, %w: tensor<8xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+1 {{'tg.layer_norm' op bias has type 'tensor<1x8xf32>' but the normalized shape of 'tensor<4x8xf32>' from axis 1 is [8] with element type 'f32'}}
  %0 = tg.layer_norm %a weight %w bias %b axis = 1 epsilon = 1.0e-05 : tensor<4x8xf32>, tensor<8xf32>, tensor<1x8xf32>
  return
}

// -----

func.func @layer_norm_result_type(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tg.layer_norm' op failed to verify that all of {input, result} have same type}}
  %0 = "tg.layer_norm"(%a) {axis = 1 : i64, epsilon = 1.0e-05 : f32, operandSegmentSizes = array<i32: 1, 0, 0>} : (tensor<4x8xf32>) -> tensor<4x8xf16>
  return
}

// -----

func.func @rms_norm_axis(%a: tensor<4x8xbf16>) {
  // expected-error @+1 {{'tg.rms_norm' op axis 5 is out of range [0, 2) for 'tensor<4x8xbf16>'}}
  %0 = tg.rms_norm %a axis = 5 epsilon = 1.0e-06 : tensor<4x8xbf16>
  return
}

// -----

func.func @rms_norm_weight_shape(%a: tensor<4x8xbf16>, %w: tensor<4x8xbf16>) {
  // expected-error @+1 {{'tg.rms_norm' op weight has type 'tensor<4x8xbf16>' but the normalized shape of 'tensor<4x8xbf16>' from axis 1 is [8] with element type 'bf16'}}
  %0 = tg.rms_norm %a weight %w axis = 1 epsilon = 1.0e-06 : tensor<4x8xbf16>, tensor<4x8xbf16>
  return
}

// -----

func.func @rms_norm_weight_element(%a: tensor<4x8xbf16>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'tg.rms_norm' op weight has type 'tensor<8xf32>' but the normalized shape of 'tensor<4x8xbf16>' from axis 1 is [8] with element type 'bf16'}}
  %0 = tg.rms_norm %a weight %w axis = 1 epsilon = 1.0e-06 : tensor<4x8xbf16>, tensor<8xf32>
  return
}

// -----

// A bias without a weight is checked the same way.
func.func @layer_norm_bias_only_shape(%a: tensor<4x8xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tg.layer_norm' op bias has type 'tensor<4xf32>' but the normalized shape of 'tensor<4x8xf32>' from axis 1 is [8] with element type 'f32'}}
  %0 = tg.layer_norm %a bias %b axis = 1 epsilon = 1.0e-05 : tensor<4x8xf32>, tensor<4xf32>
  return
}

// -----

// The custom form names one type per operand present.
func.func @layer_norm_missing_type(%a: tensor<4x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{expected ','}}
  %0 = tg.layer_norm %a weight %w bias %b axis = 1 epsilon = 1.0e-05 : tensor<4x8xf32>, tensor<8xf32>
  return
}

// -----

func.func @rms_norm_result_type(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'tg.rms_norm' op failed to verify that all of {input, result} have same type}}
  %0 = "tg.rms_norm"(%a) {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  return
}
