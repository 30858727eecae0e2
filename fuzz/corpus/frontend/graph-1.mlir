func.func @g1(%g1_a1: tensor<8x1x2xi32>, %g1_a2: tensor<1x4x2x3xi8>) -> (tensor<1x1x2xi32>, tensor<1x4xi8>, tensor<1x4x2x3xi8>, tensor<8x1x2xi32>) {
  %g1_v3 = tg.relu %g1_a1 : tensor<8x1x2xi32>
  %g1_v4 = tg.relu %g1_a2 : tensor<1x4x2x3xi8>
  %g1_v5 = tg.reduce_sum %g1_a2 axes = [2, 3] : tensor<1x4x2x3xi8> -> tensor<1x4xi8>
  %g1_v6 = tg.slice %g1_a1 start = [6, 0, 0] size = [1, 1, 2] stride = [2, 3, 1] : tensor<8x1x2xi32> -> tensor<1x1x2xi32>
  return %g1_v6, %g1_v5, %g1_v4, %g1_v3 : tensor<1x1x2xi32>, tensor<1x4xi8>, tensor<1x4x2x3xi8>, tensor<8x1x2xi32>
}
