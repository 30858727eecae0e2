func.func @g27(%g27_a1: tensor<2xf32>, %g27_a2: tensor<f32>) -> (tensor<1xf32>) {
  %g27_v3 = tg.slice %g27_a1 start = [0] size = [1] stride = [1] : tensor<2xf32> -> tensor<1xf32>
  return %g27_v3 : tensor<1xf32>
}
