// Regression (found by the differential fuzzer, seed 3828): pow then tanh of
// a broadcast scalar gives a kernel whose inner loop recomputes one long
// chain from two loads of loop-invariant addresses. Without knowing that
// the output does not alias the inputs, LLVM cannot hoist the loads, and
// LLVM 22's loop vectorizer ran for ever on that loop (opt -O2 hangs in
// LoopVectorizePass): tgc never finished. Kernel bodies now mark their
// binding pointers noalias.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="f32=2" --input="1x1xf32=-0.5" | FileCheck %s
// RUN: tg-eval %s --input="f32=2" --input="1x1xf32=-0.5" | FileCheck %s

// CHECK: result[0]: tensor<2x67x1xf32>
// CHECK-NEXT: {{^}}0.60885{{[0-9]}}{{$}}
func.func @main(%a: tensor<f32>, %x: tensor<1x1xf32>) -> tensor<2x67x1xf32> {
  %b = tg.broadcast_to %x : tensor<1x1xf32> -> tensor<2x67x1xf32>
  %0 = tg.pow %a, %b : tensor<f32>, tensor<2x67x1xf32> -> tensor<2x67x1xf32>
  %1 = tg.tanh %0 : tensor<2x67x1xf32>
  return %1 : tensor<2x67x1xf32>
}
