func.func @g34(%g34_a1: tensor<f32>) -> (tensor<f32>) {
  %g34_v2 = tg.broadcast_to %g34_a1 : tensor<f32> -> tensor<f32>
  return %g34_v2 : tensor<f32>
}
