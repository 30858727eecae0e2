func.func @cast_bf16_f32(%cast_bf16_f32_a1: tensor<64xbf16>) -> (tensor<64xf32>) {
  %cast_bf16_f32_v2 = tg.cast %cast_bf16_f32_a1 : tensor<64xbf16> to tensor<64xf32>
  return %cast_bf16_f32_v2 : tensor<64xf32>
}
