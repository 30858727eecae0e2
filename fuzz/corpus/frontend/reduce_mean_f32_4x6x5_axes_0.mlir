func.func @reduce_mean_f32_4x6x5_axes_0(%reduce_mean_f32_4x6x5_axes_0_a1: tensor<4x6x5xf32>) -> (tensor<6x5xf32>) {
  %reduce_mean_f32_4x6x5_axes_0_v2 = tg.reduce_mean %reduce_mean_f32_4x6x5_axes_0_a1 axes = [0] : tensor<4x6x5xf32> -> tensor<6x5xf32>
  return %reduce_mean_f32_4x6x5_axes_0_v2 : tensor<6x5xf32>
}
