func.func @sub_bf16_2x3_2x3(%sub_bf16_2x3_2x3_a1: tensor<2x3xbf16>, %sub_bf16_2x3_2x3_a2: tensor<2x3xbf16>) -> (tensor<2x3xbf16>) {
  %sub_bf16_2x3_2x3_v3 = tg.sub %sub_bf16_2x3_2x3_a1, %sub_bf16_2x3_2x3_a2 : tensor<2x3xbf16>, tensor<2x3xbf16> -> tensor<2x3xbf16>
  return %sub_bf16_2x3_2x3_v3 : tensor<2x3xbf16>
}
