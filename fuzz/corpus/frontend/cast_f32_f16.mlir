func.func @cast_f32_f16(%cast_f32_f16_a1: tensor<64xf32>) -> (tensor<64xf16>) {
  %cast_f32_f16_v2 = tg.cast %cast_f32_f16_a1 : tensor<64xf32> to tensor<64xf16>
  return %cast_f32_f16_v2 : tensor<64xf16>
}
