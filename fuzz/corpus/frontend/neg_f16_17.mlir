func.func @neg_f16_17(%neg_f16_17_a1: tensor<17xf16>) -> (tensor<17xf16>) {
  %neg_f16_17_v2 = tg.neg %neg_f16_17_a1 : tensor<17xf16>
  return %neg_f16_17_v2 : tensor<17xf16>
}
