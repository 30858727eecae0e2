func.func @g25(%g25_a1: tensor<1x1x1xi8>) -> (tensor<1x1x1xi8>, tensor<1x1xi8>, tensor<1x1x1xi8>) {
  %g25_v2 = tg.relu %g25_a1 : tensor<1x1x1xi8>
  %g25_v3 = tg.transpose %g25_a1 permutation = [1, 0, 2] : tensor<1x1x1xi8> -> tensor<1x1x1xi8>
  %g25_v4 = tg.reduce_max %g25_v3 axes = [0, 1, 2] keep_dims : tensor<1x1x1xi8> -> tensor<1x1x1xi8>
  %g25_v5 = tg.reshape %g25_v3 : tensor<1x1x1xi8> -> tensor<1x1xi8>
  %g25_v6 = tg.reduce_max %g25_v4 axes = [0] keep_dims : tensor<1x1x1xi8> -> tensor<1x1x1xi8>
  return %g25_v6, %g25_v5, %g25_v2 : tensor<1x1x1xi8>, tensor<1x1xi8>, tensor<1x1x1xi8>
}
