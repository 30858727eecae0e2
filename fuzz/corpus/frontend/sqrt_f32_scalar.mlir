func.func @sqrt_f32_scalar(%sqrt_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %sqrt_f32_scalar_v2 = tg.sqrt %sqrt_f32_scalar_a1 : tensor<f32>
  return %sqrt_f32_scalar_v2 : tensor<f32>
}
