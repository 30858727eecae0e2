//===- TerminalProgress.h - one self-updating status line -------*- C++ -*-===//
//
// While tgc compiles, a terminal shows one line saying what it is doing:
//
//   tgc: code generation, 1052 kernels, 12 s
//
// redrawn in place (every second, and at each stage) and erased when the
// compile ends, so nothing of it stays on screen or reaches a log: it is
// drawn only when stderr is a terminal, and not with -v (which prints each
// stage on its own line instead).
//
//===----------------------------------------------------------------------===//

#ifndef TGC_TOOLS_TGC_TERMINALPROGRESS_H
#define TGC_TOOLS_TGC_TERMINALPROGRESS_H

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace tgc {

class TerminalProgress {
public:
  /// Whether stderr is a terminal (the line is worth drawing).
  static bool wanted();

  TerminalProgress();
  /// Erases the line.
  ~TerminalProgress();
  TerminalProgress(const TerminalProgress &) = delete;
  TerminalProgress &operator=(const TerminalProgress &) = delete;

  /// A new stage began.
  void update(llvm::StringRef stage, size_t kernels);
  /// Erases the line until the next update (before a diagnostic).
  void erase();

private:
  void drawLocked();
  void eraseLocked();

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool drawn_ = false;
  std::string stage_;
  size_t kernels_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::thread ticker_;
};

} // namespace tgc

#endif // TGC_TOOLS_TGC_TERMINALPROGRESS_H
