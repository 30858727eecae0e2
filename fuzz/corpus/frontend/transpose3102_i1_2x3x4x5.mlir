func.func @transpose3102_i1_2x3x4x5(%transpose3102_i1_2x3x4x5_a1: tensor<2x3x4x5xi1>) -> (tensor<5x3x2x4xi1>) {
  %transpose3102_i1_2x3x4x5_v2 = tg.transpose %transpose3102_i1_2x3x4x5_a1 permutation = [3, 1, 0, 2] : tensor<2x3x4x5xi1> -> tensor<5x3x2x4xi1>
  return %transpose3102_i1_2x3x4x5_v2 : tensor<5x3x2x4xi1>
}
