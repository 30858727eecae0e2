func.func @cos_bf16_scalar(%cos_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %cos_bf16_scalar_v2 = tg.cos %cos_bf16_scalar_a1 : tensor<bf16>
  return %cos_bf16_scalar_v2 : tensor<bf16>
}
