func.func @neg_i32_17(%neg_i32_17_a1: tensor<17xi32>) -> (tensor<17xi32>) {
  %neg_i32_17_v2 = tg.neg %neg_i32_17_a1 : tensor<17xi32>
  return %neg_i32_17_v2 : tensor<17xi32>
}
