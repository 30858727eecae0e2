func.func @rsqrt_bf16_scalar(%rsqrt_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %rsqrt_bf16_scalar_v2 = tg.rsqrt %rsqrt_bf16_scalar_a1 : tensor<bf16>
  return %rsqrt_bf16_scalar_v2 : tensor<bf16>
}
