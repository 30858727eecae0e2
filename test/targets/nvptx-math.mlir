// Every math op becomes arithmetic or a native instruction: the PTX declares
// no external function (no libdevice), for the oldest PTX ISA each chip
// accepts. Kernel parameters are one 64-bit pointer per memref binding.
// RUN: tgc-targets-test %s --target=sm_90 | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: tgc-targets-test %s --target=sm_80 | FileCheck %s --check-prefixes=CHECK,SM80
// RUN: tgc-targets-test %s --target=sm_90 --opt=0 | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: tgc-targets-test %s --target=sm_90 --ptx-version=85 | FileCheck %s --check-prefix=PTX85

// CHECK-NOT: .extern
// CHECK-NOT: __nv_
// SM90: .version 7.8
// SM90: .target sm_90
// SM80: .version 7.0
// SM80: .target sm_80
// PTX85: .version 8.5
// CHECK-LABEL: .visible .entry math(
// CHECK-NEXT: .param .u64 .ptr .align 1 math_param_0,
// CHECK-NEXT: .param .u64 .ptr .align 1 math_param_1,
// CHECK-NEXT: .param .u64 .ptr .align 1 math_param_2
// CHECK-NEXT: )
// CHECK-NEXT: .maxntid 128, 1, 1
// CHECK-DAG: sqrt.rn.f32
// CHECK-DAG: cvt.rmi.f32.f32
// CHECK-DAG: fma.rn.f32
// CHECK-NOT: .extern
// CHECK-NOT: call

module attributes {gpu.container_module} {
gpu.module @kernels {
  gpu.func @math(%a: memref<4x128xf32>, %b: memref<4x128xf32>,
                 %h: memref<4x128xf16>) kernel
      attributes {known_block_size = array<i32: 128, 1, 1>} {
    %tx = gpu.thread_id x
    %bx = gpu.block_id x
    %x = memref.load %a[%bx, %tx] : memref<4x128xf32>
    %0 = math.exp %x : f32
    %1 = math.log %0 : f32
    %2 = math.tanh %1 : f32
    %3 = math.erf %2 : f32
    %4 = math.sin %3 : f32
    %5 = math.cos %4 : f32
    %6 = math.powf %5, %x : f32
    %7 = math.sqrt %6 : f32
    %8 = math.rsqrt %7 : f32
    %9 = math.absf %8 : f32
    %10 = math.exp2 %9 : f32
    %11 = math.expm1 %10 : f32
    %12 = math.log2 %11 : f32
    %13 = math.log10 %12 : f32
    %14 = math.log1p %13 : f32
    %15 = math.tan %14 : f32
    %16 = math.atan %15 : f32
    %17 = math.erfc %16 : f32
    %18 = math.floor %17 : f32
    %19 = math.fma %18, %x, %x : f32
    %20 = arith.remf %19, %x : f32
    %21 = math.sinh %20 : f32
    %22 = math.cbrt %21 : f32
    memref.store %22, %b[%bx, %tx] : memref<4x128xf32>
    %y = memref.load %h[%bx, %tx] : memref<4x128xf16>
    %t = math.tanh %y : f16
    %e = math.exp %t : f16
    memref.store %e, %h[%bx, %tx] : memref<4x128xf16>
    gpu.return
  }
}
}
