// Tensors so large that a kernel needs more workgroups than a launch can
// have (the bundle stores 32-bit counts): tgc wrote the count truncated, 0
// here, and the runtime rejected the bundle at load ("grid[0] is zero");
// a count truncated to nonzero would have run part of the kernel. tgc now
// rejects it with an error on the op. A row of docs/errors.md.
// RUN: not tgc %s --targets=host -o %t.bin 2>&1 | FileCheck %s
// CHECK: too-large.mlir:[[@LINE+3]]:8: error: kernel 'main_kernel{{[0-9]+}}' needs 4294967296 workgroups on x86_64-{{.*}}, more than a launch can have (4294967295): its tensors are too large

func.func @main(%x: tensor<4294967296x16384xi8>) -> tensor<4294967296x16384xi8> {
  %0 = tg.add %x, %x : tensor<4294967296x16384xi8>, tensor<4294967296x16384xi8> -> tensor<4294967296x16384xi8>
  return %0 : tensor<4294967296x16384xi8>
}
