func.func @g26(%g26_a1: tensor<33x6xf16>, %g26_a6: tensor<6xf16>) -> (tensor<22x9x1x1xf16>, tensor<33x6xi1>, tensor<f16>) {
  %g26_v2 = tg.compare ne, %g26_a1, %g26_a1 : tensor<33x6xf16>, tensor<33x6xf16> -> tensor<33x6xi1>
  %g26_v3 = tg.reduce_min %g26_a1 axes = [0, 1] : tensor<33x6xf16> -> tensor<f16>
  %g26_v4 = tg.div %g26_v3, %g26_v3 : tensor<f16>, tensor<f16> -> tensor<f16>
  %g26_v5 = tg.sub %g26_v4, %g26_v3 : tensor<f16>, tensor<f16> -> tensor<f16>
  %g26_v7 = tg.rms_norm %g26_a1 weight %g26_a6 axis = 1 epsilon = 1.000000e-03 : tensor<33x6xf16>, tensor<6xf16>
  %g26_v8 = tg.transpose %g26_v2 permutation = [0, 1] : tensor<33x6xi1> -> tensor<33x6xi1>
  %g26_v9 = tg.reshape %g26_v7 : tensor<33x6xf16> -> tensor<22x9x1x1xf16>
  return %g26_v9, %g26_v8, %g26_v5 : tensor<22x9x1x1xf16>, tensor<33x6xi1>, tensor<f16>
}
