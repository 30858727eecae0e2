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

/* Which build of this file was loaded. */
int64_t tgc_fixture_mark(void) { return TGC_FIXTURE_MARK; }
