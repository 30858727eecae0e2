func.func @min_f16_2x3_2x3(%min_f16_2x3_2x3_a1: tensor<2x3xf16>, %min_f16_2x3_2x3_a2: tensor<2x3xf16>) -> (tensor<2x3xf16>) {
  %min_f16_2x3_2x3_v3 = tg.min %min_f16_2x3_2x3_a1, %min_f16_2x3_2x3_a2 : tensor<2x3xf16>, tensor<2x3xf16> -> tensor<2x3xf16>
  return %min_f16_2x3_2x3_v3 : tensor<2x3xf16>
}
