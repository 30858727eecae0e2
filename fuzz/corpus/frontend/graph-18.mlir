func.func @g18(%g18_a1: tensor<5xf32>, %g18_a2: tensor<3xf32>, %g18_a4: tensor<1x2x3xbf16>, %g18_a8: tensor<f32>) -> (tensor<1x1xbf16>, tensor<1x1x1xf32>, tensor<8xf32>, tensor<2x2x1xbf16>) {
  %g18_v3 = tg.concat %g18_a1, %g18_a2 axis = 0 : tensor<5xf32>, tensor<3xf32> -> tensor<8xf32>
  %g18_v5 = tg.matmul %g18_a4, %g18_a4 transpose_b : tensor<1x2x3xbf16>, tensor<1x2x3xbf16> -> tensor<1x2x2xbf16>
  %g18_v6 = tg.mul %g18_v3, %g18_v3 : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %g18_v7 = tg.transpose %g18_v5 permutation = [1, 2, 0] : tensor<1x2x2xbf16> -> tensor<2x2x1xbf16>
  %g18_v9 = tg.add %g18_v3, %g18_a8 : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %g18_v10 = tg.reduce_min %g18_v5 axes = [1, 2] : tensor<1x2x2xbf16> -> tensor<1xbf16>
  %g18_v11 = tg.reshape %g18_a8 : tensor<f32> -> tensor<1x1x1xf32>
  %g18_v12 = tg.reshape %g18_v10 : tensor<1xbf16> -> tensor<1x1xbf16>
  return %g18_v12, %g18_v11, %g18_v9, %g18_v7 : tensor<1x1xbf16>, tensor<1x1x1xf32>, tensor<8xf32>, tensor<2x2x1xbf16>
}
