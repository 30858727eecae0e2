// Regression (found by the differential fuzzer, seed 412): exp's polynomial
// approximation converts its scaled input with fptosi, which is poison for
// NaN. pow of a NaN computed from constants, (-1.1)^sigmoid(-1.1), is
// exp(y * NaN); LLVM saw the NaN and folded every result of the second pow
// to 1 instead of NaN. exp and expm1 now run on a NaN-free input and give
// the NaN back.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="3xf32=0.5 -0.4 0" | FileCheck %s
// RUN: tg-eval %s --input="3xf32=0.5 -0.4 0" | FileCheck %s

// CHECK: result[0]: tensor<f32>
// CHECK-NEXT: {{^}}nan{{$}}
// CHECK: result[1]: tensor<3xf32>
// CHECK-NEXT: {{^}}nan nan 1{{$}}
// CHECK: result[2]: tensor<2xf32>
// CHECK-NEXT: {{^}}nan nan{{$}}
func.func @main(%x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<2xf32>) {
  %c = tg.constant dense<-1.1> : tensor<f32>
  %s = tg.sigmoid %c : tensor<f32>
  %p = tg.pow %c, %s : tensor<f32>, tensor<f32> -> tensor<f32>
  %q = tg.pow %p, %x : tensor<f32>, tensor<3xf32> -> tensor<3xf32>
  %n = tg.constant dense<0x7FC00000> : tensor<2xf32>
  %e = tg.exp %n : tensor<2xf32>
  return %p, %q, %e : tensor<f32>, tensor<3xf32>, tensor<2xf32>
}
