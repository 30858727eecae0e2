func.func @g22(%g22_a1: tensor<1x1x3xi32>, %g22_a2: tensor<1x3x4xi32>, %g22_a7: tensor<4x1x1x3xi32>) -> (tensor<3x1x1x1xf16>, tensor<3xi32>, tensor<1x3x4xi1>) {
  %g22_v3 = tg.matmul %g22_a1, %g22_a2 : tensor<1x1x3xi32>, tensor<1x3x4xi32> -> tensor<1x1x4xi32>
  %g22_v4 = tg.compare lt, %g22_v3, %g22_a2 : tensor<1x1x4xi32>, tensor<1x3x4xi32> -> tensor<1x3x4xi1>
  %g22_v5 = tg.relu %g22_a1 : tensor<1x1x3xi32>
  %g22_v6 = tg.reshape %g22_v5 : tensor<1x1x3xi32> -> tensor<3xi32>
  %g22_v8 = tg.div %g22_a7, %g22_v5 : tensor<4x1x1x3xi32>, tensor<1x1x3xi32> -> tensor<4x1x1x3xi32>
  %g22_v9 = tg.slice %g22_v8 start = [0, 0, 0, 1] size = [3, 1, 1, 1] stride = [1, 2, 3, 1] : tensor<4x1x1x3xi32> -> tensor<3x1x1x1xi32>
  %g22_v10 = tg.cast %g22_v9 : tensor<3x1x1x1xi32> to tensor<3x1x1x1xf16>
  return %g22_v10, %g22_v6, %g22_v4 : tensor<3x1x1x1xf16>, tensor<3xi32>, tensor<1x3x4xi1>
}
