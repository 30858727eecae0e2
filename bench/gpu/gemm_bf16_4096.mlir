// Benchmark: 4096^3 bf16 GEMM with f32 accumulation (tensor cores on sm_80+),
// against torch.matmul; scripts/gpu-check.sh also checks its numerics.
func.func @main(%a: tensor<4096x4096xbf16>, %b: tensor<4096x4096xbf16>) -> tensor<4096x4096xbf16> {
  %0 = tg.matmul %a, %b : tensor<4096x4096xbf16>, tensor<4096x4096xbf16> -> tensor<4096x4096xbf16>
  return %0 : tensor<4096x4096xbf16>
}
