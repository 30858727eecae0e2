func.func @rsqrt_f16_scalar(%rsqrt_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %rsqrt_f16_scalar_v2 = tg.rsqrt %rsqrt_f16_scalar_a1 : tensor<f16>
  return %rsqrt_f16_scalar_v2 : tensor<f16>
}
