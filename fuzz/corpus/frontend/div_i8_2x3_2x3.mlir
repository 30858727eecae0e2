func.func @div_i8_2x3_2x3(%div_i8_2x3_2x3_a1: tensor<2x3xi8>, %div_i8_2x3_2x3_a2: tensor<2x3xi8>) -> (tensor<2x3xi8>) {
  %div_i8_2x3_2x3_v3 = tg.div %div_i8_2x3_2x3_a1, %div_i8_2x3_2x3_a2 : tensor<2x3xi8>, tensor<2x3xi8> -> tensor<2x3xi8>
  return %div_i8_2x3_2x3_v3 : tensor<2x3xi8>
}
