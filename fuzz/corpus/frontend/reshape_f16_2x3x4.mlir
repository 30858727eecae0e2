func.func @reshape_f16_2x3x4(%reshape_f16_2x3x4_a1: tensor<2x3x4xf16>) -> (tensor<6x4xf16>) {
  %reshape_f16_2x3x4_v2 = tg.reshape %reshape_f16_2x3x4_a1 : tensor<2x3x4xf16> -> tensor<6x4xf16>
  return %reshape_f16_2x3x4_v2 : tensor<6x4xf16>
}
