// tg.constant with dense, splat and dense_resource values prints and parses
// back, in custom and generic form.
// RUN: tg-opt %s | tg-opt | FileCheck %s
// RUN: tg-opt --mlir-print-op-generic %s | tg-opt | FileCheck %s

// CHECK-LABEL: func.func @dense
func.func @dense() {
  // CHECK: tg.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  %0 = tg.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // CHECK: tg.constant dense<[1, -2, 3]> : tensor<3xi8>
  %1 = tg.constant dense<[1, -2, 3]> : tensor<3xi8>
  // CHECK: tg.constant dense<[true, false]> : tensor<2xi1>
  %2 = tg.constant dense<[true, false]> : tensor<2xi1>
  // CHECK: tg.constant dense<5> : tensor<i32>
  %3 = tg.constant dense<5> : tensor<i32>
  // CHECK: tg.constant dense<1.500000e+00> : tensor<4x8xbf16>
  %4 = tg.constant dense<1.5> : tensor<4x8xbf16>
  // CHECK: tg.constant dense<-2.000000e+00> : tensor<3xf16>
  %5 = tg.constant dense<-2.0> : tensor<3xf16>
  return
}

// CHECK-LABEL: func.func @resource
func.func @resource() {
  // CHECK: tg.constant dense_resource<weights> : tensor<2xf32>
  %0 = tg.constant dense_resource<weights> : tensor<2xf32>
  return
}

// The blob survives the round trip too.
// CHECK: dialect_resources
// CHECK: weights: "0x040000000000803F00000040"
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F00000040"
    }
  }
#-}
