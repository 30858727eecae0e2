func.func @max_f32_2x3_2x3(%max_f32_2x3_2x3_a1: tensor<2x3xf32>, %max_f32_2x3_2x3_a2: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %max_f32_2x3_2x3_v3 = tg.max %max_f32_2x3_2x3_a1, %max_f32_2x3_2x3_a2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %max_f32_2x3_2x3_v3 : tensor<2x3xf32>
}
