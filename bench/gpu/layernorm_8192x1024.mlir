// Benchmark: layer_norm over 8192 rows of 1024 with scale and shift inputs.
func.func @main(%x: tensor<8192x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<8192x1024xf32> {
  %0 = tg.layer_norm %x weight %g bias %b axis = 1 epsilon = 1.0e-05 : tensor<8192x1024xf32>, tensor<1024xf32>, tensor<1024xf32>
  return %0 : tensor<8192x1024xf32>
}
