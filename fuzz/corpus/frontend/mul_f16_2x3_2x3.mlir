func.func @mul_f16_2x3_2x3(%mul_f16_2x3_2x3_a1: tensor<2x3xf16>, %mul_f16_2x3_2x3_a2: tensor<2x3xf16>) -> (tensor<2x3xf16>) {
  %mul_f16_2x3_2x3_v3 = tg.mul %mul_f16_2x3_2x3_a1, %mul_f16_2x3_2x3_a2 : tensor<2x3xf16>, tensor<2x3xf16> -> tensor<2x3xf16>
  return %mul_f16_2x3_2x3_v3 : tensor<2x3xf16>
}
