// The ops real models needed beyond the first set: rounding, erf, clamp,
// iota, cumsum, argmax/argmin print and parse back.
// RUN: tg-opt %s | tg-opt | FileCheck %s

// CHECK-LABEL: func.func @math
func.func @math(%x: tensor<4xf32>, %lo: tensor<f32>, %hi: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: tg.erf %{{.*}} : tensor<4xf32>
  %0 = tg.erf %x : tensor<4xf32>
  // CHECK: tg.floor %{{.*}} : tensor<4xf32>
  %1 = tg.floor %x : tensor<4xf32>
  // CHECK: tg.ceil %{{.*}} : tensor<4xf32>
  %2 = tg.ceil %x : tensor<4xf32>
  // CHECK: tg.round %{{.*}} : tensor<4xf32>
  %3 = tg.round %x : tensor<4xf32>
  // CHECK: tg.clamp %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<f32>, tensor<4xf32>
  %4 = tg.clamp %x, %lo, %hi : tensor<4xf32>, tensor<f32>, tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @scan
func.func @scan(%x: tensor<2x5xi32>) -> (tensor<3x4xf16>, tensor<2x5xi32>, tensor<2xi32>, tensor<2x1xi32>) {
  // CHECK: tg.iota dimension = 1 : tensor<3x4xf16>
  %0 = tg.iota dimension = 1 : tensor<3x4xf16>
  // CHECK: tg.cumsum %{{.*}} axis = 1 exclusive reverse : tensor<2x5xi32>
  %1 = tg.cumsum %x axis = 1 exclusive reverse : tensor<2x5xi32>
  // CHECK: tg.argmax %{{.*}} axis = 1 : tensor<2x5xi32> -> tensor<2xi32>
  %2 = tg.argmax %x axis = 1 : tensor<2x5xi32> -> tensor<2xi32>
  // CHECK: tg.argmin %{{.*}} axis = 1 keep_dims select_last_index : tensor<2x5xi32> -> tensor<2x1xi32>
  %3 = tg.argmin %x axis = 1 keep_dims select_last_index : tensor<2x5xi32> -> tensor<2x1xi32>
  return %0, %1, %2, %3 : tensor<3x4xf16>, tensor<2x5xi32>, tensor<2xi32>, tensor<2x1xi32>
}
