func.func @matmul_i32_3x5_5x4(%matmul_i32_3x5_5x4_a1: tensor<3x5xi32>, %matmul_i32_3x5_5x4_a2: tensor<5x4xi32>) -> (tensor<3x4xi32>) {
  %matmul_i32_3x5_5x4_v3 = tg.matmul %matmul_i32_3x5_5x4_a1, %matmul_i32_3x5_5x4_a2 : tensor<3x5xi32>, tensor<5x4xi32> -> tensor<3x4xi32>
  return %matmul_i32_3x5_5x4_v3 : tensor<3x4xi32>
}
