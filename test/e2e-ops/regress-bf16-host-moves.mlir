// Regression (found by the e2e op suite): on x86 without bf16 arithmetic,
// LLVM keeps bf16 values promoted to f32, so a bf16 carried across blocks
// (a broadcast's value loaded once outside its loop, a concatenation's
// branch result) was rounded back with __truncsfbf2, and tgc refused to
// build a host library that imports compiler-rt. bf16 loads, stores and
// phis now move i16 bits.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tgc %s --targets=host -O0 -o %t.O0.bin
// RUN: tg-run %t.bin --function=broadcast --input="bf16=1.5" | FileCheck %s --check-prefix=BROADCAST
// RUN: tg-run %t.O0.bin --function=broadcast --input="bf16=1.5" | FileCheck %s --check-prefix=BROADCAST
// RUN: tg-eval %s --function=broadcast --input="bf16=1.5" | FileCheck %s --check-prefix=BROADCAST
// RUN: tg-run %t.bin --function=concat --input="1x2xbf16=1 -2" --input="2x2xbf16=3 0.5 -0.25 8" | FileCheck %s --check-prefix=CONCAT
// RUN: tg-run %t.O0.bin --function=concat --input="1x2xbf16=1 -2" --input="2x2xbf16=3 0.5 -0.25 8" | FileCheck %s --check-prefix=CONCAT
// RUN: tg-eval %s --function=concat --input="1x2xbf16=1 -2" --input="2x2xbf16=3 0.5 -0.25 8" | FileCheck %s --check-prefix=CONCAT

// BROADCAST: result[0]: tensor<2x3xbf16>
// BROADCAST-NEXT: {{^}}1.5 1.5 1.5{{$}}
// BROADCAST-NEXT: {{^}}1.5 1.5 1.5{{$}}
func.func @broadcast(%x: tensor<bf16>) -> tensor<2x3xbf16> {
  %0 = tg.broadcast_to %x : tensor<bf16> -> tensor<2x3xbf16>
  return %0 : tensor<2x3xbf16>
}

// CONCAT: result[0]: tensor<3x2xbf16>
// CONCAT-NEXT: {{^}}1 -2{{$}}
// CONCAT-NEXT: {{^}}3 0.5{{$}}
// CONCAT-NEXT: {{^}}-0.25 8{{$}}
func.func @concat(%x: tensor<1x2xbf16>, %y: tensor<2x2xbf16>) -> tensor<3x2xbf16> {
  %0 = tg.concat %x, %y axis = 0 : tensor<1x2xbf16>, tensor<2x2xbf16> -> tensor<3x2xbf16>
  return %0 : tensor<3x2xbf16>
}
