func.func @abs_i8_17(%abs_i8_17_a1: tensor<17xi8>) -> (tensor<17xi8>) {
  %abs_i8_17_v2 = tg.abs %abs_i8_17_a1 : tensor<17xi8>
  return %abs_i8_17_v2 : tensor<17xi8>
}
