//===- TestSupport.cpp - helpers for hal-tests -------------------------===//

#include "test/unit/hal/TestSupport.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <unistd.h>

namespace tgc::test {

hal::Status RecordingCodeCache::getOrCompile(const Key &key,
                                             const CompileFn &compile,
                                             std::vector<uint8_t> &out) {
  requests.push_back(key);
  std::string entry =
      std::string(key.kind) + "|" + key.arch + "|" + key.driverVersion + "|" +
      std::string(static_cast<const char *>(key.source), key.sourceSize);
  auto found = entries.find(entry);
  if (found != entries.end()) {
    out = found->second;
    return hal::Status();
  }
  ++compiles;
  hal::Status status = compile(out);
  if (status)
    entries[entry] = out;
  return status;
}

std::vector<char> readFileBytes(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(file),
                           std::istreambuf_iterator<char>());
}

std::string fixturePath(const std::string &builtPath) {
  if (access(builtPath.c_str(), R_OK) == 0)
    return builtPath;
  std::string fileName = builtPath.substr(builtPath.find_last_of('/') + 1);
  char executable[4096] = {};
  ssize_t length =
      readlink("/proc/self/exe", executable, sizeof(executable) - 1);
  if (length <= 0)
    return builtPath;
  std::string directory(executable, static_cast<size_t>(length));
  return directory.substr(0, directory.find_last_of('/') + 1) + fileName;
}

ScopedEnv::ScopedEnv(const char *name, std::optional<std::string> value)
    : name_(name) {
  if (const char *old = std::getenv(name))
    previous_ = old;
  if (value)
    setenv(name, value->c_str(), 1);
  else
    unsetenv(name);
}

ScopedEnv::~ScopedEnv() {
  if (previous_)
    setenv(name_.c_str(), previous_->c_str(), 1);
  else
    unsetenv(name_.c_str());
}

} // namespace tgc::test
