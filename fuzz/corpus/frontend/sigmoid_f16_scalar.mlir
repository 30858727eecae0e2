func.func @sigmoid_f16_scalar(%sigmoid_f16_scalar_a1: tensor<f16>) -> (tensor<f16>) {
  %sigmoid_f16_scalar_v2 = tg.sigmoid %sigmoid_f16_scalar_a1 : tensor<f16>
  return %sigmoid_f16_scalar_v2 : tensor<f16>
}
