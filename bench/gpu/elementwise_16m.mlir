// Benchmark: a chain of five elementwise ops over 16M elements (one kernel).
func.func @main(%x: tensor<4096x4096xf32>, %y: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %0 = tg.mul %x, %y : tensor<4096x4096xf32>, tensor<4096x4096xf32> -> tensor<4096x4096xf32>
  %1 = tg.add %0, %x : tensor<4096x4096xf32>, tensor<4096x4096xf32> -> tensor<4096x4096xf32>
  %2 = tg.exp %1 : tensor<4096x4096xf32>
  %3 = tg.sigmoid %2 : tensor<4096x4096xf32>
  %4 = tg.sub %3, %y : tensor<4096x4096xf32>, tensor<4096x4096xf32> -> tensor<4096x4096xf32>
  return %4 : tensor<4096x4096xf32>
}
