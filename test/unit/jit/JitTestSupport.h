//===- JitTestSupport.h - shared pieces of the JIT unit tests ---*- C++ -*-===//

#ifndef TGC_TEST_UNIT_JIT_JITTESTSUPPORT_H
#define TGC_TEST_UNIT_JIT_JITTESTSUPPORT_H

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tgc::test {

/// relu over 4 floats; kReluReformatted is the same model with other
/// whitespace, comments and SSA names.
extern const char *const kRelu;
extern const char *const kReluReformatted;

/// `x * scale + 1` over 4 floats: models of identical size that differ
/// only in a constant (for eviction).
std::string scaleModel(int scale);

/// A fresh directory under /tmp, removed (permissions restored) at the end.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

/// The compile cache's bundle entries under `cacheRoot`/bundles (not the
/// small alias entries that map a source text to its key).
std::vector<std::filesystem::path> cacheEntries(const std::string &cacheRoot);
/// All entries' bytes: what the size limit bounds.
uint64_t cacheBytes(const std::string &cacheRoot);

/// Runs this test executable as `--compile-child` in a new process (fork and
/// exec, so no thread or lock state of the parent is inherited): it compiles
/// `modelPath` with the JIT on the host with the given cache root and exits
/// with 10 + the tgc_jit_cache_result_t, or 1 on error. Returns the pid.
pid_t spawnCompileChild(const std::string &cacheRoot,
                        const std::string &modelPath);
/// Waits for `pid`; its exit code, or -1 if it did not exit normally.
int waitForChild(pid_t pid);

/// The --compile-child mode itself (called from main).
int compileChildMain(const char *cacheRoot, const char *modelPath);

} // namespace tgc::test

#endif // TGC_TEST_UNIT_JIT_JITTESTSUPPORT_H
