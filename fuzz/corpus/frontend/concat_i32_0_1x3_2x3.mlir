func.func @concat_i32_0_1x3_2x3(%concat_i32_0_1x3_2x3_a1: tensor<1x3xi32>, %concat_i32_0_1x3_2x3_a2: tensor<2x3xi32>) -> (tensor<3x3xi32>) {
  %concat_i32_0_1x3_2x3_v3 = tg.concat %concat_i32_0_1x3_2x3_a1, %concat_i32_0_1x3_2x3_a2 axis = 0 : tensor<1x3xi32>, tensor<2x3xi32> -> tensor<3x3xi32>
  return %concat_i32_0_1x3_2x3_v3 : tensor<3x3xi32>
}
