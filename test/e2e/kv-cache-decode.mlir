// One decode step of attention compiled once for a maximum context of 4:
// the new key is written into the cache at a run-time position
// (tg.dynamic_update_slice) and attention is masked to rows 0..pos. The same
// bundle serves every position; tg-run and tg-eval (the reference) agree.
// The cache doubles as the values to keep the test small.
// RUN: tgc %s --targets=host -o %t.bin
// RUN: tgc %s --targets=host --emit=schedule | FileCheck %s --check-prefix=SCHED
// RUN: tgc %s --targets=host --emit=kernels | FileCheck %s --check-prefix=KERNELS
// RUN: tgc %s --targets=host,sm_90 --emit=kernels | FileCheck %s --check-prefix=MIXED
// RUN: tg-run %t.bin --function=decode --input="4x2xf32=1 0 0 1 9 9 9 9" --input="1x2xf32=1 1" --input="1x2xf32=0 0" --input="i32=2" | FileCheck %s --check-prefix=POS2
// RUN: tg-eval %s --function=decode --input="4x2xf32=1 0 0 1 9 9 9 9" --input="1x2xf32=1 1" --input="1x2xf32=0 0" --input="i32=2" | FileCheck %s --check-prefix=POS2
// RUN: tg-run %t.bin --function=decode --input="4x2xf32=1 0 0 1 9 9 9 9" --input="1x2xf32=1 1" --input="1x2xf32=0 0" --input="i32=0" | FileCheck %s --check-prefix=POS0
// RUN: tg-eval %s --function=decode --input="4x2xf32=1 0 0 1 9 9 9 9" --input="1x2xf32=1 1" --input="1x2xf32=0 0" --input="i32=0" | FileCheck %s --check-prefix=POS0
// RUN: tg-run %t.bin --function=decode --input="4x2xf32=1 0 0 1 9 9 9 9" --input="1x2xf32=1 1" --input="1x2xf32=0 0" --input="i32=7" | FileCheck %s --check-prefix=POS7
// RUN: tg-eval %s --function=decode --input="4x2xf32=1 0 0 1 9 9 9 9" --input="1x2xf32=1 1" --input="1x2xf32=0 0" --input="i32=7" | FileCheck %s --check-prefix=POS7

// The cache update is its own kernel, writing only the new row into the
// output (%5) after a copy of the cache (input 0, %0) onto it, which the
// runtime skips when a caller donates the cache buffer to output 1; the
// kernel never reads %0 (in place). Attention reads the updated cache from
// the output rather than recomputing it from the input, and is one fused
// kernel whose key loop stops at pos + 1 (the mask is a key count). So a
// caller may donate the cache: nothing reads input 0 once output 1 is
// written.
// SCHED: %0 = input 0, 32 B
// SCHED: %5 = output 1, 32 B
// SCHED-NEXT: copy 32 B from %0 to %5
// SCHED-NEXT: dispatch @[[UPDATE:decode_kernel[0-9]+]](%0, %1, %3, %5)
// SCHED-NEXT: dispatch @[[ATTENTION:decode_kernel[0-9]+]](%2, %5, %3, %4)
// SCHED-NOT: dispatch
// SCHED: kernel @[[UPDATE]]: 4 bindings, host workgroups 1, in place 0

// KERNELS-DAG: tgc.kernel = #tgc.kernel_kind<update_slice>
// KERNELS-DAG: tgc.attention {{.*}} key_count(
// With a GPU target the update is the same kernel (a GPU one too);
// attention is not fused.
// MIXED-NOT: tgc.attention
// MIXED: tgc.kernel = #tgc.kernel_kind<update_slice>
// MIXED-NOT: tgc.attention
// MIXED: gpu.module @tgc_gpu_kernels
// MIXED-NOT: tgc.attention

// Rows 0..2 attended (uniformly: q is 0), row 2 is the new key.
// POS2: result[0]: tensor<1x2xf32>
// POS2-NEXT: 0.666667 0.666667
// POS2: result[1]: tensor<4x2xf32>
// POS2-NEXT: 1 0
// POS2-NEXT: 0 1
// POS2-NEXT: 1 1
// POS2-NEXT: 9 9

// POS0: result[0]: tensor<1x2xf32>
// POS0-NEXT: 1 1
// POS0: result[1]: tensor<4x2xf32>
// POS0-NEXT: 1 1
// POS0-NEXT: 0 1

// A position past the end: the write is clamped to the last row, the mask
// lets every row through.
// POS7: result[0]: tensor<1x2xf32>
// POS7-NEXT: 2.75 2.75
// POS7: result[1]: tensor<4x2xf32>
// POS7-NEXT: 1 0
// POS7-NEXT: 0 1
// POS7-NEXT: 9 9
// POS7-NEXT: 1 1
func.func @decode(%cache: tensor<4x2xf32>, %k: tensor<1x2xf32>, %q: tensor<1x2xf32>, %pos: tensor<i32>) -> (tensor<1x2xf32>, tensor<4x2xf32>) {
  %zero = tg.constant dense<0> : tensor<i32>
  %c = tg.dynamic_update_slice %cache, %k, %pos, %zero : tensor<4x2xf32>, tensor<1x2xf32>, tensor<i32>, tensor<i32> -> tensor<4x2xf32>
  %s = tg.matmul %q, %c transpose_b : tensor<1x2xf32>, tensor<4x2xf32> -> tensor<1x4xf32>
  %row = tg.iota dimension = 1 : tensor<1x4xi32>
  %visible = tg.compare le, %row, %pos : tensor<1x4xi32>, tensor<i32> -> tensor<1x4xi1>
  %ninf = tg.constant dense<0xFF800000> : tensor<f32>
  %masked = tg.select %visible, %s, %ninf : tensor<1x4xi1>, tensor<1x4xf32>, tensor<f32> -> tensor<1x4xf32>
  %p = tg.softmax %masked axis = 1 : tensor<1x4xf32>
  %out = tg.matmul %p, %c : tensor<1x4xf32>, tensor<4x2xf32> -> tensor<1x2xf32>
  return %out, %c : tensor<1x2xf32>, tensor<4x2xf32>
}
