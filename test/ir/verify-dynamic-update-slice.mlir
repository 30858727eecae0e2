// tg.dynamic_update_slice: what the verifier refuses.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @element_type(%c: tensor<4x8xf32>, %u: tensor<1x8xf16>, %p: tensor<i32>) {
  // expected-error @+2 {{'tg.dynamic_update_slice' op update 'tensor<1x8xf16>' must have the rank and element type of the operand 'tensor<4x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.dynamic_update_slice %c, %u, %p, %p : tensor<4x8xf32>, tensor<1x8xf16>, tensor<i32>, tensor<i32> -> tensor<4x8xf32>
  return
}

// -----

func.func @rank(%c: tensor<4x8xf32>, %u: tensor<8xf32>, %p: tensor<i32>) {
  // expected-error @+2 {{'tg.dynamic_update_slice' op update 'tensor<8xf32>' must have the rank and element type of the operand 'tensor<4x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.dynamic_update_slice %c, %u, %p, %p : tensor<4x8xf32>, tensor<8xf32>, tensor<i32>, tensor<i32> -> tensor<4x8xf32>
  return
}

// -----

func.func @too_large(%c: tensor<4x8xf32>, %u: tensor<1x9xf32>, %p: tensor<i32>) {
  // expected-error @+2 {{'tg.dynamic_update_slice' op update 'tensor<1x9xf32>' is larger than the operand 'tensor<4x8xf32>' in dimension 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.dynamic_update_slice %c, %u, %p, %p : tensor<4x8xf32>, tensor<1x9xf32>, tensor<i32>, tensor<i32> -> tensor<4x8xf32>
  return
}

// -----

func.func @offset_count(%c: tensor<4x8xf32>, %u: tensor<1x8xf32>, %p: tensor<i32>) {
  // expected-error @+2 {{'tg.dynamic_update_slice' op needs 2 offsets (one per dimension of 'tensor<4x8xf32>'), got 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.dynamic_update_slice %c, %u, %p : tensor<4x8xf32>, tensor<1x8xf32>, tensor<i32> -> tensor<4x8xf32>
  return
}

// -----

func.func @offset_shape(%c: tensor<4x8xf32>, %u: tensor<1x8xf32>, %p: tensor<i32>, %q: tensor<2xi32>) {
  // expected-error @+2 {{'tg.dynamic_update_slice' op offset 1 must be tensor<i32> or tensor<1xi32>, got 'tensor<2xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.dynamic_update_slice %c, %u, %p, %q : tensor<4x8xf32>, tensor<1x8xf32>, tensor<i32>, tensor<2xi32> -> tensor<4x8xf32>
  return
}

// -----

func.func @offset_type(%c: tensor<4x8xf32>, %u: tensor<1x8xf32>, %p: tensor<i32>, %q: tensor<i8>) {
  // expected-error @+2 {{'tg.dynamic_update_slice' op offset 1 must be tensor<i32> or tensor<1xi32>, got 'tensor<i8>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.dynamic_update_slice %c, %u, %p, %q : tensor<4x8xf32>, tensor<1x8xf32>, tensor<i32>, tensor<i8> -> tensor<4x8xf32>
  return
}

// -----

func.func @result_type(%c: tensor<4x8xf32>, %u: tensor<1x8xf32>, %p: tensor<i32>) {
  // expected-error @+2 {{'tg.dynamic_update_slice' op inferred type(s) 'tensor<4x8xf32>' are incompatible with return type(s) of operation 'tensor<1x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.dynamic_update_slice %c, %u, %p, %p : tensor<4x8xf32>, tensor<1x8xf32>, tensor<i32>, tensor<i32> -> tensor<1x8xf32>
  return
}
