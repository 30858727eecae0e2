// RUN: tgc %s --emit=tg | FileCheck %s --check-prefix=TG
// RUN: tgc %s --emit=linalg | FileCheck %s --check-prefix=LINALG
// RUN: tgc %s --emit=kernels --targets=host | FileCheck %s --check-prefix=HOST-KERNELS
// RUN: tgc %s --emit=kernels --targets=sm_90 | FileCheck %s --check-prefix=GPU-KERNELS
// RUN: tgc %s --emit=llvm --targets=sm_90 | FileCheck %s --check-prefix=LLVM
// RUN: tgc %s --emit=ptx --targets=sm_90 -o %t.ptx && FileCheck %s --check-prefix=PTX < %t.ptx
// RUN: tgc %s --emit=llvm --targets=host | FileCheck %s --check-prefix=HOST-LLVM
// RUN: tgc %s --emit=asm --targets=x86_64-linux-gnu | FileCheck %s --check-prefix=X86-ASM
// RUN: tgc %s --emit=asm --targets=aarch64-linux-gnu | FileCheck %s --check-prefix=ARM-ASM
// RUN: tgc %s --emit=asm --targets=gfx1100 | FileCheck %s --check-prefix=AMD-ASM

// TG: tg.reduce_max %arg0 axes = [1] keep_dims
// TG-NOT: tg.softmax
// LINALG: linalg.generic
// LINALG-NOT: tg.
// HOST-KERNELS: tgc.kernel = #tgc.kernel_kind<row>
// HOST-KERNELS: module @tgc_host_kernels
// HOST-KERNELS-NOT: gpu.module
// GPU-KERNELS: gpu.module @tgc_gpu_kernels
// GPU-KERNELS-NOT: module @tgc_host_kernels
// LLVM: llvm.func @main_kernel0(%{{.*}}: !llvm.ptr
// LLVM-SAME: nvvm.kernel
// PTX: .target sm_90
// PTX: .entry main_kernel0(
// PTX: shfl.sync.bfly
// PTX-NOT: .extern
// HOST-LLVM: llvm.func @main_kernel0(%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// The body is a function of its own, which the entry point tail-calls.
// X86-ASM: main_kernel0_body:
// X86-ASM: vmaxps {{.*}}%ymm
// X86-ASM: main_kernel0:
// X86-ASM: jmp main_kernel0_body
// ARM-ASM: main_kernel0_body:
// ARM-ASM: fadd v{{[0-9]+}}.4s
// ARM-ASM: main_kernel0:
// ARM-ASM: b main_kernel0_body
// AMD-ASM: .amdgcn_target "amdgcn-amd-amdhsa--gfx1100"
// AMD-ASM: main_kernel0:
// AMD-ASM: s_endpgm
func.func @main(%x: tensor<4x128xf32>) -> tensor<4x128xf32> {
  %0 = tg.softmax %x axis = 1 : tensor<4x128xf32>
  return %0 : tensor<4x128xf32>
}
