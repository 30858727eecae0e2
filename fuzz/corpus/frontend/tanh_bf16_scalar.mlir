func.func @tanh_bf16_scalar(%tanh_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %tanh_bf16_scalar_v2 = tg.tanh %tanh_bf16_scalar_a1 : tensor<bf16>
  return %tanh_bf16_scalar_v2 : tensor<bf16>
}
