func.func @slice_0_1_2_3_1_2_f32_4x8(%slice_0_1_2_3_1_2_f32_4x8_a1: tensor<4x8xf32>) -> (tensor<2x3xf32>) {
  %slice_0_1_2_3_1_2_f32_4x8_v2 = tg.slice %slice_0_1_2_3_1_2_f32_4x8_a1 start = [0, 1] size = [2, 3] stride = [1, 2] : tensor<4x8xf32> -> tensor<2x3xf32>
  return %slice_0_1_2_3_1_2_f32_4x8_v2 : tensor<2x3xf32>
}
