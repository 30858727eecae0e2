// Regression (found by the e2e op suite): tg.pow was exp(y log x), NaN for
// every negative base and for 0^0, NaN^0, 1^NaN, (-1)^inf. It now follows
// C's pow: integer powers of negative bases are real, y = 0 and x = 1 give
// 1, and only a finite negative base with a non-integer exponent is NaN.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="14xf32=-2 -2 -8 0 nan 1 -1 2 0 -inf -inf -0.5 -3 4" --input="14xf32=3 2 0.3333 0 0 nan inf -1 -1 3 0.5 -inf -2 0.5" | FileCheck %s
// RUN: tg-eval %s --input="14xf32=-2 -2 -8 0 nan 1 -1 2 0 -inf -inf -0.5 -3 4" --input="14xf32=3 2 0.3333 0 0 nan inf -1 -1 3 0.5 -inf -2 0.5" | FileCheck %s
// RUN: tg-run %t.bin --function=half --input="3xf16=-3 -1.5 2" --input="3xf16=3 2 10" | FileCheck %s --check-prefix=HALF
// RUN: tg-eval %s --function=half --input="3xf16=-3 -1.5 2" --input="3xf16=3 2 10" | FileCheck %s --check-prefix=HALF

// CHECK: result[0]: tensor<14xf32>
// CHECK-NEXT: {{^}}-8 4 nan 1 1 1 1 0.5 inf -inf inf inf 0.111111 2{{$}}
func.func @main(%x: tensor<14xf32>, %y: tensor<14xf32>) -> tensor<14xf32> {
  %0 = tg.pow %x, %y : tensor<14xf32>, tensor<14xf32> -> tensor<14xf32>
  return %0 : tensor<14xf32>
}

// HALF: result[0]: tensor<3xf16>
// HALF-NEXT: {{^}}-27 2.25 1024{{$}}
func.func @half(%x: tensor<3xf16>, %y: tensor<3xf16>) -> tensor<3xf16> {
  %0 = tg.pow %x, %y : tensor<3xf16>, tensor<3xf16> -> tensor<3xf16>
  return %0 : tensor<3xf16>
}
