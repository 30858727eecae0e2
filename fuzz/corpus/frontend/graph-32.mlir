func.func @g32(%g32_a1: tensor<4x5x5x5xi32>, %g32_a5: tensor<1x5x5x1xi32>, %g32_a8: tensor<1x5x4x5xi32>, %g32_a11: tensor<5x4x5xf16>) -> (tensor<1x5x4x5xf16>, tensor<1x5x1x4xi32>, tensor<1x5x5x1xi32>, tensor<4x5x5x1xi32>) {
  %g32_v2 = tg.neg %g32_a1 : tensor<4x5x5x5xi32>
  %g32_v3 = tg.neg %g32_v2 : tensor<4x5x5x5xi32>
  %g32_v4 = tg.add %g32_a1, %g32_v3 : tensor<4x5x5x5xi32>, tensor<4x5x5x5xi32> -> tensor<4x5x5x5xi32>
  %g32_v6 = tg.matmul %g32_v4, %g32_a5 transpose_a : tensor<4x5x5x5xi32>, tensor<1x5x5x1xi32> -> tensor<4x5x5x1xi32>
  %g32_v7 = tg.transpose %g32_a5 permutation = [3, 2, 1, 0] : tensor<1x5x5x1xi32> -> tensor<1x5x5x1xi32>
  %g32_v9 = tg.matmul %g32_a5, %g32_a8 transpose_a transpose_b : tensor<1x5x5x1xi32>, tensor<1x5x4x5xi32> -> tensor<1x5x1x4xi32>
  %g32_v10 = tg.cast %g32_a8 : tensor<1x5x4x5xi32> to tensor<1x5x4x5xf16>
  %g32_v12 = tg.layer_norm %g32_v10 bias %g32_a11 axis = 1 epsilon = 1.0e-06 : tensor<1x5x4x5xf16>, tensor<5x4x5xf16>
  return %g32_v12, %g32_v9, %g32_v7, %g32_v6 : tensor<1x5x4x5xf16>, tensor<1x5x1x4xi32>, tensor<1x5x5x1xi32>, tensor<4x5x5x1xi32>
}
