func.func @gelu_bf16_scalar(%gelu_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %gelu_bf16_scalar_v2 = tg.gelu %gelu_bf16_scalar_a1 : tensor<bf16>
  return %gelu_bf16_scalar_v2 : tensor<bf16>
}
