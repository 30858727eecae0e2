func.func @tanh_f32_scalar(%tanh_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %tanh_f32_scalar_v2 = tg.tanh %tanh_f32_scalar_a1 : tensor<f32>
  return %tanh_f32_scalar_v2 : tensor<f32>
}
