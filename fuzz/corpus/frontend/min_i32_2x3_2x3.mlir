func.func @min_i32_2x3_2x3(%min_i32_2x3_2x3_a1: tensor<2x3xi32>, %min_i32_2x3_2x3_a2: tensor<2x3xi32>) -> (tensor<2x3xi32>) {
  %min_i32_2x3_2x3_v3 = tg.min %min_i32_2x3_2x3_a1, %min_i32_2x3_2x3_a2 : tensor<2x3xi32>, tensor<2x3xi32> -> tensor<2x3xi32>
  return %min_i32_2x3_2x3_v3 : tensor<2x3xi32>
}
