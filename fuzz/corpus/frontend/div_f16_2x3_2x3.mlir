func.func @div_f16_2x3_2x3(%div_f16_2x3_2x3_a1: tensor<2x3xf16>, %div_f16_2x3_2x3_a2: tensor<2x3xf16>) -> (tensor<2x3xf16>) {
  %div_f16_2x3_2x3_v3 = tg.div %div_f16_2x3_2x3_a1, %div_f16_2x3_2x3_a2 : tensor<2x3xf16>, tensor<2x3xf16> -> tensor<2x3xf16>
  return %div_f16_2x3_2x3_v3 : tensor<2x3xf16>
}
