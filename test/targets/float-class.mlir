// isnan/isinf/isfinite/isnormal and rounding ops are compares and
// instructions on every target (MathToLLVM has no lowering for most of the
// classification ops).
// RUN: tgc-targets-test %s --target=sm_90 | FileCheck %s
// REQUIRES: ld.lld
// RUN: tgc-targets-test %s --target=gfx1100 -o %t.hsaco
// RUN: tgc-targets-test %S/Inputs/host-float-class.mlir --target=host -o %t.so
// RUN: llvm-nm -D --undefined-only %t.so | count 0
// RUN: tgc-targets-test %S/Inputs/host-float-class.mlir --target=aarch64-linux-gnu -o %t.a64.so
// RUN: llvm-nm -D --undefined-only %t.a64.so | count 0

// CHECK-NOT: .extern
// CHECK: .entry classify(
// CHECK: cvt.rni.f32.f32

module attributes {gpu.container_module} {
gpu.module @kernels {
  gpu.func @classify(%a: memref<32xf32>, %b: memref<32xi8>) kernel {
    %i = gpu.thread_id x
    %v = memref.load %a[%i] : memref<32xf32>
    %n = math.isnan %v : f32
    %f = math.isinf %v : f32
    %t = math.isfinite %v : f32
    %m = math.isnormal %v : f32
    %o1 = arith.ori %n, %f : i1
    %o2 = arith.xori %t, %m : i1
    %o = arith.ori %o1, %o2 : i1
    %byte = arith.extui %o : i1 to i8
    memref.store %byte, %b[%i] : memref<32xi8>
    %r = math.roundeven %v : f32
    %c = math.ceil %r : f32
    %z = math.trunc %c : f32
    %w = math.round %z : f32
    %s = math.copysign %w, %v : f32
    memref.store %s, %a[%i] : memref<32xf32>
    gpu.return
  }
}
}
