func.func @gather_i1_10x4_5(%gather_i1_10x4_5_a1: tensor<10x4xi1>, %gather_i1_10x4_5_a2: tensor<5xi32>) -> (tensor<5x4xi1>) {
  %gather_i1_10x4_5_v3 = tg.gather %gather_i1_10x4_5_a1[%gather_i1_10x4_5_a2] : tensor<10x4xi1>, tensor<5xi32> -> tensor<5x4xi1>
  return %gather_i1_10x4_5_v3 : tensor<5x4xi1>
}
