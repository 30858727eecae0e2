func.func @neg_f32_17(%neg_f32_17_a1: tensor<17xf32>) -> (tensor<17xf32>) {
  %neg_f32_17_v2 = tg.neg %neg_f32_17_a1 : tensor<17xf32>
  return %neg_f32_17_v2 : tensor<17xf32>
}
