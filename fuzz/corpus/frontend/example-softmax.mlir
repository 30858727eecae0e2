// Softmax over the last axis of a batch of logits.
func.func @main(%x: tensor<8x1000xf32>) -> tensor<8x1000xf32> {
  %0 = tg.softmax %x axis = 1 : tensor<8x1000xf32>
  return %0 : tensor<8x1000xf32>
}
