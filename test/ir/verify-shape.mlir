// Shape ops: reshape, transpose, broadcast_to, slice, concat, gather.
// RUN: tg-opt %s -split-input-file -verify-diagnostics

func.func @reshape_count_mismatch(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'tg.reshape' op cannot reshape 'tensor<2x3xf32>' (6 elements) to 'tensor<7xf32>' (7 elements)}}
  %0 = tg.reshape %a : tensor<2x3xf32> -> tensor<7xf32>
  return
}

// -----

func.func @reshape_element_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'tg.reshape' op changes the element type from 'f32' to 'i32'}}
  %0 = tg.reshape %a : tensor<2x3xf32> -> tensor<6xi32>
  return
}

// -----

func.func @transpose_too_short(%a: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'tg.transpose' op permutation [1, 0] has 2 entries but the input 'tensor<2x3x4xf32>' has rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.transpose %a permutation = [1, 0] : tensor<2x3x4xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_duplicate(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.transpose' op [1, 1] is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.transpose %a permutation = [1, 1] : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_out_of_range(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.transpose' op [0, 2] is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.transpose %a permutation = [0, 2] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_negative(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.transpose' op [-1, 0] is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.transpose %a permutation = [-1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_wrong_result(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.transpose' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.transpose %a permutation = [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_to_incompatible(%a: tensor<3xf32>) {
  // expected-error @+1 {{'tg.broadcast_to' op cannot broadcast 'tensor<3xf32>' to 'tensor<2x4xf32>'}}
  %0 = tg.broadcast_to %a : tensor<3xf32> -> tensor<2x4xf32>
  return
}

// -----

// broadcast_to only grows: dropping a dimension is a reshape.
func.func @broadcast_to_lower_rank(%a: tensor<1x3xf32>) {
  // expected-error @+1 {{'tg.broadcast_to' op cannot broadcast 'tensor<1x3xf32>' to 'tensor<3xf32>'}}
  %0 = tg.broadcast_to %a : tensor<1x3xf32> -> tensor<3xf32>
  return
}

// -----

// The result may not shrink a stretched dimension back to 1.
func.func @broadcast_to_shrinks(%a: tensor<4x3xf32>) {
  // expected-error @+1 {{'tg.broadcast_to' op cannot broadcast 'tensor<4x3xf32>' to 'tensor<1x3xf32>'}}
  %0 = tg.broadcast_to %a : tensor<4x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @broadcast_to_element_type(%a: tensor<3xf32>) {
  // expected-error @+1 {{'tg.broadcast_to' op changes the element type from 'f32' to 'f16'}}
  %0 = tg.broadcast_to %a : tensor<3xf32> -> tensor<2x3xf16>
  return
}

// -----

func.func @slice_past_end(%a: tensor<2x8xf32>) {
  // expected-error @+2 {{'tg.slice' op dimension 1 (start 6, size 2, stride 2) is outside the input 'tensor<2x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.slice %a start = [0, 6] size = [2, 2] stride = [1, 2] : tensor<2x8xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_start_past_end(%a: tensor<2x8xf32>) {
  // expected-error @+2 {{'tg.slice' op dimension 1 (start 8, size 1, stride 1) is outside the input 'tensor<2x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.slice %a start = [0, 8] size = [2, 1] stride = [1, 1] : tensor<2x8xf32> -> tensor<2x1xf32>
  return
}

// -----

// (size - 1) * stride overflows int64; the check must not wrap around.
func.func @slice_huge_size(%a: tensor<2x8xf32>) {
  // expected-error @+2 {{'tg.slice' op dimension 1 (start 0, size 4611686018427387905, stride 4) is outside the input 'tensor<2x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.slice %a start = [0, 0] size = [2, 4611686018427387905] stride = [1, 4] : tensor<2x8xf32> -> tensor<2x1xf32>
  return
}

// -----

func.func @slice_negative_start(%a: tensor<2x8xf32>) {
  // expected-error @+2 {{'tg.slice' op dimension 0 (start -1, size 1, stride 1) is outside the input 'tensor<2x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.slice %a start = [-1, 0] size = [1, 8] stride = [1, 1] : tensor<2x8xf32> -> tensor<1x8xf32>
  return
}

// -----

// A zero size gives an empty result, which the tensor-type rule reports.
func.func @slice_zero_size(%a: tensor<2x8xf32>) {
  // expected-error @+1 {{'tg.slice' op result #0 has an empty dimension 1 in 'tensor<2x0xf32>'; tg requires non-empty tensors}}
  %0 = tg.slice %a start = [0, 0] size = [2, 0] stride = [1, 1] : tensor<2x8xf32> -> tensor<2x0xf32>
  return
}

// -----

func.func @slice_zero_stride(%a: tensor<2x8xf32>) {
  // expected-error @+2 {{'tg.slice' op dimension 0 has size 2 and stride 0; both must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.slice %a start = [0, 0] size = [2, 8] stride = [0, 1] : tensor<2x8xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @slice_entry_count(%a: tensor<2x8xf32>) {
  // expected-error @+2 {{'tg.slice' op start, size and stride need one entry per dimension of 'tensor<2x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.slice %a start = [0] size = [2, 8] stride = [1, 1] : tensor<2x8xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.concat' op axis 2 is out of range [0, 2) for 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.concat %a, %a axis = 2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_rank_mismatch(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'tg.concat' op input #1 'tensor<3xf32>' does not match input #0 'tensor<2x3xf32>' in rank or element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.concat %a, %b axis = 0 : tensor<2x3xf32>, tensor<3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @concat_element_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) {
  // expected-error @+2 {{'tg.concat' op input #1 'tensor<2x3xf16>' does not match input #0 'tensor<2x3xf32>' in rank or element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.concat %a, %b axis = 0 : tensor<2x3xf32>, tensor<2x3xf16> -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_dim_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>, %c: tensor<2x3xf32>) {
  // expected-error @+2 {{'tg.concat' op input #1 'tensor<2x4xf32>' differs from input #0 'tensor<2x3xf32>' in dimension 1 (only the axis may differ)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.concat %a, %b, %c axis = 0 : tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x3xf32> -> tensor<6x3xf32>
  return
}

// -----

func.func @concat_no_inputs() {
  // expected-error @+2 {{'tg.concat' op needs at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.concat"() {axis = 0 : i64} : () -> tensor<2x3xf32>
  return
}

// -----

func.func @gather_i8_indices(%t: tensor<10x4xf32>, %i: tensor<3xi8>) {
  // expected-error @+2 {{'tg.gather' op indices must be i32, got 'tensor<3xi8>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.gather %t[%i] : tensor<10x4xf32>, tensor<3xi8> -> tensor<3x4xf32>
  return
}

// -----

func.func @gather_float_indices(%t: tensor<10x4xf32>, %i: tensor<3xf32>) {
  // expected-error @+2 {{'tg.gather' op indices must be i32, got 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.gather %t[%i] : tensor<10x4xf32>, tensor<3xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @gather_rank0_table(%t: tensor<f32>, %i: tensor<2xi32>) {
  // expected-error @+2 {{'tg.gather' op table must have rank 1 or more, got 'tensor<f32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.gather %t[%i] : tensor<f32>, tensor<2xi32> -> tensor<2xf32>
  return
}

// -----

func.func @gather_wrong_result(%t: tensor<10x4xf32>, %i: tensor<3xi32>) {
  // expected-error @+2 {{'tg.gather' op inferred type(s) 'tensor<3x4xf32>' are incompatible with return type(s) of operation 'tensor<3x10xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tg.gather %t[%i] : tensor<10x4xf32>, tensor<3xi32> -> tensor<3x10xf32>
  return
}
