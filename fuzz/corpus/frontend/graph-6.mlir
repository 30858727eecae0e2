func.func @g6(%g6_a1: tensor<2x3xbf16>, %g6_a2: tensor<6x1x6x6xf32>, %g6_a3: tensor<i32>, %g6_a6: tensor<1x5x6xf32>) -> (tensor<6x1x6x5xf32>, tensor<216xf32>, tensor<1x6x6xf32>) {
  %g6_v4 = tg.gather %g6_a2[%g6_a3] : tensor<6x1x6x6xf32>, tensor<i32> -> tensor<1x6x6xf32>
  %g6_v5 = tg.reshape %g6_a2 : tensor<6x1x6x6xf32> -> tensor<216xf32>
  %g6_v7 = tg.matmul %g6_a2, %g6_a6 transpose_a transpose_b : tensor<6x1x6x6xf32>, tensor<1x5x6xf32> -> tensor<6x1x6x5xf32>
  %g6_v8 = tg.abs %g6_v7 : tensor<6x1x6x5xf32>
  return %g6_v8, %g6_v5, %g6_v4 : tensor<6x1x6x5xf32>, tensor<216xf32>, tensor<1x6x6xf32>
}
