func.func @gather_i32_10x4_5(%gather_i32_10x4_5_a1: tensor<10x4xi32>, %gather_i32_10x4_5_a2: tensor<5xi32>) -> (tensor<5x4xi32>) {
  %gather_i32_10x4_5_v3 = tg.gather %gather_i32_10x4_5_a1[%gather_i32_10x4_5_a2] : tensor<10x4xi32>, tensor<5xi32> -> tensor<5x4xi32>
  return %gather_i32_10x4_5_v3 : tensor<5x4xi32>
}
