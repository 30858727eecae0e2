func.func @g13(%g13_a1: tensor<6x1x1xbf16>, %g13_a2: tensor<8x4xi32>, %g13_a4: tensor<1x1xbf16>) -> (tensor<6x1x1xbf16>, tensor<1x1x1xbf16>, tensor<8x1xi32>, tensor<8x1xi1>) {
  %g13_v3 = tg.transpose %g13_a2 permutation = [0, 1] : tensor<8x4xi32> -> tensor<8x4xi32>
  %g13_v5 = tg.layer_norm %g13_a1 weight %g13_a4 bias %g13_a4 axis = 1 epsilon = 1.000000e-03 : tensor<6x1x1xbf16>, tensor<1x1xbf16>, tensor<1x1xbf16>
  %g13_v6 = tg.reduce_min %g13_a2 axes = [1] keep_dims : tensor<8x4xi32> -> tensor<8x1xi32>
  %g13_v7 = tg.constant dense<-5> : tensor<i32>
  %g13_v8 = tg.compare ge, %g13_v6, %g13_v7 : tensor<8x1xi32>, tensor<i32> -> tensor<8x1xi1>
  %g13_v9 = tg.sub %g13_v5, %g13_a4 : tensor<6x1x1xbf16>, tensor<1x1xbf16> -> tensor<6x1x1xbf16>
  %g13_v10 = tg.relu %g13_v6 : tensor<8x1xi32>
  %g13_v11 = tg.slice %g13_v9 start = [3, 0, 0] size = [1, 1, 1] stride = [2, 1, 1] : tensor<6x1x1xbf16> -> tensor<1x1x1xbf16>
  %g13_v12 = tg.softmax %g13_v5 axis = 1 : tensor<6x1x1xbf16>
  return %g13_v12, %g13_v11, %g13_v10, %g13_v8 : tensor<6x1x1xbf16>, tensor<1x1x1xbf16>, tensor<8x1xi32>, tensor<8x1xi1>
}
