func.func @sin_f16_scalar(%sin_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %sin_f16_scalar_v2 = tg.sin %sin_f16_scalar_a1 : tensor<f16>
  return %sin_f16_scalar_v2 : tensor<f16>
}
