func.func @sub_f16_2x3_2x3(%sub_f16_2x3_2x3_a1: tensor<2x3xf16>, %sub_f16_2x3_2x3_a2: tensor<2x3xf16>) -> (tensor<2x3xf16>) {
  %sub_f16_2x3_2x3_v3 = tg.sub %sub_f16_2x3_2x3_a1, %sub_f16_2x3_2x3_a2 : tensor<2x3xf16>, tensor<2x3xf16> -> tensor<2x3xf16>
  return %sub_f16_2x3_2x3_v3 : tensor<2x3xf16>
}
