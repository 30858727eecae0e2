// Regression (found by the differential fuzzer, seed 9178): tg-eval keeps
// integers in doubles, and casting -0.26 to i8 left a -0 there (trunc keeps
// the sign), which a cast back to a float kept: 1 / that was -inf where
// tgc, whose integers have no -0, gives +inf.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="2xf16=-0.26 0.5" | FileCheck %s
// RUN: tg-eval %s --input="2xf16=-0.26 0.5" | FileCheck %s

// CHECK: result[0]: tensor<2xf16>
// CHECK-NEXT: {{^}}inf inf{{$}}
func.func @main(%x: tensor<2xf16>) -> tensor<2xf16> {
  %i = tg.cast %x : tensor<2xf16> to tensor<2xi8>
  %f = tg.cast %i : tensor<2xi8> to tensor<2xf16>
  %r = tg.reciprocal %f : tensor<2xf16>
  return %r : tensor<2xf16>
}
