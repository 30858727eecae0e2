func.func @transpose10_i32_3x5(%transpose10_i32_3x5_a1: tensor<3x5xi32>) -> (tensor<5x3xi32>) {
  %transpose10_i32_3x5_v2 = tg.transpose %transpose10_i32_3x5_a1 permutation = [1, 0] : tensor<3x5xi32> -> tensor<5x3xi32>
  return %transpose10_i32_3x5_v2 : tensor<5x3xi32>
}
