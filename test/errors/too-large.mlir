// Tensors so large that a kernel needs more workgroups than a launch can
// have (the bundle stores 32-bit counts): tgc wrote the count truncated, 0
// here, and the runtime rejected the bundle at load ("grid[0] is zero");
// a count truncated to nonzero would have run part of the kernel. tgc now
// rejects it with an error on the op. A row of docs/errors.md.
// RUN: not tgc %s --targets=host -o %t.bin 2>&1 | FileCheck %s
// CHECK: too-large.mlir:[[@LINE+3]]:8: error: kernel 'main_kernel{{[0-9]+}}' needs 17179869184 workgroups on x86_64-{{.*}}, more than a launch can have (4294967295): its tensors are too large

func.func @main(%x: tensor<4194304x2xf32>, %y: tensor<2x8388608xf32>) -> (tensor<8388608xf32>, tensor<4194304xf32>) {
  %0 = tg.matmul %x, %y : tensor<4194304x2xf32>, tensor<2x8388608xf32> -> tensor<4194304x8388608xf32>
  %1 = tg.reduce_max %0 axes = [0] : tensor<4194304x8388608xf32> -> tensor<8388608xf32>
  %2 = tg.reduce_max %0 axes = [1] : tensor<4194304x8388608xf32> -> tensor<4194304xf32>
  return %1, %2 : tensor<8388608xf32>, tensor<4194304xf32>
}
