/* Host kernels for hal-tests, built as a shared library at test-build time
 * and loaded from its bytes, the way the runtime loads the host code object
 * of a bundle. Every kernel follows the host kernel ABI:
 *   void kernel(void *const *bindings, int64_t begin, int64_t end);
 * and runs workgroups [begin, end). TGC_FIXTURE_MARK tells two builds of this
 * file apart. */
#include <stdint.h>

#ifndef TGC_FIXTURE_MARK
#define TGC_FIXTURE_MARK 1
#endif

/* bindings[0]: int64_t values[grid], bindings[1]: int32_t hits[grid]. Each
 * workgroup writes its index times the mark and counts its visit, atomically
 * so that a workgroup run twice shows up as 2. */
void tgc_fixture_write_index(void *const *bindings, int64_t begin,
                             int64_t end) {
  int64_t *values = (int64_t *)bindings[0];
  int32_t *hits = (int32_t *)bindings[1];
  for (int64_t i = begin; i < end; ++i) {
    values[i] = i * TGC_FIXTURE_MARK;
    __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  }
}

/* Workgroup i writes i into the int64_t that binding i points at: checks that
 * every binding arrives, in order, however many there are. */
void tgc_fixture_fill_bindings(void *const *bindings, int64_t begin,
                               int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    *(int64_t *)bindings[i] = i;
}

/* bindings[0]: int64_t ok[grid], bindings[1]: the per-thread workspace the
 * host device appends (launched with workspace bytes > 0). Each workgroup
 * fills the first 4 KiB of the workspace with its index, spins a little so
 * other threads run meanwhile, then checks that nothing else wrote there and
 * that the workspace is 64-byte aligned: ok[i] = 1 when both hold. */
void tgc_fixture_use_workspace(void *const *bindings, int64_t begin,
                               int64_t end) {
  int64_t *ok = (int64_t *)bindings[0];
  volatile int64_t *workspace = (volatile int64_t *)bindings[1];
  for (int64_t i = begin; i < end; ++i) {
    for (int j = 0; j < 512; ++j)
      workspace[j] = i;
    for (volatile int spin = 0; spin < 20000; ++spin) {
    }
    int64_t good = ((uintptr_t)workspace % 64) == 0;
    for (int j = 0; j < 512; ++j)
      good &= workspace[j] == i;
    ok[i] = good;
  }
}

/* Which build of this file was loaded. */
int64_t tgc_fixture_mark(void) { return TGC_FIXTURE_MARK; }
