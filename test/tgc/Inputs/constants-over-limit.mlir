func.func @main(%x: tensor<4294967296xf32>) -> tensor<4294967296xf32> {
  %0 = tg.constant dense<1.0> : tensor<4294967296xf32>
  %1 = tg.constant dense<2.0> : tensor<4294967296xf32>
  %2 = tg.add %0, %1 : tensor<4294967296xf32>, tensor<4294967296xf32> -> tensor<4294967296xf32>
  %3 = tg.add %2, %x : tensor<4294967296xf32>, tensor<4294967296xf32> -> tensor<4294967296xf32>
  return %3 : tensor<4294967296xf32>
}
