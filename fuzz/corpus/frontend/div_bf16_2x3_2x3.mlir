func.func @div_bf16_2x3_2x3(%div_bf16_2x3_2x3_a1: tensor<2x3xbf16>, %div_bf16_2x3_2x3_a2: tensor<2x3xbf16>) -> (tensor<2x3xbf16>) {
  %div_bf16_2x3_2x3_v3 = tg.div %div_bf16_2x3_2x3_a1, %div_bf16_2x3_2x3_a2 : tensor<2x3xbf16>, tensor<2x3xbf16> -> tensor<2x3xbf16>
  return %div_bf16_2x3_2x3_v3 : tensor<2x3xbf16>
}
