func.func @g33(%g33_a1: tensor<4x4xf32>, %g33_a2: tensor<1x1xf32>) -> (tensor<4x4xf32>, tensor<1x1xf32>, tensor<16xf32>, tensor<4x4xf32>) {
  %g33_v3 = tg.max %g33_a2, %g33_a1 : tensor<1x1xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  %g33_v4 = tg.reduce_mean %g33_v3 axes = [0, 1] : tensor<4x4xf32> -> tensor<f32>
  %g33_v5 = tg.reshape %g33_a1 : tensor<4x4xf32> -> tensor<16xf32>
  %g33_v6 = tg.softmax %g33_v3 axis = 1 : tensor<4x4xf32>
  %g33_v7 = tg.reshape %g33_v4 : tensor<f32> -> tensor<1xf32>
  %g33_v8 = tg.div %g33_v7, %g33_v5 : tensor<1xf32>, tensor<16xf32> -> tensor<16xf32>
  %g33_v9 = tg.reshape %g33_v7 : tensor<1xf32> -> tensor<1x1xf32>
  %g33_v10 = tg.rms_norm %g33_a1 weight %g33_v3 axis = 0 epsilon = 1.0e-05 : tensor<4x4xf32>, tensor<4x4xf32>
  return %g33_v10, %g33_v9, %g33_v8, %g33_v6 : tensor<4x4xf32>, tensor<1x1xf32>, tensor<16xf32>, tensor<4x4xf32>
}
