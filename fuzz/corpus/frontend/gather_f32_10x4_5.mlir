func.func @gather_f32_10x4_5(%gather_f32_10x4_5_a1: tensor<10x4xf32>, %gather_f32_10x4_5_a2: tensor<5xi32>) -> (tensor<5x4xf32>) {
  %gather_f32_10x4_5_v3 = tg.gather %gather_f32_10x4_5_a1[%gather_f32_10x4_5_a2] : tensor<10x4xf32>, tensor<5xi32> -> tensor<5x4xf32>
  return %gather_f32_10x4_5_v3 : tensor<5x4xf32>
}
