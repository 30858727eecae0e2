func.func @cast_i1_f32(%cast_i1_f32_a1: tensor<64xi1>) -> (tensor<64xf32>) {
  %cast_i1_f32_v2 = tg.cast %cast_i1_f32_a1 : tensor<64xi1> to tensor<64xf32>
  return %cast_i1_f32_v2 : tensor<64xf32>
}
