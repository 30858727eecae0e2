func.func @log_f32_scalar(%log_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %log_f32_scalar_v2 = tg.log %log_f32_scalar_a1 : tensor<f32>
  return %log_f32_scalar_v2 : tensor<f32>
}
