func.func @mul_f32_2x3_2x3(%mul_f32_2x3_2x3_a1: tensor<2x3xf32>, %mul_f32_2x3_2x3_a2: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %mul_f32_2x3_2x3_v3 = tg.mul %mul_f32_2x3_2x3_a1, %mul_f32_2x3_2x3_a2 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %mul_f32_2x3_2x3_v3 : tensor<2x3xf32>
}
