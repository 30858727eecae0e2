func.func @compare_gt_f32_3x4_3x4(%compare_gt_f32_3x4_3x4_a1: tensor<3x4xf32>, %compare_gt_f32_3x4_3x4_a2: tensor<3x4xf32>) -> (tensor<3x4xi1>) {
  %compare_gt_f32_3x4_3x4_v3 = tg.compare gt, %compare_gt_f32_3x4_3x4_a1, %compare_gt_f32_3x4_3x4_a2 : tensor<3x4xf32>, tensor<3x4xf32> -> tensor<3x4xi1>
  return %compare_gt_f32_3x4_3x4_v3 : tensor<3x4xi1>
}
