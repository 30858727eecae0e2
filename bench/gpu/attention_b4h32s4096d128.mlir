// Attention at the size scripts/gpu-check.sh times against PyTorch's
// scaled_dot_product_attention: batch 4, 32 heads, 4096 tokens, head
// dimension 128, f32.
func.func @main(%q: tensor<4x32x4096x128xf32>, %k: tensor<4x32x4096x128xf32>,
                %v: tensor<4x32x4096x128xf32>) -> tensor<4x32x4096x128xf32> {
  %s = tg.matmul %q, %k transpose_b : tensor<4x32x4096x128xf32>, tensor<4x32x4096x128xf32> -> tensor<4x32x4096x4096xf32>
  %c = tg.constant dense<0.0883883476> : tensor<f32>
  %ss = tg.mul %s, %c : tensor<4x32x4096x4096xf32>, tensor<f32> -> tensor<4x32x4096x4096xf32>
  %p = tg.softmax %ss axis = 3 : tensor<4x32x4096x4096xf32>
  %o = tg.matmul %p, %v : tensor<4x32x4096x4096xf32>, tensor<4x32x4096x128xf32> -> tensor<4x32x4096x128xf32>
  return %o : tensor<4x32x4096x128xf32>
}
