func.func @g29(%g29_a1: tensor<4x4x33xf32>, %g29_a9: tensor<1x4x4xi1>) -> (tensor<4x1x4xi1>, tensor<4x4x33xf32>, tensor<1x4x4xf32>, tensor<4x4x33xf32>) {
  %g29_v2 = tg.constant dense<1.9525645971298218> : tensor<4x4x33xf32>
  %g29_v3 = tg.div %g29_v2, %g29_a1 : tensor<4x4x33xf32>, tensor<4x4x33xf32> -> tensor<4x4x33xf32>
  %g29_v4 = tg.reduce_sum %g29_a1 axes = [2] : tensor<4x4x33xf32> -> tensor<4x4xf32>
  %g29_v5 = tg.tanh %g29_a1 : tensor<4x4x33xf32>
  %g29_v6 = tg.abs %g29_v4 : tensor<4x4xf32>
  %g29_v7 = tg.rsqrt %g29_v6 : tensor<4x4xf32>
  %g29_v8 = tg.sub %g29_v3, %g29_v3 : tensor<4x4x33xf32>, tensor<4x4x33xf32> -> tensor<4x4x33xf32>
  %g29_v10 = tg.select %g29_a9, %g29_v7, %g29_v6 : tensor<1x4x4xi1>, tensor<4x4xf32>, tensor<4x4xf32> -> tensor<1x4x4xf32>
  %g29_v11 = tg.sin %g29_v3 : tensor<4x4x33xf32>
  %g29_v12 = tg.transpose %g29_a9 permutation = [1, 0, 2] : tensor<1x4x4xi1> -> tensor<4x1x4xi1>
  return %g29_v12, %g29_v11, %g29_v10, %g29_v8 : tensor<4x1x4xi1>, tensor<4x4x33xf32>, tensor<1x4x4xf32>, tensor<4x4x33xf32>
}
