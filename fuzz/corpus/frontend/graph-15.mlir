func.func @g15(%g15_a1: tensor<6x67x4xbf16>, %g15_a2: tensor<2x3x130xf32>, %g15_a4: tensor<2x1x1xf32>, %g15_a6: tensor<2x1x1xf32>, %g15_a12: tensor<8x1x1x1xf32>) -> (tensor<8x1x1x1xf32>, tensor<2x2x10xf32>, tensor<2x3x130xf32>, tensor<2x1x1xf32>) {
  %g15_v3 = tg.slice %g15_a2 start = [0, 0, 61] size = [2, 2, 10] stride = [1, 2, 1] : tensor<2x3x130xf32> -> tensor<2x2x10xf32>
  %g15_v5 = tg.mul %g15_a4, %g15_v3 : tensor<2x1x1xf32>, tensor<2x2x10xf32> -> tensor<2x2x10xf32>
  %g15_v7 = tg.min %g15_a4, %g15_a6 : tensor<2x1x1xf32>, tensor<2x1x1xf32> -> tensor<2x1x1xf32>
  %g15_v8 = tg.sub %g15_v5, %g15_v5 : tensor<2x2x10xf32>, tensor<2x2x10xf32> -> tensor<2x2x10xf32>
  %g15_v9 = tg.reduce_sum %g15_a6 axes = [0, 1, 2] keep_dims : tensor<2x1x1xf32> -> tensor<1x1x1xf32>
  %g15_v10 = tg.add %g15_a6, %g15_a2 : tensor<2x1x1xf32>, tensor<2x3x130xf32> -> tensor<2x3x130xf32>
  %g15_v11 = tg.add %g15_v8, %g15_v8 : tensor<2x2x10xf32>, tensor<2x2x10xf32> -> tensor<2x2x10xf32>
  %g15_v13 = tg.matmul %g15_v9, %g15_a12 : tensor<1x1x1xf32>, tensor<8x1x1x1xf32> -> tensor<8x1x1x1xf32>
  return %g15_v13, %g15_v11, %g15_v10, %g15_v7 : tensor<8x1x1x1xf32>, tensor<2x2x10xf32>, tensor<2x3x130xf32>, tensor<2x1x1xf32>
}
