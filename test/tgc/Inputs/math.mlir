// Every transcendental tg op in one elementwise kernel.
func.func @main(%x: tensor<1024xf32>, %y: tensor<1024xf32>) -> tensor<1024xf32> {
  %0 = tg.exp %x : tensor<1024xf32>
  %1 = tg.log %0 : tensor<1024xf32>
  %2 = tg.tanh %1 : tensor<1024xf32>
  %3 = tg.gelu %2 : tensor<1024xf32>
  %4 = tg.sin %3 : tensor<1024xf32>
  %5 = tg.cos %4 : tensor<1024xf32>
  %6 = tg.pow %5, %y : tensor<1024xf32>, tensor<1024xf32> -> tensor<1024xf32>
  %7 = tg.sigmoid %6 : tensor<1024xf32>
  %8 = tg.rsqrt %7 : tensor<1024xf32>
  return %8 : tensor<1024xf32>
}
