//===- LargeStack.cpp - run compiler work on a thread with a big stack ----===//

#include "support/LargeStack.h"

#include <exception>
#include <pthread.h>

namespace {
struct Work {
  const std::function<void()> *fn;
  std::exception_ptr error;
};
} // namespace

static void *trampoline(void *arg) {
  auto *work = static_cast<Work *>(arg);
  // An exception (std::bad_alloc) must reach the caller's handlers, not
  // end the process on this thread.
  try {
    (*work->fn)();
  } catch (...) {
    work->error = std::current_exception();
  }
  return nullptr;
}

void tgc::runOnLargeStack(const std::function<void()> &fn, size_t bytes) {
  Work work{&fn, nullptr};
  pthread_attr_t attr;
  pthread_t thread;
  bool started = pthread_attr_init(&attr) == 0;
  if (started) {
    started = pthread_attr_setstacksize(&attr, bytes) == 0 &&
              pthread_create(&thread, &attr, trampoline, &work) == 0;
    pthread_attr_destroy(&attr);
  }
  if (!started) {
    fn();
    return;
  }
  pthread_join(thread, nullptr);
  if (work.error)
    std::rethrow_exception(work.error);
}
