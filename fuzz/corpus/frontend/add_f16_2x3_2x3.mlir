func.func @add_f16_2x3_2x3(%add_f16_2x3_2x3_a1: tensor<2x3xf16>, %add_f16_2x3_2x3_a2: tensor<2x3xf16>) -> (tensor<2x3xf16>) {
  %add_f16_2x3_2x3_v3 = tg.add %add_f16_2x3_2x3_a1, %add_f16_2x3_2x3_a2 : tensor<2x3xf16>, tensor<2x3xf16> -> tensor<2x3xf16>
  return %add_f16_2x3_2x3_v3 : tensor<2x3xf16>
}
