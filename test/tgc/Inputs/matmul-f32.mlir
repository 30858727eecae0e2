// f32 matmuls, the shapes the tf32 tensor-core kernels (tgc --allow-tf32)
// meet: tile multiples with a fused epilogue, weights stored [N, K], small
// (64x64 tiles), and batched with sizes that are not tile multiples.
func.func @mlp_f32(%x: tensor<256x512xf32>, %w: tensor<512x384xf32>, %b: tensor<384xf32>) -> tensor<256x384xf32> {
  %y = tg.matmul %x, %w : tensor<256x512xf32>, tensor<512x384xf32> -> tensor<256x384xf32>
  %z = tg.add %y, %b : tensor<256x384xf32>, tensor<384xf32> -> tensor<256x384xf32>
  %r = tg.relu %z : tensor<256x384xf32>
  return %r : tensor<256x384xf32>
}

func.func @linear_f32(%x: tensor<256x512xf32>, %w: tensor<384x512xf32>) -> tensor<256x384xf32> {
  %y = tg.matmul %x, %w transpose_b : tensor<256x512xf32>, tensor<384x512xf32> -> tensor<256x384xf32>
  return %y : tensor<256x384xf32>
}

func.func @small_f32(%a: tensor<64x96xf32>, %b: tensor<96x64xf32>) -> tensor<64x64xf32> {
  %y = tg.matmul %a, %b : tensor<64x96xf32>, tensor<96x64xf32> -> tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}

func.func @ragged_f32(%a: tensor<3x100x40xf32>, %b: tensor<3x40x72xf32>) -> tensor<3x100x72xf32> {
  %y = tg.matmul %a, %b : tensor<3x100x40xf32>, tensor<3x40x72xf32> -> tensor<3x100x72xf32>
  return %y : tensor<3x100x72xf32>
}
