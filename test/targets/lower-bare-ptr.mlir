// The lowered gpu.module: one pointer per binding, launch bounds from
// known_block_size, no calls left.
// RUN: tgc-targets-test %s --target=sm_90 --emit=mlir | FileCheck %s --check-prefix=NVVM
// RUN: tgc-targets-test %s --target=gfx1100 --emit=mlir | FileCheck %s --check-prefix=ROCDL
// RUN: tgc-targets-test %s --target=sm_90 --index-bitwidth=32 --emit=mlir | FileCheck %s --check-prefix=I32

// NVVM-LABEL: llvm.func @scale(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// NVVM-SAME: nvvm.kernel
// NVVM-SAME: nvvm.maxntid = array<i32: 64, 2, 1>
// NVVM-NOT: llvm.call
// NVVM: llvm.intr.sqrt
// NVVM-NOT: llvm.call

// ROCDL-LABEL: llvm.func @scale(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// ROCDL-SAME: rocdl.flat_work_group_size = "1,128"
// ROCDL-SAME: rocdl.kernel
// ROCDL-NOT: llvm.call

// I32: llvm.getelementptr {{.*}}(!llvm.ptr, i32) -> !llvm.ptr, f32

module attributes {gpu.container_module} {
gpu.module @kernels {
  gpu.func @scale(%a: memref<2x64xf32>, %b: memref<2x64xf32>) kernel
      attributes {known_block_size = array<i32: 64, 2, 1>} {
    %tx = gpu.thread_id x
    %ty = gpu.thread_id y
    %x = memref.load %a[%ty, %tx] : memref<2x64xf32>
    %y = math.sqrt %x : f32
    memref.store %y, %b[%ty, %tx] : memref<2x64xf32>
    gpu.return
  }
}
}
