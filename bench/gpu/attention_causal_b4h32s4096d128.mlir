// Causal attention at the size scripts/gpu-check.sh times: key j visible
// to query i when j <= i, as PyTorch's is_causal.
func.func @main(%q: tensor<4x32x4096x128xf32>, %k: tensor<4x32x4096x128xf32>,
                %v: tensor<4x32x4096x128xf32>) -> tensor<4x32x4096x128xf32> {
  %s = tg.matmul %q, %k transpose_b : tensor<4x32x4096x128xf32>, tensor<4x32x4096x128xf32> -> tensor<4x32x4096x4096xf32>
  %c = tg.constant dense<0.0883883476> : tensor<f32>
  %ss = tg.mul %s, %c : tensor<4x32x4096x4096xf32>, tensor<f32> -> tensor<4x32x4096x4096xf32>
  %i = tg.iota dimension = 2 : tensor<1x1x4096x4096xi32>
  %j = tg.iota dimension = 3 : tensor<1x1x4096x4096xi32>
  %visible = tg.compare le, %j, %i : tensor<1x1x4096x4096xi32>, tensor<1x1x4096x4096xi32> -> tensor<1x1x4096x4096xi1>
  %ninf = tg.constant dense<0xFF800000> : tensor<f32>
  %masked = tg.select %visible, %ss, %ninf : tensor<1x1x4096x4096xi1>, tensor<4x32x4096x4096xf32>, tensor<f32> -> tensor<4x32x4096x4096xf32>
  %p = tg.softmax %masked axis = 3 : tensor<4x32x4096x4096xf32>
  %o = tg.matmul %p, %v : tensor<4x32x4096x4096xf32>, tensor<4x32x4096x128xf32> -> tensor<4x32x4096x128xf32>
  return %o : tensor<4x32x4096x128xf32>
}
