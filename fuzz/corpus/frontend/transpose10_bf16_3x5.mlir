func.func @transpose10_bf16_3x5(%transpose10_bf16_3x5_a1: tensor<3x5xbf16>) -> (tensor<5x3xbf16>) {
  %transpose10_bf16_3x5_v2 = tg.transpose %transpose10_bf16_3x5_a1 permutation = [1, 0] : tensor<3x5xbf16> -> tensor<5x3xbf16>
  return %transpose10_bf16_3x5_v2 : tensor<5x3xbf16>
}
