// f16/bf16 matmuls the sm_90 wgmma kernels cannot copy with 16-byte
// cp.async: a K (A's row) or N (B's row) that is not a multiple of 8
// elements, and an operand that is an inlined producer (a cast) rather than
// a kernel argument. They run on the mma.sync kernels.
func.func @odd_k_f16(%a: tensor<128x100xf16>, %b: tensor<100x128xf16>) -> tensor<128x128xf16> {
  %y = tg.matmul %a, %b : tensor<128x100xf16>, tensor<100x128xf16> -> tensor<128x128xf16>
  return %y : tensor<128x128xf16>
}

func.func @odd_n_bf16(%a: tensor<128x64xbf16>, %b: tensor<64x130xbf16>) -> tensor<128x130xbf16> {
  %y = tg.matmul %a, %b : tensor<128x64xbf16>, tensor<64x130xbf16> -> tensor<128x130xbf16>
  return %y : tensor<128x130xbf16>
}

func.func @cast_operand_f16(%a: tensor<128x64xf32>, %b: tensor<64x128xf16>) -> tensor<128x128xf16> {
  %c = tg.cast %a : tensor<128x64xf32> to tensor<128x64xf16>
  %y = tg.matmul %c, %b : tensor<128x64xf16>, tensor<64x128xf16> -> tensor<128x128xf16>
  return %y : tensor<128x128xf16>
}
