// The host schedule as plain data (compiler/schedule): buffers, dispatches
// and copies of each entry function, the kernels' launch shapes for the
// targets compiled, and the constants, each stored once.
// RUN: tgc %s --emit=schedule --targets=host | FileCheck %s
// RUN: tgc %s --emit=schedule --targets=host,sm_90 | FileCheck %s --check-prefix=GPU

// A matmul whose result a softmax reads: it lives in scratch, the softmax
// writes the output. Returning the input is a copy, as is returning the
// weight, a constant that both functions share.
// CHECK-LABEL: func @main(tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<4x8xf32>, tensor<8x4xf32>)
// CHECK-NEXT:   %0 = input 0, 128 B
// CHECK-NEXT:   %1 = output 0, 64 B
// CHECK-NEXT:   %2 = output 1, 128 B
// CHECK-NEXT:   %3 = output 2, 128 B
// CHECK-NEXT:   %4 = constant 0, 128 B
// CHECK-NEXT:   %5 = scratch, 64 B
// CHECK-NEXT:   dispatch @main_kernel{{[0-9]}}(%0, %4, %5)
// CHECK-NEXT:   dispatch @main_kernel{{[0-9]}}(%5, %1)
// CHECK-NEXT:   copy 128 B from %0 to %2
// CHECK-NEXT:   copy 128 B from %4 to %3
// CHECK-LABEL: func @other(tensor<4x8xf32>) -> (tensor<4x4xf32>)
// CHECK-NEXT:   %0 = input 0, 128 B
// CHECK-NEXT:   %1 = output 0, 64 B
// CHECK-NEXT:   %2 = constant 0, 128 B
// CHECK-NEXT:   dispatch @other_kernel0(%0, %2, %1)
// CHECK:      kernel @main_kernel{{[0-9]}}: {{[23]}} bindings, host workgroups {{[0-9]+}}{{$}}
// CHECK:      kernel @main_kernel{{[0-9]}}: {{[23]}} bindings, host workgroups {{[0-9]+}}{{$}}
// CHECK:      constant 0: 128 B at 0
// CHECK-NOT:  constant 1

// GPU: kernel @other_kernel0: 3 bindings, host workgroups {{[0-9]+}}, gpu grid [{{[0-9]+}}, {{[0-9]+}}, 1] block [256, 1, 1]

func.func @main(%x: tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<4x8xf32>, tensor<8x4xf32>) {
  %w = tg.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                          [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                          [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                          [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.5]]> : tensor<8x4xf32>
  %0 = tg.matmul %x, %w : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
  %1 = tg.softmax %0 axis = 1 : tensor<4x4xf32>
  return %1, %x, %w : tensor<4x4xf32>, tensor<4x8xf32>, tensor<8x4xf32>
}

func.func @other(%x: tensor<4x8xf32>) -> tensor<4x4xf32> {
  %w = tg.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                          [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                          [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                          [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.5]]> : tensor<8x4xf32>
  %0 = tg.matmul %x, %w : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
