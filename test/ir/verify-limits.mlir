// Tensor sizes are computed with checked multiplication, and a tensor must
// be within what the runtime accepts (format/Limits.h): at most 64
// dimensions and 2^48 bytes (issue 14, F4). Before, 4611686018427387905x4
// wrapped to 4 elements and compiled.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @wraps(%a: tensor<4611686018427387905x4xf32>) {
  // expected-error @+1 {{'tg.exp' op operand #0: tensor<4611686018427387905x4xf32> is more than 2^64 bytes, more than tgc's limit of 2^48 bytes for a tensor}}
  %0 = tg.exp %a : tensor<4611686018427387905x4xf32>
  return
}

// -----

func.func @int64_max(%a: tensor<9223372036854775807xf32>) {
  // expected-error @+1 {{'tg.exp' op operand #0: tensor<9223372036854775807xf32> is more than 2^64 bytes}}
  %0 = tg.exp %a : tensor<9223372036854775807xf32>
  return
}

// -----

// One f32 past 2^48 bytes.
func.func @just_over(%a: tensor<70368744177665xf32>) {
  // expected-error @+1 {{'tg.neg' op operand #0: tensor<70368744177665xf32> is 281474976710660 bytes, more than tgc's limit of 2^48 bytes for a tensor}}
  %0 = tg.neg %a : tensor<70368744177665xf32>
  return
}

// -----

// Exactly 2^48 bytes is allowed.
func.func @at_the_limit(%a: tensor<70368744177664xf32>) -> tensor<70368744177664xf32> {
  %0 = tg.neg %a : tensor<70368744177664xf32>
  return %0 : tensor<70368744177664xf32>
}

// -----

// i1 is stored as one byte per element.
func.func @i1_bytes(%a: tensor<281474976710657xi1>) {
  // expected-error @+1 {{is 281474976710657 bytes, more than tgc's limit}}
  %0 = tg.select %a, %a, %a : tensor<281474976710657xi1>, tensor<281474976710657xi1>, tensor<281474976710657xi1> -> tensor<281474976710657xi1>
  return
}

// -----

func.func @splat_constant() {
  // expected-error @+1 {{'tg.constant' op result #0: tensor<100000x100000x100000xf32> is 4000000000000000 bytes}}
  %0 = tg.constant dense<1.0> : tensor<100000x100000x100000xf32>
  return
}

// -----

func.func @rank_65(%a: tensor<1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1xf32>) {
  // expected-error @+1 {{'tg.exp' op operand #0: tensor<1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1xf32> has rank 65; tgc supports at most 64 dimensions}}
  %0 = tg.exp %a : tensor<1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1xf32>
  return
}
