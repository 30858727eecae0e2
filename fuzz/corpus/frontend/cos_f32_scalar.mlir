func.func @cos_f32_scalar(%cos_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %cos_f32_scalar_v2 = tg.cos %cos_f32_scalar_a1 : tensor<f32>
  return %cos_f32_scalar_v2 : tensor<f32>
}
