func.func @sqrt_bf16_scalar(%sqrt_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %sqrt_bf16_scalar_v2 = tg.sqrt %sqrt_bf16_scalar_a1 : tensor<bf16>
  return %sqrt_bf16_scalar_v2 : tensor<bf16>
}
