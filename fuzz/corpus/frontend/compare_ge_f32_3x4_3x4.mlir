func.func @compare_ge_f32_3x4_3x4(%compare_ge_f32_3x4_3x4_a1: tensor<3x4xf32>, %compare_ge_f32_3x4_3x4_a2: tensor<3x4xf32>) -> (tensor<3x4xi1>) {
  %compare_ge_f32_3x4_3x4_v3 = tg.compare ge, %compare_ge_f32_3x4_3x4_a1, %compare_ge_f32_3x4_3x4_a2 : tensor<3x4xf32>, tensor<3x4xf32> -> tensor<3x4xi1>
  return %compare_ge_f32_3x4_3x4_v3 : tensor<3x4xi1>
}
