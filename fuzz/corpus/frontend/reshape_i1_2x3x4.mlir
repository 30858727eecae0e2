func.func @reshape_i1_2x3x4(%reshape_i1_2x3x4_a1: tensor<2x3x4xi1>) -> (tensor<6x4xi1>) {
  %reshape_i1_2x3x4_v2 = tg.reshape %reshape_i1_2x3x4_a1 : tensor<2x3x4xi1> -> tensor<6x4xi1>
  return %reshape_i1_2x3x4_v2 : tensor<6x4xi1>
}
