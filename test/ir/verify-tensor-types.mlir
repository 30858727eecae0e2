// Every tg op takes and returns statically shaped ranked tensors of f32, f16,
// bf16, i32, i8 or i1.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @dynamic_operand(%a: tensor<?x3xf32>) {
  // expected-error @+1 {{'tg.add' op operand #0 has a dynamic dimension 0 in 'tensor<?x3xf32>'; tg requires static shapes}}
  %0 = tg.add %a, %a : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
  return
}

// -----

// The diagnostic names the dynamic dimension, not just the type.
func.func @dynamic_inner_dim(%a: tensor<4x?xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'tg.matmul' op operand #0 has a dynamic dimension 1 in 'tensor<4x?xf32>'}}
  %0 = tg.matmul %a, %b : tensor<4x?xf32>, tensor<3x4xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @dynamic_second_operand(%a: tensor<4xf32>, %b: tensor<?xf32>) {
  // expected-error @+1 {{'tg.max' op operand #1 has a dynamic dimension 0 in 'tensor<?xf32>'}}
  %0 = tg.max %a, %b : tensor<4xf32>, tensor<?xf32> -> tensor<4xf32>
  return
}

// -----

func.func @dynamic_result(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tg.reshape' op result #0 has a dynamic dimension 0 in 'tensor<?xf32>'}}
  %0 = tg.reshape %a : tensor<4xf32> -> tensor<?xf32>
  return
}

// -----

func.func @dynamic_slice_input(%a: tensor<4x?xf32>) {
  // expected-error @+1 {{'tg.slice' op operand #0 has a dynamic dimension 1 in 'tensor<4x?xf32>'}}
  %0 = tg.slice %a start = [0, 0] size = [1, 1] stride = [1, 1] : tensor<4x?xf32> -> tensor<1x1xf32>
  return
}

// -----

func.func @unsupported_f64(%a: tensor<4xf64>) {
  // expected-error @+1 {{'tg.exp' op operand #0 must be ranked tensor of f32, f16 or bf16 values, but got 'tensor<4xf64>'}}
  %0 = tg.exp %a : tensor<4xf64>
  return
}

// -----

func.func @unsupported_i64(%a: tensor<4xi64>) {
  // expected-error @+1 {{'tg.neg' op operand #0 must be ranked tensor of}}
  %0 = tg.neg %a : tensor<4xi64>
  return
}

// -----

func.func @unsupported_unsigned(%a: tensor<4xui8>) {
  // expected-error @+1 {{but got 'tensor<4xui8>'}}
  %0 = tg.abs %a : tensor<4xui8>
  return
}

// -----

func.func @unsupported_constant() {
  // expected-error @+1 {{'tg.constant' op result #0 must be ranked tensor of}}
  %0 = tg.constant dense<1.0> : tensor<4xf64>
  return
}

// -----

func.func @unranked(%a: tensor<*xf32>) {
  // expected-error @+1 {{'tg.transpose' op operand #0 must be ranked tensor of}}
  %0 = "tg.transpose"(%a) {permutation = array<i64: 0>} : (tensor<*xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @not_a_tensor(%a: f32) {
  // expected-error @+1 {{'tg.select' op operand #0 must be ranked tensor of}}
  %0 = "tg.select"(%a, %a, %a) : (f32, f32, f32) -> tensor<4xf32>
  return
}

// -----

func.func @constant_type_mismatch() {
  // expected-error @+1 {{'tg.constant' op failed to verify that all of {value, result} have same type}}
  %0 = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return
}

// -----

func.func @unary_result_type_differs(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'tg.exp' op requires the same type for all operands and results}}
  %0 = "tg.exp"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return
}

// -----

// Empty tensors are rejected with the dimension named.
func.func @empty_dimension(%x: tensor<0x4xf32>) -> tensor<0x4xf32> {
  // expected-error @+1 {{'tg.exp' op operand #0 has an empty dimension 0 in 'tensor<0x4xf32>'; tg requires non-empty tensors}}
  %0 = tg.exp %x : tensor<0x4xf32>
  return %0 : tensor<0x4xf32>
}
