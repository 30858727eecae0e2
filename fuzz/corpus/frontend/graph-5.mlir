func.func @g5(%g5_a1: tensor<f16>, %g5_a2: tensor<1x33xi8>, %g5_a4: tensor<2x33xi1>) -> (tensor<2x33xi1>, tensor<1x1x1xf16>, tensor<66xi1>, tensor<2x33xi8>) {
  %g5_v3 = tg.concat %g5_a2, %g5_a2 axis = 0 : tensor<1x33xi8>, tensor<1x33xi8> -> tensor<2x33xi8>
  %g5_v5 = tg.select %g5_a4, %g5_a2, %g5_v3 : tensor<2x33xi1>, tensor<1x33xi8>, tensor<2x33xi8> -> tensor<2x33xi8>
  %g5_v6 = tg.reshape %g5_a4 : tensor<2x33xi1> -> tensor<66xi1>
  %g5_v7 = tg.reshape %g5_a1 : tensor<f16> -> tensor<1x1x1xf16>
  %g5_v8 = tg.cast %g5_a4 : tensor<2x33xi1> to tensor<2x33xi8>
  %g5_v9 = tg.compare le, %g5_v8, %g5_v8 : tensor<2x33xi8>, tensor<2x33xi8> -> tensor<2x33xi1>
  return %g5_v9, %g5_v7, %g5_v6, %g5_v5 : tensor<2x33xi1>, tensor<1x1x1xf16>, tensor<66xi1>, tensor<2x33xi8>
}
