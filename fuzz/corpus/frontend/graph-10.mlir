func.func @g10(%g10_a1: tensor<1xf32>, %g10_a2: tensor<i32>) -> (tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) {
  %g10_v3 = tg.slice %g10_a1 start = [0] size = [1] stride = [3] : tensor<1xf32> -> tensor<1xf32>
  %g10_v4 = tg.reduce_mean %g10_v3 axes = [0] keep_dims : tensor<1xf32> -> tensor<1xf32>
  %g10_v5 = tg.exp %g10_v4 : tensor<1xf32>
  %g10_v6 = tg.slice %g10_v5 start = [0] size = [1] stride = [3] : tensor<1xf32> -> tensor<1xf32>
  %g10_v7 = tg.reduce_max %g10_v5 axes = [0] keep_dims : tensor<1xf32> -> tensor<1xf32>
  %g10_v8 = tg.reshape %g10_v7 : tensor<1xf32> -> tensor<1xf32>
  %g10_v9 = tg.slice %g10_v5 start = [0] size = [1] stride = [1] : tensor<1xf32> -> tensor<1xf32>
  return %g10_v9, %g10_v8, %g10_v6 : tensor<1xf32>, tensor<1xf32>, tensor<1xf32>
}
