func.func @g30(%g30_a1: tensor<3x1x6xf32>, %g30_a2: tensor<i32>) -> (tensor<1x6xf32>) {
  %g30_v3 = tg.gather %g30_a1[%g30_a2] : tensor<3x1x6xf32>, tensor<i32> -> tensor<1x6xf32>
  return %g30_v3 : tensor<1x6xf32>
}
