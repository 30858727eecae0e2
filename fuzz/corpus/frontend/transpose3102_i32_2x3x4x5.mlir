func.func @transpose3102_i32_2x3x4x5(%transpose3102_i32_2x3x4x5_a1: tensor<2x3x4x5xi32>) -> (tensor<5x3x2x4xi32>) {
  %transpose3102_i32_2x3x4x5_v2 = tg.transpose %transpose3102_i32_2x3x4x5_a1 permutation = [3, 1, 0, 2] : tensor<2x3x4x5xi32> -> tensor<5x3x2x4xi32>
  return %transpose3102_i32_2x3x4x5_v2 : tensor<5x3x2x4xi32>
}
