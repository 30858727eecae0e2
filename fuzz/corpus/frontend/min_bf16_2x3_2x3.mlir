func.func @min_bf16_2x3_2x3(%min_bf16_2x3_2x3_a1: tensor<2x3xbf16>, %min_bf16_2x3_2x3_a2: tensor<2x3xbf16>) -> (tensor<2x3xbf16>) {
  %min_bf16_2x3_2x3_v3 = tg.min %min_bf16_2x3_2x3_a1, %min_bf16_2x3_2x3_a2 : tensor<2x3xbf16>, tensor<2x3xbf16> -> tensor<2x3xbf16>
  return %min_bf16_2x3_2x3_v3 : tensor<2x3xbf16>
}
