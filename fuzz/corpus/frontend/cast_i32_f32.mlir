func.func @cast_i32_f32(%cast_i32_f32_a1: tensor<64xi32>) -> (tensor<64xf32>) {
  %cast_i32_f32_v2 = tg.cast %cast_i32_f32_a1 : tensor<64xi32> to tensor<64xf32>
  return %cast_i32_f32_v2 : tensor<64xf32>
}
