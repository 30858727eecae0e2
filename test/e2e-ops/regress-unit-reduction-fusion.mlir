// Regression: a reduction whose reduced extents are all 1 (here a matmul
// with K = 1) is parallel once dispatch formation drops unit dimensions,
// but its payload still reads the accumulator. Elementwise fusion then
// merged it into its consumer as a multi-result generic, and the kernel
// emitter, which emits one result, cloned payload ops that used the other
// results' block arguments: "'arith.addi' op using value defined outside
// the region".
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="1x1x1xi32=7" --input="1x1xi32=-6" | FileCheck %s
// RUN: tg-eval %s --input="1x1x1xi32=7" --input="1x1xi32=-6" | FileCheck %s
// RUN: tg-run %t.bin --function=keep --input="3x1xf32=1 2 3" | FileCheck %s --check-prefix=KEEP
// RUN: tg-eval %s --function=keep --input="3x1xf32=1 2 3" | FileCheck %s --check-prefix=KEEP

// CHECK: result[0]: tensor<1x1x1xi32>
// CHECK-NEXT: {{^}}-42{{$}}
// CHECK: result[1]: tensor<i32>
// CHECK-NEXT: {{^}}-41{{$}}
func.func @main(%x: tensor<1x1x1xi32>, %y: tensor<1x1xi32>) -> (tensor<1x1x1xi32>, tensor<i32>) {
  %0 = tg.matmul %x, %y transpose_a : tensor<1x1x1xi32>, tensor<1x1xi32> -> tensor<1x1x1xi32>
  %1 = tg.reduce_sum %0 axes = [0, 2] : tensor<1x1x1xi32> -> tensor<1xi32>
  %2 = tg.reshape %1 : tensor<1xi32> -> tensor<i32>
  %c = tg.constant dense<1> : tensor<i32>
  %3 = tg.add %2, %c : tensor<i32>, tensor<i32> -> tensor<i32>
  return %0, %3 : tensor<1x1x1xi32>, tensor<i32>
}

// KEEP: result[0]: tensor<3x1xf32>
// KEEP-NEXT: {{^}}1{{$}}
// KEEP-NEXT: {{^}}2{{$}}
// KEEP-NEXT: {{^}}3{{$}}
// KEEP: result[1]: tensor<3x1xf32>
// KEEP-NEXT: {{^}}2{{$}}
// KEEP-NEXT: {{^}}4{{$}}
// KEEP-NEXT: {{^}}6{{$}}
func.func @keep(%x: tensor<3x1xf32>) -> (tensor<3x1xf32>, tensor<3x1xf32>) {
  %0 = tg.reduce_max %x axes = [1] keep_dims : tensor<3x1xf32> -> tensor<3x1xf32>
  %1 = tg.add %0, %0 : tensor<3x1xf32>, tensor<3x1xf32> -> tensor<3x1xf32>
  return %0, %1 : tensor<3x1xf32>, tensor<3x1xf32>
}
