func.func @max_i8_2x3_2x3(%max_i8_2x3_2x3_a1: tensor<2x3xi8>, %max_i8_2x3_2x3_a2: tensor<2x3xi8>) -> (tensor<2x3xi8>) {
  %max_i8_2x3_2x3_v3 = tg.max %max_i8_2x3_2x3_a1, %max_i8_2x3_2x3_a2 : tensor<2x3xi8>, tensor<2x3xi8> -> tensor<2x3xi8>
  return %max_i8_2x3_2x3_v3 : tensor<2x3xi8>
}
