//===- LargeStack.h - run compiler work on a thread with a big stack -*- C++
//-*-===//
//
// MLIR's parser, verifier and printer recurse once per level of nesting in
// a model (attributes, regions, locations, dense literals). The front end
// limits nesting (compiler/frontends/TgFrontend.h), and the work runs on a
// thread whose stack is known to hold that depth: the main thread's stack
// is whatever `ulimit -s` says, and a host application embedding the JIT may
// call it from a thread with a small one.
//
// No LLVM here (pthreads only).
//
//===----------------------------------------------------------------------===//

#ifndef TGC_SUPPORT_LARGESTACK_H
#define TGC_SUPPORT_LARGESTACK_H

#include <cstddef>
#include <functional>

namespace tgc {

/// The stack tgc's compiler work runs on: 64 MiB (address space only; pages
/// are touched as the recursion goes).
inline constexpr size_t kCompilerStackBytes = 64u << 20;

/// Runs `fn` on a new thread with a stack of `bytes` and waits for it to
/// return. If no such thread can be made, runs it on the calling thread.
void runOnLargeStack(const std::function<void()> &fn,
                     size_t bytes = kCompilerStackBytes);

} // namespace tgc

#endif // TGC_SUPPORT_LARGESTACK_H
