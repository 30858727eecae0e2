func.func @g4(%g4_a1: tensor<4x3x4x4xi32>, %g4_a2: tensor<1x5xf32>, %g4_a3: tensor<8x1x5xf32>, %g4_a6: tensor<8x5xf32>, %g4_a9: tensor<8x6xf32>) -> (tensor<8x5xbf16>, tensor<8x17xf32>, tensor<8x1x8xf32>, tensor<1x5xi1>) {
  %g4_v4 = tg.pow %g4_a3, %g4_a2 : tensor<8x1x5xf32>, tensor<1x5xf32> -> tensor<8x1x5xf32>
  %g4_v5 = tg.cast %g4_a2 : tensor<1x5xf32> to tensor<1x5xi1>
  %g4_v7 = tg.matmul %g4_a3, %g4_a6 transpose_b : tensor<8x1x5xf32>, tensor<8x5xf32> -> tensor<8x1x8xf32>
  %g4_v8 = tg.cast %g4_a6 : tensor<8x5xf32> to tensor<8x5xbf16>
  %g4_v10 = tg.concat %g4_a6, %g4_a9, %g4_a9 axis = 1 : tensor<8x5xf32>, tensor<8x6xf32>, tensor<8x6xf32> -> tensor<8x17xf32>
  %g4_v11 = tg.max %g4_v8, %g4_v8 : tensor<8x5xbf16>, tensor<8x5xbf16> -> tensor<8x5xbf16>
  return %g4_v11, %g4_v10, %g4_v7, %g4_v5 : tensor<8x5xbf16>, tensor<8x17xf32>, tensor<8x1x8xf32>, tensor<1x5xi1>
}
