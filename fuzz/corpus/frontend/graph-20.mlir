func.func @g20(%g20_a1: tensor<3xf16>, %g20_a2: tensor<8x1x3xi1>, %g20_a4: tensor<f16>, %g20_a9: tensor<4x3xi32>) -> (tensor<4x3x1x3xf16>, tensor<8x1x3xf16>) {
  %g20_v3 = tg.select %g20_a2, %g20_a1, %g20_a1 : tensor<8x1x3xi1>, tensor<3xf16>, tensor<3xf16> -> tensor<8x1x3xf16>
  %g20_v5 = tg.max %g20_a4, %g20_v3 : tensor<f16>, tensor<8x1x3xf16> -> tensor<8x1x3xf16>
  %g20_v6 = tg.reduce_mean %g20_v5 axes = [0, 1, 2] : tensor<8x1x3xf16> -> tensor<f16>
  %g20_v7 = tg.layer_norm %g20_v5 axis = 0 epsilon = 1.0e-05 : tensor<8x1x3xf16>
  %g20_v8 = tg.add %g20_v6, %g20_v7 : tensor<f16>, tensor<8x1x3xf16> -> tensor<8x1x3xf16>
  %g20_v10 = tg.gather %g20_v3[%g20_a9] : tensor<8x1x3xf16>, tensor<4x3xi32> -> tensor<4x3x1x3xf16>
  %g20_v11 = tg.layer_norm %g20_v8 bias %g20_a1 axis = 2 epsilon = 1.000000e-03 : tensor<8x1x3xf16>, tensor<3xf16>
  %g20_v12 = tg.broadcast_to %g20_v10 : tensor<4x3x1x3xf16> -> tensor<4x3x1x3xf16>
  return %g20_v12, %g20_v11 : tensor<4x3x1x3xf16>, tensor<8x1x3xf16>
}
