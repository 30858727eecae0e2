// Regression (found by the e2e op suite): a slice whose result has only unit
// dimensions is canonicalized into a rank-reducing tensor.extract_slice, and
// the kernel emitter indexed its source with the result's (fewer) indices:
// tgc failed with "'memref.load' op incorrect number of indices".
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --function=one --input="9xf32=0 1 2 3 4 5 6 7 8" | FileCheck %s --check-prefix=ONE
// RUN: tg-eval %s --function=one --input="9xf32=0 1 2 3 4 5 6 7 8" | FileCheck %s --check-prefix=ONE
// RUN: tg-run %t.bin --function=corner --input="3x4xi8=0 1 2 3 4 5 6 7 8 9 10 11" | FileCheck %s --check-prefix=CORNER
// RUN: tg-eval %s --function=corner --input="3x4xi8=0 1 2 3 4 5 6 7 8 9 10 11" | FileCheck %s --check-prefix=CORNER

// ONE: result[0]: tensor<1xf32>
// ONE-NEXT: {{^}}8{{$}}
func.func @one(%x: tensor<9xf32>) -> tensor<1xf32> {
  %0 = tg.slice %x start = [8] size = [1] stride = [5] : tensor<9xf32> -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// CORNER: result[0]: tensor<1x2xi8>
// CORNER-NEXT: {{^}}9 11{{$}}
func.func @corner(%x: tensor<3x4xi8>) -> tensor<1x2xi8> {
  %0 = tg.slice %x start = [2, 1] size = [1, 2] stride = [1, 2] : tensor<3x4xi8> -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}
