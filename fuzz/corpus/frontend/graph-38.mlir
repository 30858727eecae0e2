func.func @g38(%g38_a1: tensor<1x1xf32>, %g38_a2: tensor<3x1x1xi1>, %g38_a4: tensor<3x4x1xf32>) -> (tensor<3x1x4xf32>) {
  %g38_v3 = tg.select %g38_a2, %g38_a1, %g38_a1 : tensor<3x1x1xi1>, tensor<1x1xf32>, tensor<1x1xf32> -> tensor<3x1x1xf32>
  %g38_v5 = tg.matmul %g38_v3, %g38_a4 transpose_a transpose_b : tensor<3x1x1xf32>, tensor<3x4x1xf32> -> tensor<3x1x4xf32>
  return %g38_v5 : tensor<3x1x4xf32>
}
