func.func @gather_f16_10x4_5(%gather_f16_10x4_5_a1: tensor<10x4xf16>, %gather_f16_10x4_5_a2: tensor<5xi32>) -> (tensor<5x4xf16>) {
  %gather_f16_10x4_5_v3 = tg.gather %gather_f16_10x4_5_a1[%gather_f16_10x4_5_a2] : tensor<10x4xf16>, tensor<5xi32> -> tensor<5x4xf16>
  return %gather_f16_10x4_5_v3 : tensor<5x4xf16>
}
