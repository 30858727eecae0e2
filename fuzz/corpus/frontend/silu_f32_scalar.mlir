func.func @silu_f32_scalar(%silu_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %silu_f32_scalar_v2 = tg.silu %silu_f32_scalar_a1 : tensor<f32>
  return %silu_f32_scalar_v2 : tensor<f32>
}
