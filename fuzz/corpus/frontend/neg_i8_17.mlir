func.func @neg_i8_17(%neg_i8_17_a1: tensor<17xi8>) -> (tensor<17xi8>) {
  %neg_i8_17_v2 = tg.neg %neg_i8_17_a1 : tensor<17xi8>
  return %neg_i8_17_v2 : tensor<17xi8>
}
