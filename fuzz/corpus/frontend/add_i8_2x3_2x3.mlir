func.func @add_i8_2x3_2x3(%add_i8_2x3_2x3_a1: tensor<2x3xi8>, %add_i8_2x3_2x3_a2: tensor<2x3xi8>) -> (tensor<2x3xi8>) {
  %add_i8_2x3_2x3_v3 = tg.add %add_i8_2x3_2x3_a1, %add_i8_2x3_2x3_a2 : tensor<2x3xi8>, tensor<2x3xi8> -> tensor<2x3xi8>
  return %add_i8_2x3_2x3_v3 : tensor<2x3xi8>
}
