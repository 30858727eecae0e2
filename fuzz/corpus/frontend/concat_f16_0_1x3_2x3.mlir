func.func @concat_f16_0_1x3_2x3(%concat_f16_0_1x3_2x3_a1: tensor<1x3xf16>, %concat_f16_0_1x3_2x3_a2: tensor<2x3xf16>) -> (tensor<3x3xf16>) {
  %concat_f16_0_1x3_2x3_v3 = tg.concat %concat_f16_0_1x3_2x3_a1, %concat_f16_0_1x3_2x3_a2 axis = 0 : tensor<1x3xf16>, tensor<2x3xf16> -> tensor<3x3xf16>
  return %concat_f16_0_1x3_2x3_v3 : tensor<3x3xf16>
}
