func.func @add_f32_2x3_2x3(%add_f32_2x3_2x3_a1: tensor<2x3xf32>, %add_f32_2x3_2x3_a2: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %add_f32_2x3_2x3_v3 = tg.add %add_f32_2x3_2x3_a1, %add_f32_2x3_2x3_a2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %add_f32_2x3_2x3_v3 : tensor<2x3xf32>
}
