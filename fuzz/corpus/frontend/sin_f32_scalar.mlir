func.func @sin_f32_scalar(%sin_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %sin_f32_scalar_v2 = tg.sin %sin_f32_scalar_a1 : tensor<f32>
  return %sin_f32_scalar_v2 : tensor<f32>
}
