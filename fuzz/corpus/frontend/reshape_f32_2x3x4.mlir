func.func @reshape_f32_2x3x4(%reshape_f32_2x3x4_a1: tensor<2x3x4xf32>) -> (tensor<6x4xf32>) {
  %reshape_f32_2x3x4_v2 = tg.reshape %reshape_f32_2x3x4_a1 : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %reshape_f32_2x3x4_v2 : tensor<6x4xf32>
}
