func.func @cast_i8_f32(%cast_i8_f32_a1: tensor<64xi8>) -> (tensor<64xf32>) {
  %cast_i8_f32_v2 = tg.cast %cast_i8_f32_a1 : tensor<64xi8> to tensor<64xf32>
  return %cast_i8_f32_v2 : tensor<64xf32>
}
