func.func @abs_bf16_17(%abs_bf16_17_a1: tensor<17xbf16>) -> (tensor<17xbf16>) {
  %abs_bf16_17_v2 = tg.abs %abs_bf16_17_a1 : tensor<17xbf16>
  return %abs_bf16_17_v2 : tensor<17xbf16>
}
