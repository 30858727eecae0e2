// Regression (found by the e2e op suite): a matmul of 1x1 matrices becomes
// a scalar kernel that reads its operands through tensor.collapse_shape to
// rank 0, which has no reassociation groups; the kernel emitter then read
// the 1x1 source with no indices and tgc failed with "'memref.load' op
// incorrect number of indices".
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="1x1xf32=3" --input="1x1xf32=-2" | FileCheck %s
// RUN: tg-eval %s --input="1x1xf32=3" --input="1x1xf32=-2" | FileCheck %s

// CHECK: result[0]: tensor<1x1xf32>
// CHECK-NEXT: {{^}}-6{{$}}
func.func @main(%x: tensor<1x1xf32>, %y: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %0 = tg.matmul %x, %y : tensor<1x1xf32>, tensor<1x1xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
