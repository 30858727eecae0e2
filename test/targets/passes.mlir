// The target lowering steps are passes of their own (Passes.td), so tg-opt
// runs each one alone.
// RUN: tg-opt %s --split-input-file --tgc-lower-math | FileCheck %s --check-prefix=MATH
// RUN: tg-opt %s --split-input-file --tgc-lower-math --tgc-prepare-vector --convert-scf-to-cf --tgc-convert-host-module | FileCheck %s --check-prefix=HOST
// RUN: tg-opt %s --split-input-file --pass-pipeline='builtin.module(gpu.module(tgc-lower-math,tgc-amd-dispatch-packet,tgc-convert-gpu-module{chip=gfx1100}))' | FileCheck %s --check-prefix=AMD
// RUN: not tg-opt %s --split-input-file --pass-pipeline='builtin.module(gpu.module(tgc-convert-gpu-module{chip=host}))' 2>&1 | FileCheck %s --check-prefix=NOTGPU

// MATH-LABEL: func.func @exp
// MATH-NOT: math.exp
// MATH: return
// HOST-LABEL: llvm.func @exp
// HOST-NOT: math.
func.func @exp(%x: f32) -> f32 {
  %0 = math.exp %x : f32
  return %0 : f32
}

// -----

// AMD: gpu.module @kernels
// AMD: llvm.func @scale
// AMD-SAME: rocdl.kernel
// AMD-NOT: gpu.block_dim
// NOTGPU: error: 'host' is not a GPU chip
gpu.module @kernels {
  gpu.func @scale(%buf: memref<256xf32>) kernel {
    %t = gpu.thread_id x
    %b = gpu.block_dim x
    %v = memref.load %buf[%t] : memref<256xf32>
    %e = math.exp %v : f32
    memref.store %e, %buf[%t] : memref<256xf32>
    gpu.return
  }
}
