func.func @gelu_f16_scalar(%gelu_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %gelu_f16_scalar_v2 = tg.gelu %gelu_f16_scalar_a1 : tensor<f16>
  return %gelu_f16_scalar_v2 : tensor<f16>
}
