func.func @reciprocal_f32_scalar(%reciprocal_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %reciprocal_f32_scalar_v2 = tg.reciprocal %reciprocal_f32_scalar_a1 : tensor<f32>
  return %reciprocal_f32_scalar_v2 : tensor<f32>
}
