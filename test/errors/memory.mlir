// Out of device memory: nine 2097152 x 2097152 f32 matmul results (16 TiB
// each) that one reduction reads, so all must be allocated at once: more
// than a process can map, whatever the kernel's overcommit policy. The
// first call fails naming the buffer and its size, and nothing runs. On
// CUDA and HIP the same message carries the driver's error (checked on GPU
// machines only). A row of docs/errors.md.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: not tg-run %t.bin --input="2097152x2xf32=1" --input="2x2097152xf32=1" 2>&1 | FileCheck %s
// CHECK: tg-run: error: function 'main': allocating buffer {{[0-9]+}} (17592186044416 bytes): host: cannot allocate 17592186044416 bytes

func.func @main(%x: tensor<2097152x2xf32>, %y: tensor<2x2097152xf32>) -> tensor<f32> {
  %c0 = tg.constant dense<1.0> : tensor<f32>
  %x0 = tg.mul %x, %c0 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m0 = tg.matmul %x0, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %c1 = tg.constant dense<2.0> : tensor<f32>
  %x1 = tg.mul %x, %c1 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m1 = tg.matmul %x1, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %c2 = tg.constant dense<3.0> : tensor<f32>
  %x2 = tg.mul %x, %c2 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m2 = tg.matmul %x2, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %c3 = tg.constant dense<4.0> : tensor<f32>
  %x3 = tg.mul %x, %c3 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m3 = tg.matmul %x3, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %c4 = tg.constant dense<5.0> : tensor<f32>
  %x4 = tg.mul %x, %c4 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m4 = tg.matmul %x4, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %c5 = tg.constant dense<6.0> : tensor<f32>
  %x5 = tg.mul %x, %c5 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m5 = tg.matmul %x5, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %c6 = tg.constant dense<7.0> : tensor<f32>
  %x6 = tg.mul %x, %c6 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m6 = tg.matmul %x6, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %c7 = tg.constant dense<8.0> : tensor<f32>
  %x7 = tg.mul %x, %c7 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m7 = tg.matmul %x7, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %c8 = tg.constant dense<9.0> : tensor<f32>
  %x8 = tg.mul %x, %c8 : tensor<2097152x2xf32>, tensor<f32> -> tensor<2097152x2xf32>
  %m8 = tg.matmul %x8, %y : tensor<2097152x2xf32>, tensor<2x2097152xf32> -> tensor<2097152x2097152xf32>
  %s1 = tg.add %m0, %m1 : tensor<2097152x2097152xf32>, tensor<2097152x2097152xf32> -> tensor<2097152x2097152xf32>
  %s2 = tg.add %s1, %m2 : tensor<2097152x2097152xf32>, tensor<2097152x2097152xf32> -> tensor<2097152x2097152xf32>
  %s3 = tg.add %s2, %m3 : tensor<2097152x2097152xf32>, tensor<2097152x2097152xf32> -> tensor<2097152x2097152xf32>
  %s4 = tg.add %s3, %m4 : tensor<2097152x2097152xf32>, tensor<2097152x2097152xf32> -> tensor<2097152x2097152xf32>
  %s5 = tg.add %s4, %m5 : tensor<2097152x2097152xf32>, tensor<2097152x2097152xf32> -> tensor<2097152x2097152xf32>
  %s6 = tg.add %s5, %m6 : tensor<2097152x2097152xf32>, tensor<2097152x2097152xf32> -> tensor<2097152x2097152xf32>
  %s7 = tg.add %s6, %m7 : tensor<2097152x2097152xf32>, tensor<2097152x2097152xf32> -> tensor<2097152x2097152xf32>
  %s8 = tg.add %s7, %m8 : tensor<2097152x2097152xf32>, tensor<2097152x2097152xf32> -> tensor<2097152x2097152xf32>
  %r = tg.reduce_max %s8 axes = [0, 1] : tensor<2097152x2097152xf32> -> tensor<f32>
  return %r : tensor<f32>
}
