func.func @add_bf16_2x3_2x3(%add_bf16_2x3_2x3_a1: tensor<2x3xbf16>, %add_bf16_2x3_2x3_a2: tensor<2x3xbf16>) -> (tensor<2x3xbf16>) {
  %add_bf16_2x3_2x3_v3 = tg.add %add_bf16_2x3_2x3_a1, %add_bf16_2x3_2x3_a2 : tensor<2x3xbf16>, tensor<2x3xbf16> -> tensor<2x3xbf16>
  return %add_bf16_2x3_2x3_v3 : tensor<2x3xbf16>
}
