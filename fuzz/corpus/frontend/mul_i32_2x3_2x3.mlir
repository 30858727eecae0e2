func.func @mul_i32_2x3_2x3(%mul_i32_2x3_2x3_a1: tensor<2x3xi32>, %mul_i32_2x3_2x3_a2: tensor<2x3xi32>) -> (tensor<2x3xi32>) {
  %mul_i32_2x3_2x3_v3 = tg.mul %mul_i32_2x3_2x3_a1, %mul_i32_2x3_2x3_a2 : tensor<2x3xi32>, tensor<2x3xi32> -> tensor<2x3xi32>
  return %mul_i32_2x3_2x3_v3 : tensor<2x3xi32>
}
