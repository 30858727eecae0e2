func.func @tanh_f16_scalar(%tanh_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %tanh_f16_scalar_v2 = tg.tanh %tanh_f16_scalar_a1 : tensor<f16>
  return %tanh_f16_scalar_v2 : tensor<f16>
}
