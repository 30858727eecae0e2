func.func @cos_f16_scalar(%cos_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %cos_f16_scalar_v2 = tg.cos %cos_f16_scalar_a1 : tensor<f16>
  return %cos_f16_scalar_v2 : tensor<f16>
}
