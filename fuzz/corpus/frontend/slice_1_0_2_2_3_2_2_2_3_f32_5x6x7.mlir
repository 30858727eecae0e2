func.func @slice_1_0_2_2_3_2_2_2_3_f32_5x6x7(%slice_1_0_2_2_3_2_2_2_3_f32_5x6x7_a1: tensor<5x6x7xf32>) -> (tensor<2x3x2xf32>) {
  %slice_1_0_2_2_3_2_2_2_3_f32_5x6x7_v2 = tg.slice %slice_1_0_2_2_3_2_2_2_3_f32_5x6x7_a1 start = [1, 0, 2] size = [2, 3, 2] stride = [2, 2, 3] : tensor<5x6x7xf32> -> tensor<2x3x2xf32>
  return %slice_1_0_2_2_3_2_2_2_3_f32_5x6x7_v2 : tensor<2x3x2xf32>
}
