func.func @g11(%g11_a1: tensor<3x67x1xf32>) -> (tensor<3x67x1xf32>, tensor<3x67x1xf32>) {
  %g11_v2 = tg.cos %g11_a1 : tensor<3x67x1xf32>
  %g11_v3 = tg.cast %g11_a1 : tensor<3x67x1xf32> to tensor<3x67x1xf32>
  return %g11_v3, %g11_v2 : tensor<3x67x1xf32>, tensor<3x67x1xf32>
}
