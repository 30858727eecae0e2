func.func @transpose201_bf16_2x3x4(%transpose201_bf16_2x3x4_a1: tensor<2x3x4xbf16>) -> (tensor<4x2x3xbf16>) {
  %transpose201_bf16_2x3x4_v2 = tg.transpose %transpose201_bf16_2x3x4_a1 permutation = [2, 0, 1] : tensor<2x3x4xbf16> -> tensor<4x2x3xbf16>
  return %transpose201_bf16_2x3x4_v2 : tensor<4x2x3xbf16>
}
