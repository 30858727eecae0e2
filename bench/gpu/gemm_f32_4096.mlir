// Benchmark: 4096^3 f32 GEMM. Compiled with tgc --allow-tf32, it runs on
// tf32 tensor cores (sm_80+, operands rounded to tf32), against torch.matmul
// with torch.backends.cuda.matmul.allow_tf32 = True; scripts/gpu-check.sh
// also checks its numerics against torch's exact f32 product.
func.func @main(%a: tensor<4096x4096xf32>, %b: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %0 = tg.matmul %a, %b : tensor<4096x4096xf32>, tensor<4096x4096xf32> -> tensor<4096x4096xf32>
  return %0 : tensor<4096x4096xf32>
}
