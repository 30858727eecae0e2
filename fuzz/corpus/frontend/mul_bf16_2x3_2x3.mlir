func.func @mul_bf16_2x3_2x3(%mul_bf16_2x3_2x3_a1: tensor<2x3xbf16>, %mul_bf16_2x3_2x3_a2: tensor<2x3xbf16>) -> (tensor<2x3xbf16>) {
  %mul_bf16_2x3_2x3_v3 = tg.mul %mul_bf16_2x3_2x3_a1, %mul_bf16_2x3_2x3_a2 : tensor<2x3xbf16>, tensor<2x3xbf16> -> tensor<2x3xbf16>
  return %mul_bf16_2x3_2x3_v3 : tensor<2x3xbf16>
}
