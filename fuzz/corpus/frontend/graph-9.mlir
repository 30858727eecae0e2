func.func @g9(%g9_a1: tensor<2x5x5x5xf32>, %g9_a2: tensor<4x1x6xf16>) -> (tensor<2x5x5x5xf16>, tensor<1x4x1x1xf32>) {
  %g9_v3 = tg.abs %g9_a1 : tensor<2x5x5x5xf32>
  %g9_v4 = tg.log %g9_v3 : tensor<2x5x5x5xf32>
  %g9_v5 = tg.cast %g9_v4 : tensor<2x5x5x5xf32> to tensor<2x5x5x5xf16>
  %g9_v6 = tg.slice %g9_v3 start = [1, 0, 1, 0] size = [1, 4, 1, 1] stride = [3, 1, 2, 2] : tensor<2x5x5x5xf32> -> tensor<1x4x1x1xf32>
  %g9_v7 = tg.sub %g9_v5, %g9_v5 : tensor<2x5x5x5xf16>, tensor<2x5x5x5xf16> -> tensor<2x5x5x5xf16>
  return %g9_v7, %g9_v6 : tensor<2x5x5x5xf16>, tensor<1x4x1x1xf32>
}
