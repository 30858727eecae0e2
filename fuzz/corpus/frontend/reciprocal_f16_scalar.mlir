func.func @reciprocal_f16_scalar(%reciprocal_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %reciprocal_f16_scalar_v2 = tg.reciprocal %reciprocal_f16_scalar_a1 : tensor<f16>
  return %reciprocal_f16_scalar_v2 : tensor<f16>
}
