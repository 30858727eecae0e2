func.func @reduce_min_f32_4x6x5_axes_0(%reduce_min_f32_4x6x5_axes_0_a1: tensor<4x6x5xf32>) -> (tensor<6x5xf32>) {
  %reduce_min_f32_4x6x5_axes_0_v2 = tg.reduce_min %reduce_min_f32_4x6x5_axes_0_a1 axes = [0] : tensor<4x6x5xf32> -> tensor<6x5xf32>
  return %reduce_min_f32_4x6x5_axes_0_v2 : tensor<6x5xf32>
}
