func.func @sqrt_f16_scalar(%sqrt_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %sqrt_f16_scalar_v2 = tg.sqrt %sqrt_f16_scalar_a1 : tensor<f16>
  return %sqrt_f16_scalar_v2 : tensor<f16>
}
