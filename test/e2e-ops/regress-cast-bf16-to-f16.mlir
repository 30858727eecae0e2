// Regression (found by the e2e op suite): tg.cast from bf16 to f16 built
// 'arith.extf' from bf16 to f16, which does not verify (both are 16 bits;
// the conversion goes through f32), so tgc failed on any such cast.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="5xbf16=1.5 -2 3e38 1e-9 nan" | FileCheck %s
// RUN: tg-eval %s --input="5xbf16=1.5 -2 3e38 1e-9 nan" | FileCheck %s

// CHECK: result[0]: tensor<5xf16>
// CHECK-NEXT: {{^}}1.5 -2 inf 0 nan{{$}}
func.func @main(%x: tensor<5xbf16>) -> tensor<5xf16> {
  %0 = tg.cast %x : tensor<5xbf16> to tensor<5xf16>
  return %0 : tensor<5xf16>
}
