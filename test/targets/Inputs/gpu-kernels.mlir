// Kernels in the shape the kernel generator emits: statically shaped memref
// bindings, workgroup memory, shuffles, barriers, scf control flow, vector
// loads/stores with alignment, f16, dynamic shared memory. Shared by the PTX and HSACO tests.
module attributes {gpu.container_module} {
gpu.module @kernels {
  // Row sum: each block reduces one row with xor-shuffles and smem.
  gpu.func @row_sum(%in: memref<8x256xf32>, %out: memref<8xf32>)
      workgroup(%smem : memref<8xf32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c32 = arith.constant 32 : index
    %one = arith.constant 1 : i32
    %width = arith.constant 32 : i32
    %v = memref.load %in[%bx, %tx] : memref<8x256xf32>
    %sum:2 = scf.while (%off = %one, %acc = %v) : (i32, f32) -> (i32, f32) {
      %more = arith.cmpi slt, %off, %width : i32
      scf.condition(%more) %off, %acc : i32, f32
    } do {
    ^bb0(%o: i32, %a: f32):
      %s, %valid = gpu.shuffle xor %a, %o, %width : f32
      %n = arith.addf %a, %s : f32
      %o2 = arith.shli %o, %one : i32
      scf.yield %o2, %n : i32, f32
    }
    %lane = arith.remui %tx, %c32 : index
    %warp = arith.divui %tx, %c32 : index
    %first_lane = arith.cmpi eq, %lane, %c0 : index
    scf.if %first_lane {
      memref.store %sum#1, %smem[%warp] : memref<8xf32, #gpu.address_space<workgroup>>
    }
    gpu.barrier
    %first = arith.cmpi eq, %tx, %c0 : index
    scf.if %first {
      %zero = arith.constant 0.0 : f32
      %total = scf.for %i = %c0 to %c8 step %c1 iter_args(%t = %zero) -> f32 {
        %p = memref.load %smem[%i] : memref<8xf32, #gpu.address_space<workgroup>>
        %t2 = arith.addf %t, %p : f32
        scf.yield %t2 : f32
      }
      memref.store %total, %out[%bx] : memref<8xf32>
    }
    gpu.return
  }

  // Vectors, f16, and block/grid sizes read at run time (no known size).
  gpu.func @vector_f16(%a: memref<1024xf32>, %b: memref<1024xf16>) kernel {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %bd = gpu.block_dim x
    %gd = gpu.grid_dim x
    %c4 = arith.constant 4 : index
    %t = arith.muli %bx, %bd : index
    %i0 = arith.addi %t, %tx : index
    %i = arith.muli %i0, %c4 : index
    %v = vector.load %a[%i] {alignment = 16} : memref<1024xf32>, vector<4xf32>
    %e = math.exp %v : vector<4xf32>
    %x0 = vector.extract %e[0] : f32 from vector<4xf32>
    %x1 = vector.extract %e[1] : f32 from vector<4xf32>
    %g = arith.index_cast %gd : index to i32
    %gf = arith.sitofp %g : i32 to f32
    %y = vector.from_elements %x0, %x1, %gf, %x0 : vector<4xf32>
    %bc = vector.broadcast %gf : f32 to vector<4xf32>
    %z = arith.addf %y, %bc : vector<4xf32>
    %h = arith.truncf %z : vector<4xf32> to vector<4xf16>
    %th = math.tanh %h : vector<4xf16>
    vector.store %z, %a[%i] {alignment = 16} : memref<1024xf32>, vector<4xf32>
    vector.store %th, %b[%i] : memref<1024xf16>, vector<4xf16>
    gpu.return
  }

  // Dynamic shared memory (sized at launch): reverses 256 floats per block.
  gpu.func @reverse(%a: memref<1024xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c0 = arith.constant 0 : index
    %c255 = arith.constant 255 : index
    %c256 = arith.constant 256 : index
    %smem = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
    %view = memref.view %smem[%c0][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<256xf32, #gpu.address_space<workgroup>>
    %base = arith.muli %bx, %c256 : index
    %i = arith.addi %base, %tx : index
    %v = memref.load %a[%i] : memref<1024xf32>
    memref.store %v, %view[%tx] : memref<256xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    %j = arith.subi %c255, %tx : index
    %w = memref.load %view[%j] : memref<256xf32, #gpu.address_space<workgroup>>
    memref.store %w, %a[%i] : memref<1024xf32>
    gpu.return
  }
}
}
