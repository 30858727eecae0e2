// Regression (found by the differential fuzzer, seed 6698): rms_norm of a
// row holding pow(e^2, e^2)-sized values (about 1e26). tgc sums the squares
// in f32, as the op reference says, so the sum is infinite and the row
// normalizes to 0 (NaN for layer_norm), as in f32 frameworks; tg-eval sums
// in double and gets the real answer. Perturbed evaluations (what the
// fuzzer's tolerance comes from) now make sums beyond the f32 range
// infinite, so such rows count as ill-conditioned rather than wrong. This
// pins down tgc's side; the fuzzer run checks the seed end to end.
// REQUIRES: numpy
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="2x3xf32=1e26 1 2 3 4 5" | FileCheck %s
// RUN: tg-eval %s --input="2x3xf32=1e26 1 2 3 4 5" | FileCheck %s --check-prefix=EVAL
// RUN: %python %tgc_src_root/scripts/fuzz-graphs.py --seed 6698 --count 1 --work %t.fuzz

// CHECK: result[0]: tensor<2x3xf32>
// CHECK-NEXT: {{^}}0 0 0{{$}}
// CHECK-NEXT: {{^}}0.734825 0.979766 1.22471{{$}}
// EVAL: result[0]: tensor<2x3xf32>
// EVAL-NEXT: {{^}}1.73205 1.73205e-26 3.4641e-26{{$}}
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tg.rms_norm %x axis = 1 epsilon = 1.0e-03 : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
