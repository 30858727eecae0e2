func.func @reshape_i32_2x3x4(%reshape_i32_2x3x4_a1: tensor<2x3x4xi32>) -> (tensor<6x4xi32>) {
  %reshape_i32_2x3x4_v2 = tg.reshape %reshape_i32_2x3x4_a1 : tensor<2x3x4xi32> -> tensor<6x4xi32>
  return %reshape_i32_2x3x4_v2 : tensor<6x4xi32>
}
