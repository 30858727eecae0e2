// Regression (found by the e2e op suite): integer tg.div of INT_MIN by -1
// overflows, and x86's idiv faults on it, so tg-run died with SIGFPE. The
// quotient now wraps to INT_MIN (as -INT_MIN does); division by zero still
// gives 0.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --function=i32 --input="5xi32=-2147483648 7 -7 -2147483648 5" --input="5xi32=-1 0 2 1 -1" | FileCheck %s --check-prefix=I32
// RUN: tg-eval %s --function=i32 --input="5xi32=-2147483648 7 -7 -2147483648 5" --input="5xi32=-1 0 2 1 -1" | FileCheck %s --check-prefix=I32
// RUN: tg-run %t.bin --function=i8 --input="4xi8=-128 -128 127 -7" --input="4xi8=-1 0 -1 -2" | FileCheck %s --check-prefix=I8
// RUN: tg-eval %s --function=i8 --input="4xi8=-128 -128 127 -7" --input="4xi8=-1 0 -1 -2" | FileCheck %s --check-prefix=I8

// I32: result[0]: tensor<5xi32>
// I32-NEXT: {{^}}-2147483648 0 -3 -2147483648 -5{{$}}
func.func @i32(%x: tensor<5xi32>, %y: tensor<5xi32>) -> tensor<5xi32> {
  %0 = tg.div %x, %y : tensor<5xi32>, tensor<5xi32> -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// I8: result[0]: tensor<4xi8>
// I8-NEXT: {{^}}-128 0 -127 3{{$}}
func.func @i8(%x: tensor<4xi8>, %y: tensor<4xi8>) -> tensor<4xi8> {
  %0 = tg.div %x, %y : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
