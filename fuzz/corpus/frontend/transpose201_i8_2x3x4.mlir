func.func @transpose201_i8_2x3x4(%transpose201_i8_2x3x4_a1: tensor<2x3x4xi8>) -> (tensor<4x2x3xi8>) {
  %transpose201_i8_2x3x4_v2 = tg.transpose %transpose201_i8_2x3x4_a1 permutation = [2, 0, 1] : tensor<2x3x4xi8> -> tensor<4x2x3xi8>
  return %transpose201_i8_2x3x4_v2 : tensor<4x2x3xi8>
}
