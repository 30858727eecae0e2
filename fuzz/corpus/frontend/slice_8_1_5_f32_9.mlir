func.func @slice_8_1_5_f32_9(%slice_8_1_5_f32_9_a1: tensor<9xf32>) -> (tensor<1xf32>) {
  %slice_8_1_5_f32_9_v2 = tg.slice %slice_8_1_5_f32_9_a1 start = [8] size = [1] stride = [5] : tensor<9xf32> -> tensor<1xf32>
  return %slice_8_1_5_f32_9_v2 : tensor<1xf32>
}
