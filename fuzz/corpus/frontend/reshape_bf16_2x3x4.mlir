func.func @reshape_bf16_2x3x4(%reshape_bf16_2x3x4_a1: tensor<2x3x4xbf16>) -> (tensor<6x4xbf16>) {
  %reshape_bf16_2x3x4_v2 = tg.reshape %reshape_bf16_2x3x4_a1 : tensor<2x3x4xbf16> -> tensor<6x4xbf16>
  return %reshape_bf16_2x3x4_v2 : tensor<6x4xbf16>
}
