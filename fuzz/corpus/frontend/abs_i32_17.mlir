func.func @abs_i32_17(%abs_i32_17_a1: tensor<17xi32>) -> (tensor<17xi32>) {
  %abs_i32_17_v2 = tg.abs %abs_i32_17_a1 : tensor<17xi32>
  return %abs_i32_17_v2 : tensor<17xi32>
}
