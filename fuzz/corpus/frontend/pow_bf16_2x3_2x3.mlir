func.func @pow_bf16_2x3_2x3(%pow_bf16_2x3_2x3_a1: tensor<2x3xbf16>, %pow_bf16_2x3_2x3_a2: tensor<2x3xbf16>) -> (tensor<2x3xbf16>) {
  %pow_bf16_2x3_2x3_v3 = tg.pow %pow_bf16_2x3_2x3_a1, %pow_bf16_2x3_2x3_a2 : tensor<2x3xbf16>, tensor<2x3xbf16> -> tensor<2x3xbf16>
  return %pow_bf16_2x3_2x3_v3 : tensor<2x3xbf16>
}
