func.func @div_f32_2x3_2x3(%div_f32_2x3_2x3_a1: tensor<2x3xf32>, %div_f32_2x3_2x3_a2: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %div_f32_2x3_2x3_v3 = tg.div %div_f32_2x3_2x3_a1, %div_f32_2x3_2x3_a2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %div_f32_2x3_2x3_v3 : tensor<2x3xf32>
}
