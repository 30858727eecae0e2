func.func @exp_f16_scalar(%exp_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %exp_f16_scalar_v2 = tg.exp %exp_f16_scalar_a1 : tensor<f16>
  return %exp_f16_scalar_v2 : tensor<f16>
}
