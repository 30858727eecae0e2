func.func @rsqrt_f32_scalar(%rsqrt_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %rsqrt_f32_scalar_v2 = tg.rsqrt %rsqrt_f32_scalar_a1 : tensor<f32>
  return %rsqrt_f32_scalar_v2 : tensor<f32>
}
