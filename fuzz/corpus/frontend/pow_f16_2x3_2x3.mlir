func.func @pow_f16_2x3_2x3(%pow_f16_2x3_2x3_a1: tensor<2x3xf16>, %pow_f16_2x3_2x3_a2: tensor<2x3xf16>) -> (tensor<2x3xf16>) {
  %pow_f16_2x3_2x3_v3 = tg.pow %pow_f16_2x3_2x3_a1, %pow_f16_2x3_2x3_a2 : tensor<2x3xf16>, tensor<2x3xf16> -> tensor<2x3xf16>
  return %pow_f16_2x3_2x3_v3 : tensor<2x3xf16>
}
