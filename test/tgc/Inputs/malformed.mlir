// A syntax error on line 3.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.exp %x : tensor<4xf32
  return %0 : tensor<4xf32>
}
