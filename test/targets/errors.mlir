// User-reachable failures are located diagnostics, never crashes, and
// missing tools are named.
// RUN: split-file %s %t
// RUN: not tgc-targets-test %t/f64-exp.mlir --target=sm_90 2>&1 | FileCheck %s --check-prefix=F64
// RUN: not tgc-targets-test %t/f64-exp.mlir --target=gfx1100 2>&1 | FileCheck %s --check-prefix=F64
// RUN: not tgc-targets-test %t/remf.mlir --target=host -o %t/remf.so 2>&1 | FileCheck %s --check-prefix=REMF
// RUN: not tgc-targets-test %t/gpu.mlir --target=sm_90 --ptx-version=70 2>&1 | FileCheck %s --check-prefix=PTXVER
// RUN: not tgc-targets-test %t/gpu.mlir --target=sm_91 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not tgc-targets-test %t/gpu.mlir --target=gfx9999 -o %t/x.hsaco 2>&1 | FileCheck %s --check-prefix=GFX
// RUN: env TGC_LD_LLD=%t/none not tgc-targets-test %t/gpu.mlir --target=gfx1100 -o %t/x.hsaco 2>&1 | FileCheck %s --check-prefix=NOLLD
// RUN: env TGC_LD_LLD=%t/none not tgc-targets-test %t/host.mlir --target=host -o %t/x.so 2>&1 | FileCheck %s --check-prefix=NOLLD-HOST
// RUN: env TGC_PTXAS=%t/none tgc-targets-test %t/gpu.mlir --target=sm_90 --emit=cubin -o %t/x.cubin 2>&1 | FileCheck %s --check-prefix=NOPTXAS
// RUN: not tgc-targets-test %t/host.mlir --target=riscv64-linux-gnu -o %t/x.so 2>&1 | FileCheck %s --check-prefix=TRIPLE
// RUN: not tgc-targets-test %t/host.mlir --target=host --host-cpu=pentium9 -o %t/x.so 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not tgc-targets-test %t/bad-body.mlir --target=host -o %t/x.so 2>&1 | FileCheck %s --check-prefix=BODY
// RUN: not tgc-targets-test %t/f16.mlir --target=x86_64-linux-gnu --host-cpu=x86-64-v2 -o %t/x.so 2>&1 | FileCheck %s --check-prefix=F16C
// RUN: not tgc-targets-test %t/host.mlir --target=host --host-native -o %t/x.so --run=kernel_exp:exp:-10:10 --max-ulp=0.01 | FileCheck %s --check-prefix=ULP

// F64: f64-exp.mlir:6:10: error: 'math.exp' op on 'f64' has no lowering without a math library (tgc approximates it for f16, bf16 and f32 only)
// REMF: remf.mlir:{{.*}}error: 'arith.remf' op needs fmod from libm, which host code may not use
// PTXVER: error: PTX ISA 7.0 does not support sm_90 (it needs 7.8 or newer)
// CHIP: error: 'sm_91' is not a processor LLVM knows for 'nvptx64-nvidia-cuda'
// GFX: error: 'gfx9999' is not a processor LLVM knows for 'amdgcn-amd-amdhsa'
// NOLLD: error: ld.lld is needed to link AMD code objects but was not found
// NOLLD-HOST: error: ld.lld is needed to link host code but was not found
// NOPTXAS: warning: no cubin: ptxas not found
// TRIPLE: error: host code for 'riscv64-unknown-linux-gnu' is not supported (x86_64 and aarch64 are)
// CPU: error: 'pentium9' is not a processor LLVM knows for 'x86_64-pc-linux-gnu'
// BODY: bad-body.mlir:1:1: error: binding 1 must be a statically shaped memref with identity layout in the default memory space, not 'memref<?xf32>'
// F16C: error: host library for x86_64-unknown-linux-gnu would import symbols only libm/compiler-rt provide: {{.*}}__extendhfsf2{{.*}} (on x86, rounding instructions need SSE4.1 (x86-64-v2) and f16 conversions need F16C (x86-64-v3, the default CPU))
// ULP: kernel_exp exp [-10, 10] {{.*}} FAIL

//--- f64-exp.mlir
module attributes {gpu.container_module} {
gpu.module @kernels {
  gpu.func @kernel_0(%a: memref<16xf64>) kernel {
    %tx = gpu.thread_id x
    %v = memref.load %a[%tx] : memref<16xf64>
    %e = math.exp %v : f64
    memref.store %e, %a[%tx] : memref<16xf64>
    gpu.return
  }
}
}

//--- gpu.mlir
module attributes {gpu.container_module} {
gpu.module @kernels {
  gpu.func @kernel_0(%a: memref<16xf32>) kernel {
    %tx = gpu.thread_id x
    %v = memref.load %a[%tx] : memref<16xf32>
    %e = math.exp %v : f32
    memref.store %e, %a[%tx] : memref<16xf32>
    gpu.return
  }
}
}

//--- remf.mlir
func.func @kernel_rem_body(%a: memref<16xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<16xf32>
  %r = arith.remf %v, %v : f32
  memref.store %r, %a[%c0] : memref<16xf32>
  return
}

//--- host.mlir
func.func @kernel_exp_body(%in: memref<4096xf32>, %out: memref<4096xf32>,
                           %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %wg = %begin to %end step %c1 {
    %base = arith.muli %wg, %c64 : index
    scf.for %j = %c0 to %c64 step %c1 {
      %i = arith.addi %base, %j : index
      %x = memref.load %in[%i] : memref<4096xf32>
      %y = math.exp %x : f32
      memref.store %y, %out[%i] : memref<4096xf32>
    }
  }
  return
}

//--- bad-body.mlir
func.func @kernel_dyn_body(%a: memref<16xf32>, %b: memref<?xf32>, %begin: index, %end: index) {
  return
}

//--- f16.mlir
func.func @kernel_half_body(%a: memref<16xf16>, %b: memref<16xf32>, %begin: index, %end: index) {
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<16xf16>
  %w = arith.extf %v : f16 to f32
  memref.store %w, %b[%c0] : memref<16xf32>
  %h = arith.truncf %w : f32 to f16
  memref.store %h, %a[%c0] : memref<16xf16>
  return
}
