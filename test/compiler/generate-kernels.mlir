// RUN: tg-opt %s --tgc-decompose-composites --canonicalize --tgc-convert-tg-to-linalg --tgc-form-dispatches --tgc-generate-gpu-kernels --tgc-generate-host-kernels | FileCheck %s

// Elementwise: 4 elements per thread with 16-byte vector loads and stores.
// CHECK-LABEL: func.func private @chain_kernel0
// CHECK-SAME: tgc.gpu_block = array<i64: 256, 1, 1>, tgc.gpu_grid = array<i64: 64, 1, 1>
// CHECK-SAME: tgc.host_workgroups = 4
func.func @chain(%x: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %0 = tg.exp %x : tensor<256x256xf32>
  %1 = tg.mul %0, %x : tensor<256x256xf32>, tensor<256x256xf32> -> tensor<256x256xf32>
  return %1 : tensor<256x256xf32>
}

// A long 1-D tensor is split into pieces of a row, so it uses every thread
// on the host.
// CHECK-LABEL: func.func private @long_row_kernel0
// CHECK-SAME: tgc.host_workgroups = 7
func.func @long_row(%x: tensor<100000xf32>) -> tensor<100000xf32> {
  %0 = tg.exp %x : tensor<100000xf32>
  return %0 : tensor<100000xf32>
}

// Row kernel: one block per row, 256 threads for rows of 4096.
// CHECK-LABEL: func.func private @softmax_kernel0
// CHECK-SAME: tgc.gpu_block = array<i64: 256, 1, 1>, tgc.gpu_grid = array<i64: 16, 1, 1>
func.func @softmax(%x: tensor<16x4096xf32>) -> tensor<16x4096xf32> {
  %0 = tg.softmax %x axis = 1 : tensor<16x4096xf32>
  return %0 : tensor<16x4096xf32>
}

// Matmul: 128x128 tiles for large matrices, 256 threads,
// grid (batch * N/128, M/128, 1).
// Host: 2-D blocks of whole 6x16 tiles (256-bit vectors by default), 8
// workgroups, packed panels in a per-thread workspace.
// CHECK-LABEL: func.func private @matmul_kernel0
// CHECK-SAME: tgc.gpu_block = array<i64: 256, 1, 1>, tgc.gpu_grid = array<i64: 4, 2, 1>
// CHECK-SAME: tgc.host_workgroups = 8 : i64, tgc.host_workspace = 50560 : i64
func.func @matmul(%a: tensor<4x130x64xf32>, %b: tensor<4x64x128xf32>) -> tensor<4x130x128xf32> {
  %0 = tg.matmul %a, %b : tensor<4x130x64xf32>, tensor<4x64x128xf32> -> tensor<4x130x128xf32>
  return %0 : tensor<4x130x128xf32>
}

// Small matrices: 64x64 tiles.
// CHECK-LABEL: func.func private @small_matmul_kernel0
// CHECK-SAME: tgc.gpu_grid = array<i64: 1, 1, 1>
func.func @small_matmul(%a: tensor<8x64xf32>, %b: tensor<64x32xf32>) -> tensor<8x32xf32> {
  %0 = tg.matmul %a, %b : tensor<8x64xf32>, tensor<64x32xf32> -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}

// CHECK: gpu.module @tgc_gpu_kernels
// CHECK-LABEL: gpu.func @chain_kernel0
// CHECK-SAME: kernel
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<256x256xf32>, vector<4xf32>
// CHECK: math.exp
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<256x256xf32>, vector<4xf32>

// Rows are read and written 4 elements (16 bytes) at a time.
// CHECK-LABEL: gpu.func @softmax_kernel0
// CHECK-SAME: workgroup(%{{.*}} : memref<32xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<32xf32, #gpu.address_space<workgroup>>)
// CHECK: scf.for
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<16x4096xf32>, vector<4xf32>
// CHECK: arith.maximumf
// CHECK: gpu.shuffle  xor {{.*}} : f32
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: gpu.shuffle  xor
// CHECK: scf.for
// CHECK: arith.divf
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<16x4096xf32>, vector<4xf32>

// CHECK-LABEL: gpu.func @matmul_kernel0
// CHECK-SAME: workgroup(%[[A:.*]] : memref<8x128xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<8x128xf32, #gpu.address_space<workgroup>>)
// CHECK: gpu.block_id  x
// CHECK: scf.for
// CHECK: gpu.barrier
// CHECK: memref.store {{.*}}, %[[A]]
// CHECK: memref.store {{.*}}, %[[B]]
// CHECK: gpu.barrier
// CHECK: arith.mulf {{.*}} fastmath<contract>
// CHECK: arith.addf {{.*}} fastmath<contract>

// CHECK-LABEL: gpu.func @small_matmul_kernel0
// CHECK-SAME: workgroup(%{{.*}} : memref<16x64xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<16x64xf32, #gpu.address_space<workgroup>>)

// Host: workgroup loops; row reductions may be reassociated to vectorize.
// CHECK: module @tgc_host_kernels
// CHECK-LABEL: func.func @chain_kernel0_body(%{{.*}}: memref<256x256xf32>, %{{.*}}: memref<256x256xf32>, %{{.*}}: index, %{{.*}}: index)
// CHECK-LABEL: func.func @softmax_kernel0_body
// CHECK: arith.maximumf {{.*}} fastmath<reassoc,contract>
// CHECK: arith.addf {{.*}} fastmath<reassoc,contract>
// CHECK-LABEL: func.func @matmul_kernel0_body
// CHECK-SAME: (%{{.*}}: memref<4x130x64xf32>, %{{.*}}: memref<4x64x128xf32>, %{{.*}}: memref<4x130x128xf32>, %[[WS:.*]]: memref<50560xi8>, %{{.*}}: index, %{{.*}}: index)
// CHECK: memref.view %[[WS]]
// CHECK: vector.broadcast {{.*}} : f32 to vector<8xf32>
// CHECK: arith.mulf {{.*}} fastmath<contract> : vector<8xf32>
// CHECK: arith.addf {{.*}} fastmath<contract> : vector<8xf32>
