// Benchmark: softmax over rows of 4096 (attention-score sized).
func.func @main(%x: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %0 = tg.softmax %x axis = 1 : tensor<4096x4096xf32>
  return %0 : tensor<4096x4096xf32>
}
