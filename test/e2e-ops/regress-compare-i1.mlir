// Regression (found by the e2e op suite): tg.compare on i1 used signed
// predicates, where true is -1, so `lt` said true < false. i1 compares as
// false < true, the values tg.cast gives it (0 and 1).
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --input="4xi1=0 0 1 1" --input="4xi1=0 1 0 1" | FileCheck %s
// RUN: tg-eval %s --input="4xi1=0 0 1 1" --input="4xi1=0 1 0 1" | FileCheck %s

// CHECK: result[0]: tensor<4xi1>
// CHECK-NEXT: {{^}}0 1 0 0{{$}}
// CHECK: result[1]: tensor<4xi1>
// CHECK-NEXT: {{^}}1 1 0 1{{$}}
// CHECK: result[2]: tensor<4xi1>
// CHECK-NEXT: {{^}}0 0 1 0{{$}}
// CHECK: result[3]: tensor<4xi1>
// CHECK-NEXT: {{^}}1 0 1 1{{$}}
func.func @main(%x: tensor<4xi1>, %y: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = tg.compare lt, %x, %y : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  %1 = tg.compare le, %x, %y : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  %2 = tg.compare gt, %x, %y : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  %3 = tg.compare ge, %x, %y : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return %0, %1, %2, %3 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}
