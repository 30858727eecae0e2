func.func @min_f32_2x3_2x3(%min_f32_2x3_2x3_a1: tensor<2x3xf32>, %min_f32_2x3_2x3_a2: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %min_f32_2x3_2x3_v3 = tg.min %min_f32_2x3_2x3_a1, %min_f32_2x3_2x3_a2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %min_f32_2x3_2x3_v3 : tensor<2x3xf32>
}
