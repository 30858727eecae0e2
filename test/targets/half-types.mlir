// f16 and bf16 kernels compile for every target without conversion
// libcalls: bf16 math and arithmetic run in f32 on CPUs, with integer-op
// conversions; f16 uses F16C (x86-64-v3) or native AArch64 conversions.
// RUN: tgc-targets-test %s --target=sm_90 | FileCheck %s --check-prefix=PTX
// RUN: tgc-targets-test %s --target=sm_80 | FileCheck %s --check-prefix=PTX
// REQUIRES: ld.lld
// RUN: tgc-targets-test %s --target=gfx1100 -o %t.hsaco
// RUN: tgc-targets-test %S/Inputs/host-half.mlir --target=x86_64-linux-gnu -o %t.x86.so
// RUN: llvm-nm -D --undefined-only %t.x86.so | count 0
// RUN: tgc-targets-test %S/Inputs/host-half.mlir --target=aarch64-linux-gnu -o %t.a64.so
// RUN: llvm-nm -D --undefined-only %t.a64.so | count 0

// PTX-NOT: .extern
// PTX: .entry half(

module attributes {gpu.container_module} {
gpu.module @kernels {
  gpu.func @half(%a: memref<256xf16>, %b: memref<256xbf16>) kernel
      attributes {known_block_size = array<i32: 32, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %c32 = arith.constant 32 : index
    %base = arith.muli %bx, %c32 : index
    %i = arith.addi %base, %tx : index
    %x = memref.load %a[%i] : memref<256xf16>
    %y = memref.load %b[%i] : memref<256xbf16>
    %ex = math.tanh %x : f16
    %ey = math.exp %y : bf16
    %sy = math.sqrt %ey : bf16
    %s = arith.addf %sy, %ey : bf16
    %w = arith.extf %s : bf16 to f32
    %h = arith.truncf %w : f32 to f16
    %r = arith.mulf %h, %ex : f16
    memref.store %r, %a[%i] : memref<256xf16>
    memref.store %s, %b[%i] : memref<256xbf16>
    gpu.return
  }
}
}
