func.func @g17(%g17_a1: tensor<f16>, %g17_a2: tensor<3x1xf32>, %g17_a6: tensor<1xi32>) -> (tensor<3x1xf32>, tensor<1x1xbf16>, tensor<1x1xf32>) {
  %g17_v3 = tg.slice %g17_a2 start = [1, 0] size = [2, 1] stride = [1, 2] : tensor<3x1xf32> -> tensor<2x1xf32>
  %g17_v4 = tg.relu %g17_a2 : tensor<3x1xf32>
  %g17_v5 = tg.cast %g17_v4 : tensor<3x1xf32> to tensor<3x1xbf16>
  %g17_v7 = tg.gather %g17_v3[%g17_a6] : tensor<2x1xf32>, tensor<1xi32> -> tensor<1x1xf32>
  %g17_v8 = tg.slice %g17_v5 start = [2, 0] size = [1, 1] stride = [2, 1] : tensor<3x1xbf16> -> tensor<1x1xbf16>
  %g17_v9 = tg.max %g17_a2, %g17_a2 : tensor<3x1xf32>, tensor<3x1xf32> -> tensor<3x1xf32>
  return %g17_v9, %g17_v8, %g17_v7 : tensor<3x1xf32>, tensor<1x1xbf16>, tensor<1x1xf32>
}
