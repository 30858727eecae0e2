func.func @transpose10_f32_3x5(%transpose10_f32_3x5_a1: tensor<3x5xf32>) -> (tensor<5x3xf32>) {
  %transpose10_f32_3x5_v2 = tg.transpose %transpose10_f32_3x5_a1 permutation = [1, 0] : tensor<3x5xf32> -> tensor<5x3xf32>
  return %transpose10_f32_3x5_v2 : tensor<5x3xf32>
}
