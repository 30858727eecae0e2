//===- TestSupport.h - helpers for hal-tests -----------------*- C++ -*-===//

#ifndef TGC_TEST_UNIT_DRIVER_TESTSUPPORT_H
#define TGC_TEST_UNIT_DRIVER_TESTSUPPORT_H

#include <optional>
#include <string>
#include <vector>

namespace tgc::test {

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
