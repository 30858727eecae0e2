func.func @log_bf16_scalar(%log_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %log_bf16_scalar_v2 = tg.log %log_bf16_scalar_a1 : tensor<bf16>
  return %log_bf16_scalar_v2 : tensor<bf16>
}
