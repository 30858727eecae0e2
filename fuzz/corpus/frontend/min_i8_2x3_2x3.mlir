func.func @min_i8_2x3_2x3(%min_i8_2x3_2x3_a1: tensor<2x3xi8>, %min_i8_2x3_2x3_a2: tensor<2x3xi8>) -> (tensor<2x3xi8>) {
  %min_i8_2x3_2x3_v3 = tg.min %min_i8_2x3_2x3_a1, %min_i8_2x3_2x3_a2 : tensor<2x3xi8>, tensor<2x3xi8> -> tensor<2x3xi8>
  return %min_i8_2x3_2x3_v3 : tensor<2x3xi8>
}
