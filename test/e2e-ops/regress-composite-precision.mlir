// Regression (found by the e2e op suite): composites and reduce_mean were
// decomposed in their own element type. For f16 and bf16 every step
// rounded (layer_norm was off by 16 bf16 ulp) and squares and sums
// overflowed: rms_norm of f16 values from 256 up gave 0, the mean of a
// thousand 100s gave inf. For i8 the mean divided a sum that wrapped at 8
// bits: the mean of four 100s was -28. They are now computed in f32 (i32)
// and rounded once.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tg-run %t.bin --function=rms --input="4xf16=300 -400 350 200" | FileCheck %s --check-prefix=RMS
// RUN: tg-eval %s --function=rms --input="4xf16=300 -400 350 200" | FileCheck %s --check-prefix=RMS
// RUN: tg-run %t.bin --function=mean --input="1000xf16=100" --input="4xi8=100 100 100 -101" | FileCheck %s --check-prefix=MEAN
// RUN: tg-eval %s --function=mean --input="1000xf16=100" --input="4xi8=100 100 100 -101" | FileCheck %s --check-prefix=MEAN
// RUN: tg-run %t.bin --function=layer --input="4xbf16=1000 1001 1002 1003" | FileCheck %s --check-prefix=LAYER
// RUN: tg-eval %s --function=layer --input="4xbf16=1000 1001 1002 1003" | FileCheck %s --check-prefix=LAYER

// RMS: result[0]: tensor<4xf16>
// RMS-NEXT: {{^}}0.934082 -1.24512 1.08984 0.622559{{$}}
func.func @rms(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = tg.rms_norm %x axis = 0 epsilon = 1.0e-06 : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// MEAN: result[0]: tensor<f16>
// MEAN-NEXT: {{^}}100{{$}}
// MEAN: result[1]: tensor<i8>
// MEAN-NEXT: {{^}}49{{$}}
func.func @mean(%x: tensor<1000xf16>, %y: tensor<4xi8>) -> (tensor<f16>, tensor<i8>) {
  %0 = tg.reduce_mean %x axes = [0] : tensor<1000xf16> -> tensor<f16>
  %1 = tg.reduce_mean %y axes = [0] : tensor<4xi8> -> tensor<i8>
  return %0, %1 : tensor<f16>, tensor<i8>
}

// bf16 holds 1000..1003 as 1000, 1000, 1000, 1004: the normalized values
// are -0.577, -0.577, -0.577, 1.73.
// LAYER: result[0]: tensor<4xbf16>
// LAYER-NEXT: {{^}}-0.578125 -0.578125 -0.578125 1.73438{{$}}
func.func @layer(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %0 = tg.layer_norm %x axis = 0 epsilon = 1.0e-05 : tensor<4xbf16>
  return %0 : tensor<4xbf16>
}
