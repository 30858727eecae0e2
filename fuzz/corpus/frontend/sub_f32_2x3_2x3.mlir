func.func @sub_f32_2x3_2x3(%sub_f32_2x3_2x3_a1: tensor<2x3xf32>, %sub_f32_2x3_2x3_a2: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %sub_f32_2x3_2x3_v3 = tg.sub %sub_f32_2x3_2x3_a1, %sub_f32_2x3_2x3_a2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %sub_f32_2x3_2x3_v3 : tensor<2x3xf32>
}
