// Matmuls with f16 and bf16 operands (f32 accumulation), the shapes the
// tensor-core strategies meet: tile multiples with a fused epilogue, small
// (64x64 tiles), not tile multiples, batched, and weights stored [N, K].
func.func @mlp_f16(%x: tensor<256x512xf16>, %w: tensor<512x384xf16>, %b: tensor<384xf16>) -> tensor<256x384xf16> {
  %y = tg.matmul %x, %w : tensor<256x512xf16>, tensor<512x384xf16> -> tensor<256x384xf16>
  %z = tg.add %y, %b : tensor<256x384xf16>, tensor<384xf16> -> tensor<256x384xf16>
  %r = tg.relu %z : tensor<256x384xf16>
  return %r : tensor<256x384xf16>
}

func.func @linear_bf16(%x: tensor<256x512xbf16>, %w: tensor<384x512xbf16>) -> tensor<256x384xbf16> {
  %y = tg.matmul %x, %w transpose_b : tensor<256x512xbf16>, tensor<384x512xbf16> -> tensor<256x384xbf16>
  return %y : tensor<256x384xbf16>
}

func.func @small_f16(%a: tensor<64x96xf16>, %b: tensor<96x64xf16>) -> tensor<64x64xf32> {
  %y = tg.matmul %a, %b : tensor<64x96xf16>, tensor<96x64xf16> -> tensor<64x64xf16>
  %f = tg.cast %y : tensor<64x64xf16> to tensor<64x64xf32>
  return %f : tensor<64x64xf32>
}

func.func @ragged_bf16(%a: tensor<3x100x40xbf16>, %b: tensor<3x40x72xbf16>) -> tensor<3x100x72xbf16> {
  %y = tg.matmul %a, %b : tensor<3x100x40xbf16>, tensor<3x40x72xbf16> -> tensor<3x100x72xbf16>
  return %y : tensor<3x100x72xbf16>
}
