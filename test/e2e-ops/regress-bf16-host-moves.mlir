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

// Found later by the differential fuzzer (seed 298): a select between bf16
// values.
// RUN: tg-run %t.bin --function=select --input="i1=1" --input="3xbf16=1 2 3" --input="3xbf16=-1 -2 -3" | FileCheck %s --check-prefix=SELECT
// RUN: tg-run %t.O0.bin --function=select --input="i1=0" --input="3xbf16=1 2 3" --input="3xbf16=-1 -2 -3" | FileCheck %s --check-prefix=SELECT0
// RUN: tg-eval %s --function=select --input="i1=1" --input="3xbf16=1 2 3" --input="3xbf16=-1 -2 -3" | FileCheck %s --check-prefix=SELECT

// SELECT: result[0]: tensor<3xbf16>
// SELECT-NEXT: {{^}}0.761719 0.964844 0.996094{{$}}
// SELECT0: result[0]: tensor<3xbf16>
// SELECT0-NEXT: {{^}}-1 -2 -3{{$}}
func.func @select(%c: tensor<i1>, %x: tensor<3xbf16>, %y: tensor<3xbf16>) -> tensor<3xbf16> {
  %0 = tg.tanh %x : tensor<3xbf16>
  %1 = tg.select %c, %0, %y : tensor<i1>, tensor<3xbf16>, tensor<3xbf16> -> tensor<3xbf16>
  return %1 : tensor<3xbf16>
}
