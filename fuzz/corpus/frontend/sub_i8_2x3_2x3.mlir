func.func @sub_i8_2x3_2x3(%sub_i8_2x3_2x3_a1: tensor<2x3xi8>, %sub_i8_2x3_2x3_a2: tensor<2x3xi8>) -> (tensor<2x3xi8>) {
  %sub_i8_2x3_2x3_v3 = tg.sub %sub_i8_2x3_2x3_a1, %sub_i8_2x3_2x3_a2 : tensor<2x3xi8>, tensor<2x3xi8> -> tensor<2x3xi8>
  return %sub_i8_2x3_2x3_v3 : tensor<2x3xi8>
}
