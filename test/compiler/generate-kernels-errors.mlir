// Kernel generation reports what it cannot evaluate where it is, for every
// target family, and fails the pass: it never aborts the process (the JIT
// runs inside applications).
// RUN: not tg-opt %s --tgc-generate-host-kernels 2>&1 | FileCheck %s
// RUN: not tg-opt %s --tgc-generate-gpu-kernels 2>&1 | FileCheck %s

// CHECK: error: kernel generator cannot evaluate this op
// CHECK: error: cannot generate a {{host|GPU}} kernel
func.func private @main_kernel0(%a: tensor<4x8xf32>) -> tensor<4x8xf32>
    attributes {tgc.kernel = #tgc.kernel_kind<elementwise>} {
  %0 = arith.addf %a, %a : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
