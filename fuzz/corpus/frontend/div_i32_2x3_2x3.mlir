func.func @div_i32_2x3_2x3(%div_i32_2x3_2x3_a1: tensor<2x3xi32>, %div_i32_2x3_2x3_a2: tensor<2x3xi32>) -> (tensor<2x3xi32>) {
  %div_i32_2x3_2x3_v3 = tg.div %div_i32_2x3_2x3_a1, %div_i32_2x3_2x3_a2 : tensor<2x3xi32>, tensor<2x3xi32> -> tensor<2x3xi32>
  return %div_i32_2x3_2x3_v3 : tensor<2x3xi32>
}
