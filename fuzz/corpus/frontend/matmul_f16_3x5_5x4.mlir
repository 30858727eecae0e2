func.func @matmul_f16_3x5_5x4(%matmul_f16_3x5_5x4_a1: tensor<3x5xf16>, %matmul_f16_3x5_5x4_a2: tensor<5x4xf16>) -> (tensor<3x4xf16>) {
  %matmul_f16_3x5_5x4_v3 = tg.matmul %matmul_f16_3x5_5x4_a1, %matmul_f16_3x5_5x4_a2 : tensor<3x5xf16>, tensor<5x4xf16> -> tensor<3x4xf16>
  return %matmul_f16_3x5_5x4_v3 : tensor<3x4xf16>
}
