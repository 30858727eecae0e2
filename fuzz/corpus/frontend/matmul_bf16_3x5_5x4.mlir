func.func @matmul_bf16_3x5_5x4(%matmul_bf16_3x5_5x4_a1: tensor<3x5xbf16>, %matmul_bf16_3x5_5x4_a2: tensor<5x4xbf16>) -> (tensor<3x4xbf16>) {
  %matmul_bf16_3x5_5x4_v3 = tg.matmul %matmul_bf16_3x5_5x4_a1, %matmul_bf16_3x5_5x4_a2 : tensor<3x5xbf16>, tensor<5x4xbf16> -> tensor<3x4xbf16>
  return %matmul_bf16_3x5_5x4_v3 : tensor<3x4xbf16>
}
