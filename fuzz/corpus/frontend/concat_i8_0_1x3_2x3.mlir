func.func @concat_i8_0_1x3_2x3(%concat_i8_0_1x3_2x3_a1: tensor<1x3xi8>, %concat_i8_0_1x3_2x3_a2: tensor<2x3xi8>) -> (tensor<3x3xi8>) {
  %concat_i8_0_1x3_2x3_v3 = tg.concat %concat_i8_0_1x3_2x3_a1, %concat_i8_0_1x3_2x3_a2 axis = 0 : tensor<1x3xi8>, tensor<2x3xi8> -> tensor<3x3xi8>
  return %concat_i8_0_1x3_2x3_v3 : tensor<3x3xi8>
}
