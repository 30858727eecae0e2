func.func @g24(%g24_a1: tensor<3x3x4xi32>) -> (tensor<3x3x4xi32>, tensor<3x3x4xi32>, tensor<3x3x4xi32>) {
  %g24_v2 = tg.transpose %g24_a1 permutation = [0, 1, 2] : tensor<3x3x4xi32> -> tensor<3x3x4xi32>
  %g24_v3 = tg.cast %g24_v2 : tensor<3x3x4xi32> to tensor<3x3x4xi32>
  %g24_v4 = tg.sub %g24_a1, %g24_v2 : tensor<3x3x4xi32>, tensor<3x3x4xi32> -> tensor<3x3x4xi32>
  %g24_v5 = tg.broadcast_to %g24_v2 : tensor<3x3x4xi32> -> tensor<3x3x4xi32>
  return %g24_v5, %g24_v4, %g24_v3 : tensor<3x3x4xi32>, tensor<3x3x4xi32>, tensor<3x3x4xi32>
}
