func.func @g7(%g7_a1: tensor<8x1x2xf32>, %g7_a2: tensor<f16>, %g7_a5: tensor<4x2xf16>, %g7_a10: tensor<2x6xf16>) -> (tensor<8x1x2xf32>, tensor<4x6xf16>, tensor<8x1x2xi1>) {
  %g7_v3 = tg.cast %g7_a2 : tensor<f16> to tensor<f16>
  %g7_v4 = tg.silu %g7_a1 : tensor<8x1x2xf32>
  %g7_v6 = tg.add %g7_a5, %g7_v3 : tensor<4x2xf16>, tensor<f16> -> tensor<4x2xf16>
  %g7_v7 = tg.rsqrt %g7_a1 : tensor<8x1x2xf32>
  %g7_v8 = tg.reduce_max %g7_v4 axes = [1, 2] keep_dims : tensor<8x1x2xf32> -> tensor<8x1x1xf32>
  %g7_v9 = tg.compare ge, %g7_v7, %g7_v7 : tensor<8x1x2xf32>, tensor<8x1x2xf32> -> tensor<8x1x2xi1>
  %g7_v11 = tg.matmul %g7_v6, %g7_a10 : tensor<4x2xf16>, tensor<2x6xf16> -> tensor<4x6xf16>
  %g7_v12 = tg.add %g7_a1, %g7_v8 : tensor<8x1x2xf32>, tensor<8x1x1xf32> -> tensor<8x1x2xf32>
  return %g7_v12, %g7_v11, %g7_v9 : tensor<8x1x2xf32>, tensor<4x6xf16>, tensor<8x1x2xi1>
}
