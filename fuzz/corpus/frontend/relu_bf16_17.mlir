func.func @relu_bf16_17(%relu_bf16_17_a1: tensor<17xbf16>) -> (tensor<17xbf16>) {
  %relu_bf16_17_v2 = tg.relu %relu_bf16_17_a1 : tensor<17xbf16>
  return %relu_bf16_17_v2 : tensor<17xbf16>
}
