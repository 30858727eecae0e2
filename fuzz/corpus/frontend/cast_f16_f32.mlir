func.func @cast_f16_f32(%cast_f16_f32_a1: tensor<64xf16>) -> (tensor<64xf32>) {
  %cast_f16_f32_v2 = tg.cast %cast_f16_f32_a1 : tensor<64xf16> to tensor<64xf32>
  return %cast_f16_f32_v2 : tensor<64xf32>
}
