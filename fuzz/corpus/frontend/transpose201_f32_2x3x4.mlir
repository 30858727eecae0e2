func.func @transpose201_f32_2x3x4(%transpose201_f32_2x3x4_a1: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>) {
  %transpose201_f32_2x3x4_v2 = tg.transpose %transpose201_f32_2x3x4_a1 permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %transpose201_f32_2x3x4_v2 : tensor<4x2x3xf32>
}
