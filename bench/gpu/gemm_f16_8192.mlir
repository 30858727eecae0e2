// Benchmark: 8192^3 f16 GEMM with f32 accumulation (tensor cores on sm_80+),
// against torch.matmul; scripts/gpu-check.sh also checks its numerics.
func.func @main(%a: tensor<8192x8192xf16>, %b: tensor<8192x8192xf16>) -> tensor<8192x8192xf16> {
  %0 = tg.matmul %a, %b : tensor<8192x8192xf16>, tensor<8192x8192xf16> -> tensor<8192x8192xf16>
  return %0 : tensor<8192x8192xf16>
}
