func.func @relu_f32_17(%relu_f32_17_a1: tensor<17xf32>) -> (tensor<17xf32>) {
  %relu_f32_17_v2 = tg.relu %relu_f32_17_a1 : tensor<17xf32>
  return %relu_f32_17_v2 : tensor<17xf32>
}
