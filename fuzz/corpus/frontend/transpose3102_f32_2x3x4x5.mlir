func.func @transpose3102_f32_2x3x4x5(%transpose3102_f32_2x3x4x5_a1: tensor<2x3x4x5xf32>) -> (tensor<5x3x2x4xf32>) {
  %transpose3102_f32_2x3x4x5_v2 = tg.transpose %transpose3102_f32_2x3x4x5_a1 permutation = [3, 1, 0, 2] : tensor<2x3x4x5xf32> -> tensor<5x3x2x4xf32>
  return %transpose3102_f32_2x3x4x5_v2 : tensor<5x3x2x4xf32>
}
