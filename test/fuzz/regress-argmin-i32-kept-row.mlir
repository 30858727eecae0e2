// Regression (found by the graph fuzzer, seed 1082): a host row kernel keeps
// a reduction's per-element contributions in an f32 row for the reductions
// after it. argmin is a min, then a search for the element equal to it; with
// i32 values above 2^24 the kept (rounded) values equal no exact minimum and
// the kernel returned -1. i32 contributions are no longer kept.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="4xi32=-1434201137 796189657 -1434201136 7" --input="4xi32=-2147483648" | FileCheck %s
// RUN: tg-eval %s --input="4xi32=-1434201137 796189657 -1434201136 7" --input="4xi32=-2147483648" | FileCheck %s

// CHECK: result[0]: tensor<i32>
// CHECK-NEXT: {{^}}0{{$}}
func.func @f(%a: tensor<4xi32>, %c: tensor<4xi32>) -> tensor<i32> {
  %b = tg.max %a, %c : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %m = tg.argmin %b axis = 0 select_last_index : tensor<4xi32> -> tensor<i32>
  return %m : tensor<i32>
}
