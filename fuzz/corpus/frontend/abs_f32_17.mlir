func.func @abs_f32_17(%abs_f32_17_a1: tensor<17xf32>) -> (tensor<17xf32>) {
  %abs_f32_17_v2 = tg.abs %abs_f32_17_a1 : tensor<17xf32>
  return %abs_f32_17_v2 : tensor<17xf32>
}
