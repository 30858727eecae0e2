func.func @relu_i8_17(%relu_i8_17_a1: tensor<17xi8>) -> (tensor<17xi8>) {
  %relu_i8_17_v2 = tg.relu %relu_i8_17_a1 : tensor<17xi8>
  return %relu_i8_17_v2 : tensor<17xi8>
}
