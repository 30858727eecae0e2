//===- TestSupport.h - helpers for hal-tests -----------------*- C++ -*-===//

#ifndef TGC_TEST_UNIT_DRIVER_TESTSUPPORT_H
#define TGC_TEST_UNIT_DRIVER_TESTSUPPORT_H

#include "hal/Device.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tgc::test {

/// A CompiledCodeCache in memory that records what a backend asks of it:
/// entries are keyed by kind, arch, driver version and source bytes.
class RecordingCodeCache final : public hal::CompiledCodeCache {
public:
  hal::Status getOrCompile(const Key &key, const CompileFn &compile,
                           std::vector<uint8_t> &out) override;

  std::vector<Key> requests; // every key asked for; `source` is dangling
  int compiles = 0;
  std::map<std::string, std::vector<uint8_t>> entries;
};

/// The bytes of a file; empty if it cannot be read.
std::vector<char> readFileBytes(const std::string &path);

/// Where a fixture library built with the tests lives: its build path, or,
/// when the build tree was moved, the same file name next to the executable.
std::string fixturePath(const std::string &builtPath);

/// Sets (or with std::nullopt, unsets) an environment variable for one scope.
class ScopedEnv {
public:
  ScopedEnv(const char *name, std::optional<std::string> value);
  ~ScopedEnv();

private:
  std::string name_;
  std::optional<std::string> previous_;
};

} // namespace tgc::test

#endif // TGC_TEST_UNIT_DRIVER_TESTSUPPORT_H
