func.func @exp_f32_scalar(%exp_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %exp_f32_scalar_v2 = tg.exp %exp_f32_scalar_a1 : tensor<f32>
  return %exp_f32_scalar_v2 : tensor<f32>
}
