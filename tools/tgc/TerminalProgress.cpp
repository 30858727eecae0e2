//===- TerminalProgress.cpp - one self-updating status line ---------------===//

#include "tools/tgc/TerminalProgress.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace tgc;

bool TerminalProgress::wanted() {
  return llvm::sys::Process::StandardErrIsDisplayed();
}

TerminalProgress::TerminalProgress()
    : start_(std::chrono::steady_clock::now()) {
  // Redraws each second, so the elapsed time moves during the long stages
  // (LLVM code generation of a large model takes most of the time).
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1),
                           [this] { return stopping_; }))
      if (drawn_)
        drawLocked();
  });
}

TerminalProgress::~TerminalProgress() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    eraseLocked();
  }
  wake_.notify_all();
  ticker_.join();
}

void TerminalProgress::update(llvm::StringRef stage, size_t kernels) {
  std::lock_guard<std::mutex> lock(mutex_);
  stage_ = stage.str();
  kernels_ = kernels;
  drawLocked();
}

void TerminalProgress::erase() {
  std::lock_guard<std::mutex> lock(mutex_);
  eraseLocked();
}

void TerminalProgress::drawLocked() {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::steady_clock::now() - start_)
                     .count();
  // \r and "erase to end of line" (ANSI EL): the line is rewritten in place.
  llvm::errs() << "\r\x1b[Ktgc: " << stage_;
  if (kernels_)
    llvm::errs() << ", " << kernels_ << " kernels";
  llvm::errs() << ", " << seconds << " s";
  llvm::errs().flush();
  drawn_ = true;
}

void TerminalProgress::eraseLocked() {
  if (!drawn_)
    return;
  llvm::errs() << "\r\x1b[K";
  llvm::errs().flush();
  drawn_ = false;
}
