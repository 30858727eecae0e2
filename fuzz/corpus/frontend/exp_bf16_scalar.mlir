func.func @exp_bf16_scalar(%exp_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %exp_bf16_scalar_v2 = tg.exp %exp_bf16_scalar_a1 : tensor<bf16>
  return %exp_bf16_scalar_v2 : tensor<bf16>
}
