func.func @g35(%g35_a1: tensor<3x1x33xf16>) -> (tensor<3x1x33xf16>) {
  %g35_v2 = tg.constant dense<4.118894100189209> : tensor<3x1x33xf16>
  %g35_v3 = tg.add %g35_v2, %g35_a1 : tensor<3x1x33xf16>, tensor<3x1x33xf16> -> tensor<3x1x33xf16>
  return %g35_v3 : tensor<3x1x33xf16>
}
