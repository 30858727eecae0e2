// tgc piped into tg-run on the host, checked value by value.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --device=host --function=broadcast --input="2x3xf32=1 2 3 4 5 6" --input="3xf32=10 20 30" | FileCheck %s --check-prefix=BCAST
// RUN: tg-run %t.bin --device=host --function=reductions --input="2x3xf32=1 -2 3 4 5 -6" | FileCheck %s --check-prefix=RED
// RUN: tg-run %t.bin --device=host --function=matmul_t --input="2x3xf32=1 2 3 4 5 6" --input="2x3xf32=1 0 1 0 1 0" | FileCheck %s --check-prefix=MM
// RUN: tg-run %t.bin --device=host --function=shapes --input="2x3xi32=1 2 3 4 5 6" | FileCheck %s --check-prefix=SHAPES
// RUN: tg-run %t.bin --device=host --function=gather --input="4x2xf32=0 1 10 11 20 21 30 31" --input="3xi32=2 -5 9" | FileCheck %s --check-prefix=GATHER
// RUN: tg-run %t.bin --device=host --function=casts --input="4xf32=1.9 -2.5 1e10 nan" | FileCheck %s --check-prefix=CAST
// RUN: tg-run %t.bin --device=host --function=passthrough --input="2x2xf32=1 2 3 4" | FileCheck %s --check-prefix=PASS

// BCAST: result[0]: tensor<2x3xf32>
// BCAST-NEXT: 11 22 33
// BCAST-NEXT: 14 25 36
func.func @broadcast(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = tg.add %x, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// RED: result[0]: tensor<2xf32>
// RED-NEXT: 2 3
// RED: result[1]: tensor<1x3xf32>
// RED-NEXT: 4 5 3
// RED: result[2]: tensor<2x3xf32>
// RED-NEXT: 0.1185 0.00589{{[0-9]+}} 0.8756{{[0-9]+}}
// RED-NEXT: 0.26893{{[0-9]}} 0.7310{{[0-9]}} 1.22{{[0-9]+}}e-05
func.func @reductions(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<1x3xf32>, tensor<2x3xf32>) {
  %0 = tg.reduce_sum %x axes = [1] : tensor<2x3xf32> -> tensor<2xf32>
  %1 = tg.reduce_max %x axes = [0] keep_dims : tensor<2x3xf32> -> tensor<1x3xf32>
  %2 = tg.softmax %x axis = 1 : tensor<2x3xf32>
  return %0, %1, %2 : tensor<2xf32>, tensor<1x3xf32>, tensor<2x3xf32>
}

// x @ y^T: [[1+3, 2], [4+6, 5]]
// MM: result[0]: tensor<2x2xf32>
// MM-NEXT: 4 2
// MM-NEXT: 10 5
func.func @matmul_t(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %0 = tg.matmul %x, %y transpose_b : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// SHAPES: result[0]: tensor<3x2xi32>
// SHAPES-NEXT: 1 4
// SHAPES-NEXT: 2 5
// SHAPES-NEXT: 3 6
// SHAPES: result[1]: tensor<2x2xi32>
// SHAPES-NEXT: 1 3
// SHAPES-NEXT: 4 6
// SHAPES: result[2]: tensor<4x3xi32>
// SHAPES-NEXT: 1 2 3
// SHAPES-NEXT: 4 5 6
// SHAPES-NEXT: 1 2 3
// SHAPES-NEXT: 4 5 6
// SHAPES: result[3]: tensor<6xi32>
// SHAPES-NEXT: 1 2 3 4 5 6
func.func @shapes(%x: tensor<2x3xi32>) -> (tensor<3x2xi32>, tensor<2x2xi32>, tensor<4x3xi32>, tensor<6xi32>) {
  %0 = tg.transpose %x permutation = [1, 0] : tensor<2x3xi32> -> tensor<3x2xi32>
  %1 = tg.slice %x start = [0, 0] size = [2, 2] stride = [1, 2] : tensor<2x3xi32> -> tensor<2x2xi32>
  %2 = tg.concat %x, %x axis = 0 : tensor<2x3xi32>, tensor<2x3xi32> -> tensor<4x3xi32>
  %3 = tg.reshape %x : tensor<2x3xi32> -> tensor<6xi32>
  return %0, %1, %2, %3 : tensor<3x2xi32>, tensor<2x2xi32>, tensor<4x3xi32>, tensor<6xi32>
}

// Out-of-range indices clamp into the table.
// GATHER: result[0]: tensor<3x2xf32>
// GATHER-NEXT: 20 21
// GATHER-NEXT: 0 1
// GATHER-NEXT: 30 31
func.func @gather(%t: tensor<4x2xf32>, %i: tensor<3xi32>) -> tensor<3x2xf32> {
  %0 = tg.gather %t[%i] : tensor<4x2xf32>, tensor<3xi32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// Truncation toward zero, saturation, NaN -> 0; comparison to i1.
// CAST: result[0]: tensor<4xi8>
// CAST-NEXT: 1 -2 127 0
// CAST: result[1]: tensor<4xi1>
// CAST-NEXT: 1 0 1 0
func.func @casts(%x: tensor<4xf32>) -> (tensor<4xi8>, tensor<4xi1>) {
  %0 = tg.cast %x : tensor<4xf32> to tensor<4xi8>
  %zero = tg.constant dense<0.0> : tensor<f32>
  %1 = tg.compare gt, %x, %zero : tensor<4xf32>, tensor<f32> -> tensor<4xi1>
  return %0, %1 : tensor<4xi8>, tensor<4xi1>
}

// Returning an input and a reshape of it: copies, no kernel.
// PASS: result[0]: tensor<2x2xf32>
// PASS-NEXT: 1 2
// PASS-NEXT: 3 4
// PASS: result[1]: tensor<4xf32>
// PASS-NEXT: 1 2 3 4
func.func @passthrough(%x: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<4xf32>) {
  %0 = tg.reshape %x : tensor<2x2xf32> -> tensor<4xf32>
  return %x, %0 : tensor<2x2xf32>, tensor<4xf32>
}
