func.func @matmul_f32_3x5_5x4(%matmul_f32_3x5_5x4_a1: tensor<3x5xf32>, %matmul_f32_3x5_5x4_a2: tensor<5x4xf32>) -> (tensor<3x4xf32>) {
  %matmul_f32_3x5_5x4_v3 = tg.matmul %matmul_f32_3x5_5x4_a1, %matmul_f32_3x5_5x4_a2 : tensor<3x5xf32>, tensor<5x4xf32> -> tensor<3x4xf32>
  return %matmul_f32_3x5_5x4_v3 : tensor<3x4xf32>
}
