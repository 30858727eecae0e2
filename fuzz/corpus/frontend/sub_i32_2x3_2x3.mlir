func.func @sub_i32_2x3_2x3(%sub_i32_2x3_2x3_a1: tensor<2x3xi32>, %sub_i32_2x3_2x3_a2: tensor<2x3xi32>) -> (tensor<2x3xi32>) {
  %sub_i32_2x3_2x3_v3 = tg.sub %sub_i32_2x3_2x3_a1, %sub_i32_2x3_2x3_a2 : tensor<2x3xi32>, tensor<2x3xi32> -> tensor<2x3xi32>
  return %sub_i32_2x3_2x3_v3 : tensor<2x3xi32>
}
