func.func @g23(%g23_a1: tensor<5x1xi32>, %g23_a2: tensor<3x3x1xf32>, %g23_a3: tensor<1x1xf32>) -> (tensor<3x3x1xf32>) {
  %g23_v4 = tg.matmul %g23_a2, %g23_a3 : tensor<3x3x1xf32>, tensor<1x1xf32> -> tensor<3x3x1xf32>
  return %g23_v4 : tensor<3x3x1xf32>
}
