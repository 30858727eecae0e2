// Float-only ops reject integers; numeric ops reject i1.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @exp_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.exp' op operand #0 has element type 'i32'; requires a floating-point type (f32, f16 or bf16)}}
  %0 = tg.exp %a : tensor<4xi32>
  return
}

// -----

func.func @sigmoid_on_i8(%a: tensor<4xi8>) {
  // expected-error @+1 {{'tg.sigmoid' op operand #0 has element type 'i8'; requires a floating-point type}}
  %0 = tg.sigmoid %a : tensor<4xi8>
  return
}

// -----

func.func @tanh_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.tanh' op operand #0 has element type 'i1'; requires a floating-point type}}
  %0 = tg.tanh %a : tensor<4xi1>
  return
}

// -----

func.func @gelu_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.gelu' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.gelu %a tanh : tensor<4xi32>
  return
}

// -----

func.func @pow_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.pow' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.pow %a, %a : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

func.func @softmax_on_int(%a: tensor<2x4xi32>) {
  // expected-error @+1 {{'tg.softmax' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.softmax %a axis = 1 : tensor<2x4xi32>
  return
}

// -----

func.func @layer_norm_on_int(%a: tensor<2x4xi8>) {
  // expected-error @+1 {{'tg.layer_norm' op operand #0 has element type 'i8'; requires a floating-point type}}
  %0 = tg.layer_norm %a axis = 1 epsilon = 1.0e-05 : tensor<2x4xi8>
  return
}

// -----

func.func @layer_norm_int_weight(%a: tensor<2x4xf32>, %w: tensor<4xi32>) {
  // expected-error @+1 {{'tg.layer_norm' op operand #1 has element type 'i32'; requires a floating-point type}}
  %0 = tg.layer_norm %a weight %w axis = 1 epsilon = 1.0e-05 : tensor<2x4xf32>, tensor<4xi32>
  return
}

// -----

func.func @rms_norm_on_int(%a: tensor<2x4xi32>) {
  // expected-error @+1 {{'tg.rms_norm' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.rms_norm %a axis = 1 epsilon = 1.0e-06 : tensor<2x4xi32>
  return
}

// -----

func.func @neg_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.neg' op operand #0 has element type i1; requires a numeric type (use tg.cast or tg.select)}}
  %0 = tg.neg %a : tensor<4xi1>
  return
}

// -----

func.func @relu_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.relu' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.relu %a : tensor<4xi1>
  return
}

// -----

func.func @add_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.add' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.add %a, %a : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @max_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.max' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.max %a, %a : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @reduce_on_i1(%a: tensor<2xi1>) {
  // expected-error @+1 {{'tg.reduce_sum' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.reduce_sum %a axes = [0] : tensor<2xi1> -> tensor<i1>
  return
}

// -----

func.func @log_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.log' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.log %a : tensor<4xi32>
  return
}

// -----

func.func @sqrt_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.sqrt' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.sqrt %a : tensor<4xi32>
  return
}

// -----

func.func @rsqrt_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.rsqrt' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.rsqrt %a : tensor<4xi32>
  return
}

// -----

func.func @reciprocal_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.reciprocal' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.reciprocal %a : tensor<4xi32>
  return
}

// -----

func.func @silu_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.silu' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.silu %a : tensor<4xi32>
  return
}

// -----

func.func @sin_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.sin' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.sin %a : tensor<4xi32>
  return
}

// -----

func.func @cos_on_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'tg.cos' op operand #0 has element type 'i32'; requires a floating-point type}}
  %0 = tg.cos %a : tensor<4xi32>
  return
}

// -----

func.func @abs_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.abs' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.abs %a : tensor<4xi1>
  return
}

// -----

func.func @sub_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.sub' op operand #0 has element type}}
  %0 = tg.sub %a, %a : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @mul_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.mul' op operand #0 has element type}}
  %0 = tg.mul %a, %a : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @div_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.div' op operand #0 has element type}}
  %0 = tg.div %a, %a : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @min_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.min' op operand #0 has element type}}
  %0 = tg.min %a, %a : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @pow_on_i1(%a: tensor<4xi1>) {
  // expected-error @+1 {{'tg.pow' op operand #0 has element type}}
  %0 = tg.pow %a, %a : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @reduce_max_on_i1(%a: tensor<2xi1>) {
  // expected-error @+1 {{'tg.reduce_max' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.reduce_max %a axes = [0] : tensor<2xi1> -> tensor<i1>
  return
}

// -----

func.func @reduce_min_on_i1(%a: tensor<2xi1>) {
  // expected-error @+1 {{'tg.reduce_min' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.reduce_min %a axes = [0] : tensor<2xi1> -> tensor<i1>
  return
}

// -----

func.func @reduce_mean_on_i1(%a: tensor<2xi1>) {
  // expected-error @+1 {{'tg.reduce_mean' op operand #0 has element type i1; requires a numeric type}}
  %0 = tg.reduce_mean %a axes = [0] : tensor<2xi1> -> tensor<i1>
  return
}
