func.func @sigmoid_f32_scalar(%sigmoid_f32_scalar_a1: tensor<f32>) -> (tensor<f32>) {
  %sigmoid_f32_scalar_v2 = tg.sigmoid %sigmoid_f32_scalar_a1 : tensor<f32>
  return %sigmoid_f32_scalar_v2 : tensor<f32>
}
