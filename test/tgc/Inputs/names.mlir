func.func @"my-model"(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.exp %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @"a b"(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.neg %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @a.b(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @"ünï"(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.abs %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
// A function named like another's kernel: the kernels get distinct names.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.sigmoid %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @main_kernel0(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.tanh %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
