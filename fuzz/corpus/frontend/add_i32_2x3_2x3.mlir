func.func @add_i32_2x3_2x3(%add_i32_2x3_2x3_a1: tensor<2x3xi32>, %add_i32_2x3_2x3_a2: tensor<2x3xi32>) -> (tensor<2x3xi32>) {
  %add_i32_2x3_2x3_v3 = tg.add %add_i32_2x3_2x3_a1, %add_i32_2x3_2x3_a2 : tensor<2x3xi32>, tensor<2x3xi32> -> tensor<2x3xi32>
  return %add_i32_2x3_2x3_v3 : tensor<2x3xi32>
}
