func.func @select_i1_2x3_2x3_2x3(%select_i1_2x3_2x3_2x3_a1: tensor<2x3xi1>, %select_i1_2x3_2x3_2x3_a2: tensor<2x3xi1>, %select_i1_2x3_2x3_2x3_a3: tensor<2x3xi1>) -> (tensor<2x3xi1>) {
  %select_i1_2x3_2x3_2x3_v4 = tg.select %select_i1_2x3_2x3_2x3_a1, %select_i1_2x3_2x3_2x3_a2, %select_i1_2x3_2x3_2x3_a3 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  return %select_i1_2x3_2x3_2x3_v4 : tensor<2x3xi1>
}
