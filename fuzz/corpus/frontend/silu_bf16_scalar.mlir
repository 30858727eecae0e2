func.func @silu_bf16_scalar(%silu_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %silu_bf16_scalar_v2 = tg.silu %silu_bf16_scalar_a1 : tensor<bf16>
  return %silu_bf16_scalar_v2 : tensor<bf16>
}
