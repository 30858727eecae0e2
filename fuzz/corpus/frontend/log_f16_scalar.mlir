func.func @log_f16_scalar(%log_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %log_f16_scalar_v2 = tg.log %log_f16_scalar_a1 : tensor<f16>
  return %log_f16_scalar_v2 : tensor<f16>
}
