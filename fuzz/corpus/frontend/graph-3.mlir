func.func @g3(%g3_a1: tensor<1xf16>, %g3_a6: tensor<8x1x1xf16>, %g3_a8: tensor<1xf16>, %g3_a11: tensor<8x1x8xf16>) -> (tensor<8x1x8xf16>, tensor<8x1x1xf16>, tensor<8x1x1xf16>, tensor<8x1x1xf16>) {
  %g3_v2 = tg.abs %g3_a1 : tensor<1xf16>
  %g3_v3 = tg.rsqrt %g3_v2 : tensor<1xf16>
  %g3_v4 = tg.div %g3_v2, %g3_a1 : tensor<1xf16>, tensor<1xf16> -> tensor<1xf16>
  %g3_v5 = tg.add %g3_v4, %g3_v2 : tensor<1xf16>, tensor<1xf16> -> tensor<1xf16>
  %g3_v7 = tg.max %g3_v5, %g3_a6 : tensor<1xf16>, tensor<8x1x1xf16> -> tensor<8x1x1xf16>
  %g3_v9 = tg.sub %g3_a6, %g3_a8 : tensor<8x1x1xf16>, tensor<1xf16> -> tensor<8x1x1xf16>
  %g3_v10 = tg.add %g3_a8, %g3_a6 : tensor<1xf16>, tensor<8x1x1xf16> -> tensor<8x1x1xf16>
  %g3_v12 = tg.matmul %g3_a6, %g3_a11 : tensor<8x1x1xf16>, tensor<8x1x8xf16> -> tensor<8x1x8xf16>
  return %g3_v12, %g3_v10, %g3_v9, %g3_v7 : tensor<8x1x8xf16>, tensor<8x1x1xf16>, tensor<8x1x1xf16>, tensor<8x1x1xf16>
}
