func.func @mul_i8_2x3_2x3(%mul_i8_2x3_2x3_a1: tensor<2x3xi8>, %mul_i8_2x3_2x3_a2: tensor<2x3xi8>) -> (tensor<2x3xi8>) {
  %mul_i8_2x3_2x3_v3 = tg.mul %mul_i8_2x3_2x3_a1, %mul_i8_2x3_2x3_a2 : tensor<2x3xi8>, tensor<2x3xi8> -> tensor<2x3xi8>
  return %mul_i8_2x3_2x3_v3 : tensor<2x3xi8>
}
