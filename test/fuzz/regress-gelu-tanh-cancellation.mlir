// Regression (found by the differential fuzzer, seed 7403): the tanh form
// of gelu was decomposed in the element type as 0.5 x (1 + tanh(z)). In
// f16 every step rounded and 1 + tanh(z) cancelled to 0 for z below about
// -4.5, so gelu(-3.588) was 0 and a division by it an infinity; in f32 the
// cancellation still left gelu(-4.5) 7% off. It is now computed in f32 as
// x sigmoid(2z) and rounded once; silu is widened the same way. tg-eval
// had the cancellation too (in double, from x = -6 on: gelu(-9) was 0).
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="4xf16=-3.588 -4.5 1 -0.5" --input="2xf32=-4.5 -9" | FileCheck %s
// RUN: tg-eval %s --input="4xf16=-3.588 -4.5 1 -0.5" --input="2xf32=-4.5 -9" | FileCheck %s

// CHECK: result[0]: tensor<4xf16>
// CHECK-NEXT: {{^}}-0.000433445 -5.126e-06 0.841309 -0.154297{{$}}
// CHECK: result[1]: tensor<4xf16>
// CHECK-NEXT: {{^}}-0.0965576 -0.0494385 0.730957 -0.188721{{$}}
// CHECK: result[2]: tensor<4xbf16>
// CHECK-NEXT: {{^}}-0.000423431 -5.126e-06 0.839844 -0.154297{{$}}
// CHECK: result[3]: tensor<2xf32>
// CHECK-NEXT: {{^}}-5.13674e-06 -1.33646e-28{{$}}
func.func @main(%x: tensor<4xf16>, %y: tensor<2xf32>)
    -> (tensor<4xf16>, tensor<4xf16>, tensor<4xbf16>, tensor<2xf32>) {
  %g = tg.gelu %x tanh : tensor<4xf16>
  %s = tg.silu %x : tensor<4xf16>
  %b = tg.cast %x : tensor<4xf16> to tensor<4xbf16>
  %gb = tg.gelu %b tanh : tensor<4xbf16>
  %gy = tg.gelu %y tanh : tensor<2xf32>
  return %g, %s, %gb, %gy : tensor<4xf16>, tensor<4xf16>, tensor<4xbf16>, tensor<2xf32>
}
