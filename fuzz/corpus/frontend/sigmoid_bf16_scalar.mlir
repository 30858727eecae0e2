func.func @sigmoid_bf16_scalar(%sigmoid_bf16_scalar_a1: tensor<bf16>) -> (tensor<bf16>) {
  %sigmoid_bf16_scalar_v2 = tg.sigmoid %sigmoid_bf16_scalar_a1 : tensor<bf16>
  return %sigmoid_bf16_scalar_v2 : tensor<bf16>
}
