func.func @g14(%g14_a1: tensor<2x2x5xi32>, %g14_a2: tensor<8x2x8x3xf32>) -> (tensor<8x2x8x3xf32>) {
  %g14_v3 = tg.reduce_max %g14_a2 axes = [1, 3, 2] keep_dims : tensor<8x2x8x3xf32> -> tensor<8x1x1x1xf32>
  %g14_v4 = tg.pow %g14_a2, %g14_v3 : tensor<8x2x8x3xf32>, tensor<8x1x1x1xf32> -> tensor<8x2x8x3xf32>
  return %g14_v4 : tensor<8x2x8x3xf32>
}
