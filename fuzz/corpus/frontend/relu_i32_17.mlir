func.func @relu_i32_17(%relu_i32_17_a1: tensor<17xi32>) -> (tensor<17xi32>) {
  %relu_i32_17_v2 = tg.relu %relu_i32_17_a1 : tensor<17xi32>
  return %relu_i32_17_v2 : tensor<17xi32>
}
