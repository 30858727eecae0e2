// Benchmark: 2048^3 f32 matmul with bias and gelu fused as its epilogue.
func.func @main(%a: tensor<2048x2048xf32>, %b: tensor<2048x2048xf32>, %bias: tensor<2048xf32>) -> tensor<2048x2048xf32> {
  %0 = tg.matmul %a, %b : tensor<2048x2048xf32>, tensor<2048x2048xf32> -> tensor<2048x2048xf32>
  %1 = tg.add %0, %bias : tensor<2048x2048xf32>, tensor<2048xf32> -> tensor<2048x2048xf32>
  %2 = tg.gelu %1 : tensor<2048x2048xf32>
  return %2 : tensor<2048x2048xf32>
}
