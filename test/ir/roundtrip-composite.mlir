// Composite ops (softmax, layer_norm, rms_norm) print and parse back, in
// custom and generic form, with every combination of optional operands.
// RUN: tg-opt %s | tg-opt | FileCheck %s
// RUN: tg-opt --mlir-print-op-generic %s | tg-opt | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<4x128xf32>, %[[H:.*]]: tensor<2x3x5xf16>)
func.func @softmax(%x: tensor<4x128xf32>, %h: tensor<2x3x5xf16>) {
  // CHECK: tg.softmax %[[X]] axis = 1 : tensor<4x128xf32>
  %0 = tg.softmax %x axis = 1 : tensor<4x128xf32>
  // CHECK: tg.softmax %[[H]] axis = 0 : tensor<2x3x5xf16>
  %1 = tg.softmax %h axis = 0 : tensor<2x3x5xf16>
  return
}

// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<4x8x64xf32>, %[[G:.*]]: tensor<64xf32>, %[[B:.*]]: tensor<64xf32>, %[[G2:.*]]: tensor<8x64xf32>)
func.func @layer_norm(%x: tensor<4x8x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>,
                      %g2: tensor<8x64xf32>) {
  // CHECK: tg.layer_norm %[[X]] weight %[[G]] bias %[[B]] axis = 2 epsilon = 9.99999974E-6 : tensor<4x8x64xf32>, tensor<64xf32>, tensor<64xf32>
  %0 = tg.layer_norm %x weight %g bias %b axis = 2 epsilon = 1.0e-05 : tensor<4x8x64xf32>, tensor<64xf32>, tensor<64xf32>
  // CHECK: tg.layer_norm %[[X]] weight %[[G]] axis = 2 epsilon = 9.99999974E-6 : tensor<4x8x64xf32>, tensor<64xf32>
  %1 = tg.layer_norm %x weight %g axis = 2 epsilon = 1.0e-05 : tensor<4x8x64xf32>, tensor<64xf32>
  // CHECK: tg.layer_norm %[[X]] bias %[[B]] axis = 2 epsilon = 9.99999974E-6 : tensor<4x8x64xf32>, tensor<64xf32>
  %2 = tg.layer_norm %x bias %b axis = 2 epsilon = 1.0e-05 : tensor<4x8x64xf32>, tensor<64xf32>
  // CHECK: tg.layer_norm %[[X]] axis = 0 epsilon = 1.000000e-03 : tensor<4x8x64xf32>
  %3 = tg.layer_norm %x axis = 0 epsilon = 1.0e-03 : tensor<4x8x64xf32>
  // Normalizing over more than one trailing dimension.
  // CHECK: tg.layer_norm %[[X]] weight %[[G2]] axis = 1 epsilon = 9.99999974E-6 : tensor<4x8x64xf32>, tensor<8x64xf32>
  %4 = tg.layer_norm %x weight %g2 axis = 1 epsilon = 1.0e-05 : tensor<4x8x64xf32>, tensor<8x64xf32>
  return
}

// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xbf16>, %[[G:.*]]: tensor<64xbf16>)
func.func @rms_norm(%x: tensor<4x64xbf16>, %g: tensor<64xbf16>) {
  // CHECK: tg.rms_norm %[[X]] weight %[[G]] axis = 1 epsilon = 9.99999997E-7 : tensor<4x64xbf16>, tensor<64xbf16>
  %0 = tg.rms_norm %x weight %g axis = 1 epsilon = 1.0e-06 : tensor<4x64xbf16>, tensor<64xbf16>
  // CHECK: tg.rms_norm %[[X]] axis = 1 epsilon = 9.99999997E-7 : tensor<4x64xbf16>
  %1 = tg.rms_norm %x axis = 1 epsilon = 1.0e-06 : tensor<4x64xbf16>
  return
}
