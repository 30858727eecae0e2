func.func @select_f32_2x3_2x3_2x3(%select_f32_2x3_2x3_2x3_a1: tensor<2x3xi1>, %select_f32_2x3_2x3_2x3_a2: tensor<2x3xf32>, %select_f32_2x3_2x3_2x3_a3: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %select_f32_2x3_2x3_2x3_v4 = tg.select %select_f32_2x3_2x3_2x3_a1, %select_f32_2x3_2x3_2x3_a2, %select_f32_2x3_2x3_2x3_a3 : tensor<2x3xi1>, tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %select_f32_2x3_2x3_2x3_v4 : tensor<2x3xf32>
}
