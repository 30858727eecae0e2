func.func @g28(%g28_a1: tensor<8xf32>, %g28_a2: tensor<8xf32>, %g28_a3: tensor<f32>, %g28_a5: tensor<8xi32>, %g28_a8: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %g28_v4 = tg.min %g28_a3, %g28_a2 : tensor<f32>, tensor<8xf32> -> tensor<8xf32>
  %g28_v6 = tg.gather %g28_a2[%g28_a5] : tensor<8xf32>, tensor<8xi32> -> tensor<8xf32>
  %g28_v7 = tg.pow %g28_v6, %g28_v6 : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %g28_v9 = tg.layer_norm %g28_v4 bias %g28_a8 axis = 0 epsilon = 1.000000e-03 : tensor<8xf32>, tensor<8xf32>
  %g28_v10 = tg.min %g28_a1, %g28_v9 : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %g28_v11 = tg.sin %g28_v4 : tensor<8xf32>
  return %g28_v11, %g28_v10, %g28_v7 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
