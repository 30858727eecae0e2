func.func @max_i32_2x3_2x3(%max_i32_2x3_2x3_a1: tensor<2x3xi32>, %max_i32_2x3_2x3_a2: tensor<2x3xi32>) -> (tensor<2x3xi32>) {
  %max_i32_2x3_2x3_v3 = tg.max %max_i32_2x3_2x3_a1, %max_i32_2x3_2x3_a2 : tensor<2x3xi32>, tensor<2x3xi32> -> tensor<2x3xi32>
  return %max_i32_2x3_2x3_v3 : tensor<2x3xi32>
}
