func.func @compare_le_f32_3x4_3x4(%compare_le_f32_3x4_3x4_a1: tensor<3x4xf32>, %compare_le_f32_3x4_3x4_a2: tensor<3x4xf32>) -> (tensor<3x4xi1>) {
  %compare_le_f32_3x4_3x4_v3 = tg.compare le, %compare_le_f32_3x4_3x4_a1, %compare_le_f32_3x4_3x4_a2 : tensor<3x4xf32>, tensor<3x4xf32> -> tensor<3x4xi1>
  return %compare_le_f32_3x4_3x4_v3 : tensor<3x4xi1>
}
