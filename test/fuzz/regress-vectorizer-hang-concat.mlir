// Regression (found by the differential fuzzer, seed 7371): the
// concatenation kernel recomputes sin, softmax, abs and sqrt of one
// broadcast bf16 scalar in each of its three branches. noalias alone did
// not let LLVM hoist those loads out of the loop (they sit in branches, so
// hoisting them needs dereferenceable pointers), and LLVM 22's loop
// vectorizer then never finished on the loop: its uniformity query
// recurses through the loop-invariant chain without memoization. Kernel
// bodies are now functions of their own whose binding pointers are
// noalias, dereferenceable and aligned, so the chain is hoisted.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="bf16=0.5" | FileCheck %s
// RUN: tg-eval %s --input="bf16=0.5" | FileCheck %s

// CHECK: result[0]: tensor<18xbf16>
// CHECK-NEXT: {{^}}0.408203 0.408203 {{.*}} 0.408203{{$}}
// CHECK: result[1]: tensor<1xbf16>
// CHECK-NEXT: {{^}}0.703125{{$}}
func.func @main(%a: tensor<bf16>) -> (tensor<18xbf16>, tensor<1xbf16>) {
  %s = tg.sin %a : tensor<bf16>
  %b = tg.broadcast_to %s : tensor<bf16> -> tensor<6xbf16>
  %p = tg.softmax %b axis = 0 : tensor<6xbf16>
  %w = tg.pow %b, %b : tensor<6xbf16>, tensor<6xbf16> -> tensor<6xbf16>
  %e = tg.slice %w start = [3] size = [1] stride = [2] : tensor<6xbf16> -> tensor<1xbf16>
  %m = tg.abs %p : tensor<6xbf16>
  %r = tg.sqrt %m : tensor<6xbf16>
  %c = tg.concat %r, %r, %r axis = 0 : tensor<6xbf16>, tensor<6xbf16>, tensor<6xbf16> -> tensor<18xbf16>
  return %c, %e : tensor<18xbf16>, tensor<1xbf16>
}
