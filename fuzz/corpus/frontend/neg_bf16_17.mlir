func.func @neg_bf16_17(%neg_bf16_17_a1: tensor<17xbf16>) -> (tensor<17xbf16>) {
  %neg_bf16_17_v2 = tg.neg %neg_bf16_17_a1 : tensor<17xbf16>
  return %neg_bf16_17_v2 : tensor<17xbf16>
}
