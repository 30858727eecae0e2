func.func @gather_i8_10x4_5(%gather_i8_10x4_5_a1: tensor<10x4xi8>, %gather_i8_10x4_5_a2: tensor<5xi32>) -> (tensor<5x4xi8>) {
  %gather_i8_10x4_5_v3 = tg.gather %gather_i8_10x4_5_a1[%gather_i8_10x4_5_a2] : tensor<10x4xi8>, tensor<5xi32> -> tensor<5x4xi8>
  return %gather_i8_10x4_5_v3 : tensor<5x4xi8>
}
