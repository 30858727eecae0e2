func.func @softmax_f32_4x16_1(%softmax_f32_4x16_1_a1: tensor<4x16xf32>) -> (tensor<4x16xf32>) {
  %softmax_f32_4x16_1_v2 = tg.softmax %softmax_f32_4x16_1_a1 axis = 1 : tensor<4x16xf32>
  return %softmax_f32_4x16_1_v2 : tensor<4x16xf32>
}
