// RUN: not tg-opt %s --tgc-convert-tg-to-linalg 2>&1 | FileCheck %s

// Composites must be decomposed first; a leftover one is reported.
// CHECK: failed to legalize operation 'tg.softmax'
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tg.softmax %x axis = 1 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
