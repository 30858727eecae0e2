func.func @g12(%g12_a1: tensor<8x4x2x5xi32>) -> (tensor<1x2x1x5xi32>, tensor<i32>, tensor<80x1x4xi32>) {
  %g12_v2 = tg.reshape %g12_a1 : tensor<8x4x2x5xi32> -> tensor<80x1x4xi32>
  %g12_v3 = tg.max %g12_a1, %g12_a1 : tensor<8x4x2x5xi32>, tensor<8x4x2x5xi32> -> tensor<8x4x2x5xi32>
  %g12_v4 = tg.reduce_sum %g12_a1 axes = [1, 0] keep_dims : tensor<8x4x2x5xi32> -> tensor<1x1x2x5xi32>
  %g12_v5 = tg.reduce_min %g12_v3 axes = [0, 1, 2, 3] : tensor<8x4x2x5xi32> -> tensor<i32>
  %g12_v6 = tg.transpose %g12_v4 permutation = [1, 2, 0, 3] : tensor<1x1x2x5xi32> -> tensor<1x2x1x5xi32>
  return %g12_v6, %g12_v5, %g12_v2 : tensor<1x2x1x5xi32>, tensor<i32>, tensor<80x1x4xi32>
}
