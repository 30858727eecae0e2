func.func @max_bf16_2x3_2x3(%max_bf16_2x3_2x3_a1: tensor<2x3xbf16>, %max_bf16_2x3_2x3_a2: tensor<2x3xbf16>) -> (tensor<2x3xbf16>) {
  %max_bf16_2x3_2x3_v3 = tg.max %max_bf16_2x3_2x3_a1, %max_bf16_2x3_2x3_a2 : tensor<2x3xbf16>, tensor<2x3xbf16> -> tensor<2x3xbf16>
  return %max_bf16_2x3_2x3_v3 : tensor<2x3xbf16>
}
