// ptxas accepts what tgc emits for each chip, and the cubin is an sm_XX ELF.
// REQUIRES: ptxas
// RUN: tgc-targets-test %S/nvptx-math.mlir --target=sm_80 --validate-ptx -o /dev/null
// RUN: tgc-targets-test %S/nvptx-math.mlir --target=sm_90 --validate-ptx -o /dev/null
// RUN: tgc-targets-test %S/Inputs/gpu-kernels.mlir --target=sm_80 --validate-ptx -o /dev/null
// RUN: tgc-targets-test %S/Inputs/gpu-kernels.mlir --target=sm_90 --validate-ptx -o /dev/null
// RUN: tgc-targets-test %S/Inputs/gpu-kernels.mlir --target=sm_90 --opt=0 --validate-ptx -o /dev/null
// RUN: tgc-targets-test %S/Inputs/gpu-kernels.mlir --target=sm_90 --emit=cubin -o %t.cubin
// RUN: llvm-readelf -h %t.cubin | FileCheck %s

// CHECK: Machine: NVIDIA CUDA architecture
// CHECK: Flags: {{.*}}sm_90
