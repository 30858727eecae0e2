func.func @gelu_f32_scalar(%gelu_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %gelu_f32_scalar_v2 = tg.gelu %gelu_f32_scalar_a1 : tensor<f32>
  return %gelu_f32_scalar_v2 : tensor<f32>
}
