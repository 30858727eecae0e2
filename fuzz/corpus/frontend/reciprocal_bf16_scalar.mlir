func.func @reciprocal_bf16_scalar(%reciprocal_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %reciprocal_bf16_scalar_v2 = tg.reciprocal %reciprocal_bf16_scalar_a1 : tensor<bf16>
  return %reciprocal_bf16_scalar_v2 : tensor<bf16>
}
