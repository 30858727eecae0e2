func.func @reduce_sum_f32_4x6x5_axes_0(%reduce_sum_f32_4x6x5_axes_0_a1: tensor<4x6x5xf32>) -> (tensor<6x5xf32>) {
  %reduce_sum_f32_4x6x5_axes_0_v2 = tg.reduce_sum %reduce_sum_f32_4x6x5_axes_0_a1 axes = [0] : tensor<4x6x5xf32> -> tensor<6x5xf32>
  return %reduce_sum_f32_4x6x5_axes_0_v2 : tensor<6x5xf32>
}
