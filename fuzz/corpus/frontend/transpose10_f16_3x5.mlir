func.func @transpose10_f16_3x5(%transpose10_f16_3x5_a1: tensor<3x5xf16>) -> (tensor<5x3xf16>) {
  %transpose10_f16_3x5_v2 = tg.transpose %transpose10_f16_3x5_a1 permutation = [1, 0] : tensor<3x5xf16> -> tensor<5x3xf16>
  return %transpose10_f16_3x5_v2 : tensor<5x3xf16>
}
