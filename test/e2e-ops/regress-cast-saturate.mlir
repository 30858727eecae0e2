// Regression: float to i32 casts clamped to INT_MAX converted to f32, which
// is 2^31, and fptosi of 2^31 is out of range (x86 returns INT_MIN), so
// 2^31 and everything above it came out as -2147483648 instead of
// saturating to 2147483647.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --function=f32 --input="7xf32=2147483648 3e9 inf 2147483520 -3e9 nan -7.9" | FileCheck %s --check-prefix=F32
// RUN: tg-eval %s --function=f32 --input="7xf32=2147483648 3e9 inf 2147483520 -3e9 nan -7.9" | FileCheck %s --check-prefix=F32
// RUN: tg-run %t.bin --function=bf16 --input="4xbf16=3e38 -3e38 200 -200" | FileCheck %s --check-prefix=BF16
// RUN: tg-eval %s --function=bf16 --input="4xbf16=3e38 -3e38 200 -200" | FileCheck %s --check-prefix=BF16

// F32: result[0]: tensor<7xi32>
// F32-NEXT: {{^}}2147483647 2147483647 2147483647 2147483520 -2147483648 0 -7{{$}}
func.func @f32(%x: tensor<7xf32>) -> tensor<7xi32> {
  %0 = tg.cast %x : tensor<7xf32> to tensor<7xi32>
  return %0 : tensor<7xi32>
}

// BF16: result[0]: tensor<4xi32>
// BF16-NEXT: {{^}}2147483647 -2147483648 200 -200{{$}}
// BF16: result[1]: tensor<4xi8>
// BF16-NEXT: {{^}}127 -128 127 -128{{$}}
func.func @bf16(%x: tensor<4xbf16>) -> (tensor<4xi32>, tensor<4xi8>) {
  %0 = tg.cast %x : tensor<4xbf16> to tensor<4xi32>
  %1 = tg.cast %x : tensor<4xbf16> to tensor<4xi8>
  return %0, %1 : tensor<4xi32>, tensor<4xi8>
}
