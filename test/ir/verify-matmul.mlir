// tg.matmul: rank >= 2, matching K, broadcastable batch dimensions, one
// supported element type.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @rank1_operand(%a: tensor<4xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{'tg.matmul' op operands need rank 2 or more, got 'tensor<4xf32>' and 'tensor<4x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b : tensor<4xf32>, tensor<4x2xf32> -> tensor<2xf32>
  return
}

// -----

func.func @rank1_rhs(%a: tensor<2x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{'tg.matmul' op operands need rank 2 or more, got 'tensor<2x4xf32>' and 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2xf32>
  return
}

// -----

func.func @k_mismatch(%a: tensor<8x64xf32>, %b: tensor<32x16xf32>) {
  // expected-error @+2 {{'tg.matmul' op contraction dimensions differ: lhs 'tensor<8x64xf32>' has K = 64, rhs 'tensor<32x16xf32>' has K = 32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b : tensor<8x64xf32>, tensor<32x16xf32> -> tensor<8x16xf32>
  return
}

// -----

// transpose_b takes K from the rhs's last dimension: this pair would be
// valid without the flag.
func.func @k_mismatch_transpose_b(%a: tensor<8x64xf32>, %b: tensor<64x32xf32>) {
  // expected-error @+2 {{'tg.matmul' op contraction dimensions differ: lhs 'tensor<8x64xf32>' has K = 64, rhs 'tensor<64x32xf32>' has K = 32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b transpose_b : tensor<8x64xf32>, tensor<64x32xf32> -> tensor<8x64xf32>
  return
}

// -----

func.func @k_mismatch_transpose_a(%a: tensor<8x64xf32>, %b: tensor<64x32xf32>) {
  // expected-error @+2 {{'tg.matmul' op contraction dimensions differ: lhs 'tensor<8x64xf32>' has K = 8, rhs 'tensor<64x32xf32>' has K = 64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b transpose_a : tensor<8x64xf32>, tensor<64x32xf32> -> tensor<64x32xf32>
  return
}

// -----

func.func @batch_mismatch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x5xf32>) {
  // expected-error @+2 {{'tg.matmul' op batch dimensions of 'tensor<2x4x8xf32>' and 'tensor<3x8x5xf32>' cannot be broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b : tensor<2x4x8xf32>, tensor<3x8x5xf32> -> tensor<2x4x5xf32>
  return
}

// -----

func.func @element_types_differ(%a: tensor<4x8xf32>, %b: tensor<8x5xf16>) {
  // expected-error @+2 {{'tg.matmul' op operand element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b : tensor<4x8xf32>, tensor<8x5xf16> -> tensor<4x5xf32>
  return
}

// -----

func.func @unsupported_i8(%a: tensor<4x8xi8>, %b: tensor<8x5xi8>) {
  // expected-error @+2 {{'tg.matmul' op element type 'i8' is not supported (f32, f16, bf16 or i32)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b : tensor<4x8xi8>, tensor<8x5xi8> -> tensor<4x5xi8>
  return
}

// -----

func.func @unsupported_i1(%a: tensor<4x8xi1>, %b: tensor<8x5xi1>) {
  // expected-error @+2 {{'tg.matmul' op element type 'i1' is not supported (f32, f16, bf16 or i32)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b : tensor<4x8xi1>, tensor<8x5xi1> -> tensor<4x5xi1>
  return
}

// -----

func.func @wrong_result(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>) {
  // expected-error @+2 {{'tg.matmul' op inferred type(s) 'tensor<4x5xf32>' are incompatible with return type(s) of operation 'tensor<5x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.matmul %a, %b : tensor<4x8xf32>, tensor<8x5xf32> -> tensor<5x4xf32>
  return
}
