func.func @reshape_i8_2x3x4(%reshape_i8_2x3x4_a1: tensor<2x3x4xi8>) -> (tensor<6x4xi8>) {
  %reshape_i8_2x3x4_v2 = tg.reshape %reshape_i8_2x3x4_a1 : tensor<2x3x4xi8> -> tensor<6x4xi8>
  return %reshape_i8_2x3x4_v2 : tensor<6x4xi8>
}
