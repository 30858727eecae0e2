func.func @relu_f16_17(%relu_f16_17_a1: tensor<17xf16>) -> (tensor<17xf16>) {
  %relu_f16_17_v2 = tg.relu %relu_f16_17_a1 : tensor<17xf16>
  return %relu_f16_17_v2 : tensor<17xf16>
}
