/*===- host_kernels.c - host kernels for the runtime tests ---------------===//
 *
 * Hand-written stand-ins for compiler output, implementing the host kernel
 * ABI: fn(bindings, workgroup_begin, workgroup_end). One workgroup handles
 * one element, so the launch grid is the element count.
 *
 *===---------------------------------------------------------------------===*/

#include <stdint.h>

void tgc_test_add_f32(void *const *bindings, int64_t begin, int64_t end) {
  const float *x = (const float *)bindings[0];
  const float *y = (const float *)bindings[1];
  float *out = (float *)bindings[2];
  for (int64_t i = begin; i < end; ++i)
    out[i] = x[i] + y[i];
}

void tgc_test_mul_f32(void *const *bindings, int64_t begin, int64_t end) {
  const float *x = (const float *)bindings[0];
  const float *y = (const float *)bindings[1];
  float *out = (float *)bindings[2];
  for (int64_t i = begin; i < end; ++i)
    out[i] = x[i] * y[i];
}

void tgc_test_not_i1(void *const *bindings, int64_t begin, int64_t end) {
  const uint8_t *x = (const uint8_t *)bindings[0];
  uint8_t *out = (uint8_t *)bindings[1];
  for (int64_t i = begin; i < end; ++i)
    out[i] = !x[i];
}
