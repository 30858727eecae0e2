func.func @gather_bf16_10x4_5(%gather_bf16_10x4_5_a1: tensor<10x4xbf16>, %gather_bf16_10x4_5_a2: tensor<5xi32>) -> (tensor<5x4xbf16>) {
  %gather_bf16_10x4_5_v3 = tg.gather %gather_bf16_10x4_5_a1[%gather_bf16_10x4_5_a2] : tensor<10x4xbf16>, tensor<5xi32> -> tensor<5x4xbf16>
  return %gather_bf16_10x4_5_v3 : tensor<5x4xbf16>
}
