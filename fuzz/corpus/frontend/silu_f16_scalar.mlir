func.func @silu_f16_scalar(%silu_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %silu_f16_scalar_v2 = tg.silu %silu_f16_scalar_a1 : tensor<f16>
  return %silu_f16_scalar_v2 : tensor<f16>
}
