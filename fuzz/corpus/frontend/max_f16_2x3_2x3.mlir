func.func @max_f16_2x3_2x3(%max_f16_2x3_2x3_a1: tensor<2x3xf16>, %max_f16_2x3_2x3_a2: tensor<2x3xf16>) -> (tensor<2x3xf16>) {
  %max_f16_2x3_2x3_v3 = tg.max %max_f16_2x3_2x3_a1, %max_f16_2x3_2x3_a2 : tensor<2x3xf16>, tensor<2x3xf16> -> tensor<2x3xf16>
  return %max_f16_2x3_2x3_v3 : tensor<2x3xf16>
}
