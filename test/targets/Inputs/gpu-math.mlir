// Elementwise f32 GPU kernels, one per math op, for accuracy runs on a
// device (Inputs/cuda-math-check.c): out[i] = op(in[i]) over 2^20
// elements, 256 threads per block.
module attributes {gpu.container_module} {
gpu.module @kernels {
  gpu.func @kernel_exp(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.exp %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_exp2(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.exp2 %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_expm1(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.expm1 %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_log(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.log %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_log2(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.log2 %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_log10(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.log10 %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_log1p(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.log1p %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_tanh(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.tanh %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_erf(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.erf %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_erfc(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.erfc %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_sin(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.sin %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_cos(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.cos %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_tan(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.tan %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_atan(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.atan %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_asin(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.asin %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_acos(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.acos %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_sinh(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.sinh %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_cosh(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.cosh %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_cbrt(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.cbrt %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_sqrt(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.sqrt %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_rsqrt(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %y = math.rsqrt %x : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_sigmoid(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %one = arith.constant 1.0 : f32
    %n = arith.negf %x : f32
    %e = math.exp %n : f32
    %d = arith.addf %one, %e : f32
    %y = arith.divf %one, %d : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
  gpu.func @kernel_pow2_5(%in: memref<1048576xf32>, %out: memref<1048576xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c256 = arith.constant 256 : index
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %in[%i] : memref<1048576xf32>
    %p = arith.constant 2.5 : f32
    %y = math.powf %x, %p : f32
    memref.store %y, %out[%i] : memref<1048576xf32>
    gpu.return
  }
}
}
