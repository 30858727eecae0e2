func.func @pow_f32_2x3_2x3(%pow_f32_2x3_2x3_a1: tensor<2x3xf32>, %pow_f32_2x3_2x3_a2: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %pow_f32_2x3_2x3_v3 = tg.pow %pow_f32_2x3_2x3_a1, %pow_f32_2x3_2x3_a2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %pow_f32_2x3_2x3_v3 : tensor<2x3xf32>
}
