func.func @concat_f32_0_1x3_2x3(%concat_f32_0_1x3_2x3_a1: tensor<1x3xf32>, %concat_f32_0_1x3_2x3_a2: tensor<2x3xf32>) -> (tensor<3x3xf32>) {
  %concat_f32_0_1x3_2x3_v3 = tg.concat %concat_f32_0_1x3_2x3_a1, %concat_f32_0_1x3_2x3_a2 axis = 0 : tensor<1x3xf32>, tensor<2x3xf32> -> tensor<3x3xf32>
  return %concat_f32_0_1x3_2x3_v3 : tensor<3x3xf32>
}
