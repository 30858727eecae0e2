func.func @abs_f16_17(%abs_f16_17_a1: tensor<17xf16>) -> (tensor<17xf16>) {
  %abs_f16_17_v2 = tg.abs %abs_f16_17_a1 : tensor<17xf16>
  return %abs_f16_17_v2 : tensor<17xf16>
}
