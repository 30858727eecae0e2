func.func @g40(%g40_a1: tensor<i8>, %g40_a2: tensor<bf16>, %g40_a8: tensor<3x6x2xf32>, %g40_a9: tensor<3x2x1xf32>) -> (tensor<3x6x1xf32>, tensor<1xbf16>, tensor<2xbf16>) {
  %g40_v3 = tg.constant dense<[-0.5705885291099548, -0.9355836510658264]> : tensor<2xbf16>
  %g40_v4 = tg.min %g40_a2, %g40_v3 : tensor<bf16>, tensor<2xbf16> -> tensor<2xbf16>
  %g40_v5 = tg.abs %g40_v3 : tensor<2xbf16>
  %g40_v6 = tg.sqrt %g40_v5 : tensor<2xbf16>
  %g40_v7 = tg.reduce_max %g40_v4 axes = [0] keep_dims : tensor<2xbf16> -> tensor<1xbf16>
  %g40_v10 = tg.matmul %g40_a8, %g40_a9 : tensor<3x6x2xf32>, tensor<3x2x1xf32> -> tensor<3x6x1xf32>
  %g40_v11 = tg.rms_norm %g40_v10 axis = 0 epsilon = 1.0e-06 : tensor<3x6x1xf32>
  return %g40_v11, %g40_v7, %g40_v6 : tensor<3x6x1xf32>, tensor<1xbf16>, tensor<2xbf16>
}
