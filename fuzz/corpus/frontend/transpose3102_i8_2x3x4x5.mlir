func.func @transpose3102_i8_2x3x4x5(%transpose3102_i8_2x3x4x5_a1: tensor<2x3x4x5xi8>) -> (tensor<5x3x2x4xi8>) {
  %transpose3102_i8_2x3x4x5_v2 = tg.transpose %transpose3102_i8_2x3x4x5_a1 permutation = [3, 1, 0, 2] : tensor<2x3x4x5xi8> -> tensor<5x3x2x4xi8>
  return %transpose3102_i8_2x3x4x5_v2 : tensor<5x3x2x4xi8>
}
