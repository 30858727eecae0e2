func.func @sin_bf16_scalar(%sin_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %sin_bf16_scalar_v2 = tg.sin %sin_bf16_scalar_a1 : tensor<bf16>
  return %sin_bf16_scalar_v2 : tensor<bf16>
}
