// Regression (found by the differential fuzzer, seeds 4, 17, 22, 31): when
// M or N of a matmul is 1, dropping unit dimensions leaves a contraction
// with fewer than three loops, and the host and GPU matmul kernel builders
// computed its batch rank as loops - 3 in unsigned arithmetic: tgc crashed
// in tgc-generate-host-kernels. Such products are now built as reductions.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tgc %s --targets=sm_90,gfx1100 --emit=kernels -o /dev/null
// RUN: tg-run %t.bin --function=vecmat --input="1x3xf32=1 2 3" --input="2x3x1xf32=1 0 -1 2 2 2" | FileCheck %s --check-prefix=VECMAT
// RUN: tg-eval %s --function=vecmat --input="1x3xf32=1 2 3" --input="2x3x1xf32=1 0 -1 2 2 2" | FileCheck %s --check-prefix=VECMAT
// RUN: tg-run %t.bin --function=matvec --input="1x1x1x3xf16=1 2 3" --input="2x3xf16=1 1 1 0 1 0" | FileCheck %s --check-prefix=MATVEC
// RUN: tg-eval %s --function=matvec --input="1x1x1x3xf16=1 2 3" --input="2x3xf16=1 1 1 0 1 0" | FileCheck %s --check-prefix=MATVEC

// VECMAT: result[0]: tensor<2x1x1xf32>
// VECMAT-NEXT: {{^}}-2{{$}}
// VECMAT-NEXT: {{^}}12{{$}}
func.func @vecmat(%a: tensor<1x3xf32>, %b: tensor<2x3x1xf32>) -> tensor<2x1x1xf32> {
  %0 = tg.matmul %a, %b : tensor<1x3xf32>, tensor<2x3x1xf32> -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// MATVEC: result[0]: tensor<1x1x1x2xf16>
// MATVEC-NEXT: {{^}}6 2{{$}}
func.func @matvec(%a: tensor<1x1x1x3xf16>, %b: tensor<2x3xf16>) -> tensor<1x1x1x2xf16> {
  %0 = tg.matmul %a, %b transpose_b : tensor<1x1x1x3xf16>, tensor<2x3xf16> -> tensor<1x1x1x2xf16>
  return %0 : tensor<1x1x1x2xf16>
}
