func.func @concat_bf16_0_1x3_2x3(%concat_bf16_0_1x3_2x3_a1: tensor<1x3xbf16>, %concat_bf16_0_1x3_2x3_a2: tensor<2x3xbf16>) -> (tensor<3x3xbf16>) {
  %concat_bf16_0_1x3_2x3_v3 = tg.concat %concat_bf16_0_1x3_2x3_a1, %concat_bf16_0_1x3_2x3_a2 axis = 0 : tensor<1x3xbf16>, tensor<2x3xbf16> -> tensor<3x3xbf16>
  return %concat_bf16_0_1x3_2x3_v3 : tensor<3x3xbf16>
}
