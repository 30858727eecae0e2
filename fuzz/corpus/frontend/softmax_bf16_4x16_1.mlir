func.func @softmax_bf16_4x16_1(%softmax_bf16_4x16_1_a1: tensor<4x16xbf16>) -> (tensor<4x16xbf16>) {
  %softmax_bf16_4x16_1_v2 = tg.softmax %softmax_bf16_4x16_1_a1 axis = 1 : tensor<4x16xbf16>
  return %softmax_bf16_4x16_1_v2 : tensor<4x16xbf16>
}
