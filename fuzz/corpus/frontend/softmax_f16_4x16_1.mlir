func.func @softmax_f16_4x16_1(%softmax_f16_4x16_1_a1: tensor<4x16xf16>) -> (tensor<4x16xf16>) {
  %softmax_f16_4x16_1_v2 = tg.softmax %softmax_f16_4x16_1_a1 axis = 1 : tensor<4x16xf16>
  return %softmax_f16_4x16_1_v2 : tensor<4x16xf16>
}
