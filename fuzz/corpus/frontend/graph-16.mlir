func.func @g16(%g16_a1: tensor<3x1x67xi32>, %g16_a2: tensor<1x3x1xf32>, %g16_a4: tensor<3x1xf32>, %g16_a7: tensor<i1>, %g16_a10: tensor<1x3xi32>) -> (tensor<67x3xi32>, tensor<1x67xi32>, tensor<1x3x1xf32>) {
  %g16_v3 = tg.reduce_min %g16_a1 axes = [0] : tensor<3x1x67xi32> -> tensor<1x67xi32>
  %g16_v5 = tg.rms_norm %g16_a2 weight %g16_a4 axis = 1 epsilon = 1.0e-05 : tensor<1x3x1xf32>, tensor<3x1xf32>
  %g16_v6 = tg.constant dense<[[-6, -1, -3, 3, -10, -5, 3, 3, -10, 9, 0, -9, -4, -5, -2, 8, 1, 4, 0, -7, 5, 2, -2, 5, -3, 0, 10, -1, 9, -10, 3, -7, 4, 6, 8, -1, -6, -2, 1, 9, 4, -7, -1, -10, 5, -3, -4, -9, -8, -7, -5, 5, -4, -8, 10, 8, -4, -3, -1, -7, -8, -5, 4, -7, 3, -1, 4]]> : tensor<1x67xi32>
  %g16_v8 = tg.select %g16_a7, %g16_v3, %g16_v6 : tensor<i1>, tensor<1x67xi32>, tensor<1x67xi32> -> tensor<1x67xi32>
  %g16_v9 = tg.add %g16_v3, %g16_v3 : tensor<1x67xi32>, tensor<1x67xi32> -> tensor<1x67xi32>
  %g16_v11 = tg.matmul %g16_v8, %g16_a10 transpose_a : tensor<1x67xi32>, tensor<1x3xi32> -> tensor<67x3xi32>
  return %g16_v11, %g16_v9, %g16_v5 : tensor<67x3xi32>, tensor<1x67xi32>, tensor<1x3x1xf32>
}
