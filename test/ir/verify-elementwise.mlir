// Broadcasting binary ops, tg.compare, tg.select and tg.cast.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @broadcast_mismatch(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{'tg.add' op operand shapes cannot be broadcast: 'tensor<2x3xf32>' and 'tensor<4xf32>'}}
  // expected-error @+1 {{'tg.add' op failed to infer returned types}}
  %0 = tg.add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

// Leading dimensions are compared too, not just the trailing one.
func.func @broadcast_mismatch_leading(%a: tensor<2x1x3xi32>, %b: tensor<5x4x3xi32>) {
  // expected-error @+2 {{'tg.mul' op operand shapes cannot be broadcast: 'tensor<2x1x3xi32>' and 'tensor<5x4x3xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.mul %a, %b : tensor<2x1x3xi32>, tensor<5x4x3xi32> -> tensor<5x4x3xi32>
  return
}

// -----

func.func @element_type_mismatch(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+2 {{'tg.sub' op operand element types differ: 'f32' vs 'f16' (insert a tg.cast)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.sub %a, %b : tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>
  return
}

// -----

func.func @wrong_result_type(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'tg.div' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.div %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @compare_broadcast_mismatch(%a: tensor<3xf32>, %b: tensor<2xf32>) {
  // expected-error @+2 {{'tg.compare' op operand shapes cannot be broadcast: 'tensor<3xf32>' and 'tensor<2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.compare lt, %a, %b : tensor<3xf32>, tensor<2xf32> -> tensor<3xi1>
  return
}

// -----

func.func @compare_element_mismatch(%a: tensor<3xf32>, %b: tensor<3xi32>) {
  // expected-error @+2 {{'tg.compare' op operand element types differ: 'f32' vs 'i32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.compare eq, %a, %b : tensor<3xf32>, tensor<3xi32> -> tensor<3xi1>
  return
}

// -----

func.func @compare_result_not_i1(%a: tensor<3xf32>) {
  // expected-error @+2 {{'tg.compare' op inferred type(s) 'tensor<3xi1>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.compare eq, %a, %a : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @compare_bad_predicate(%a: tensor<3xf32>) {
  // expected-error @+1 {{custom op 'tg.compare' expected string or keyword containing one of the following enum values for attribute 'predicate' [eq, ne, lt, le, gt, ge]}}
  %0 = tg.compare approx, %a, %a : tensor<3xf32>, tensor<3xf32> -> tensor<3xi1>
  return
}

// -----

func.func @select_cond_not_i1(%c: tensor<4xf32>, %a: tensor<4xf32>) {
  // expected-error @+2 {{'tg.select' op condition must have element type i1, got 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.select %c, %a, %a : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @select_value_types_differ(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+2 {{'tg.select' op operand element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.select %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>
  return
}

// -----

func.func @select_value_shapes_differ(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'tg.select' op operand shapes cannot be broadcast: 'tensor<4xf32>' and 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.select %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @select_cond_shape_mismatch(%c: tensor<3xi1>, %a: tensor<2x4xf32>) {
  // expected-error @+2 {{'tg.select' op condition shape 'tensor<3xi1>' cannot be broadcast with value shape 'tensor<2x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.select %c, %a, %a : tensor<3xi1>, tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @cast_changes_shape(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tg.cast' op changes the shape from 'tensor<4xf32>' to 'tensor<2x2xf16>'; tg.cast only converts element types}}
  %0 = tg.cast %a : tensor<4xf32> to tensor<2x2xf16>
  return
}
