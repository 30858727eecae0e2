func.func @gelu_tanh_f32_scalar(%gelu_tanh_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %gelu_tanh_f32_scalar_v2 = tg.gelu %gelu_tanh_f32_scalar_a1 tanh : tensor<f32>
  return %gelu_tanh_f32_scalar_v2 : tensor<f32>
}
