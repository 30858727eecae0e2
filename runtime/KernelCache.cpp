//===- KernelCache.cpp - on-disk cache of driver-compiled kernels ---------===//

#include "runtime/KernelCache.h"

#include "runtime/HalStatus.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

using namespace tgc;
using namespace tgc::rt;

static std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)v);
  return buf;
}

/// fromEnvironment runs at every module load; say it once.
static std::atomic<bool> warnedAboutLimit{false};

//===----------------------------------------------------------------------===//
// Options and keys
//===----------------------------------------------------------------------===//

KernelCacheOptions KernelCacheOptions::fromEnvironment(const char *directory) {
  KernelCacheOptions options;
  auto env = [](const char *name) -> std::string {
    const char *value = std::getenv(name);
    return value ? value : "";
  };
  std::string enabled = env("TGC_KERNEL_CACHE");
  if (enabled == "0" || enabled == "off" || enabled == "false")
    options.enabled = false;
  std::string maxBytes = env("TGC_KERNEL_CACHE_MAX_BYTES");
  if (!maxBytes.empty()) {
    char *end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(maxBytes.c_str(), &end, 10);
    if (errno == 0 && end && *end == '\0' && maxBytes[0] != '-')
      options.maxBytes = value;
    else if (!warnedAboutLimit.exchange(true))
      std::fprintf(stderr,
                   "tgc: warning: TGC_KERNEL_CACHE_MAX_BYTES='%s' is not a "
                   "byte count; using the default limit\n",
                   maxBytes.c_str());
  }
  if (directory && *directory) {
    options.directory = directory;
    return options;
  }
  std::string base = defaultCacheRoot();
  if (base.empty())
    options.enabled = false; // nowhere to put it
  else
    options.directory = base + "/kernels";
  return options;
}

KernelCacheKey KernelCacheKey::forCode(const void *code, size_t size) {
  KernelCacheKey key;
  key.codeHash = XXH64(code, size, 0);
  key.codeSize = size;
  return key;
}

std::string KernelCacheKey::text() const {
  return "tgc kernel cache v1\ncode=" + hex64(codeHash) + ":" +
         std::to_string(codeSize) + "\narch=" + arch +
         "\ndriver=" + driverVersion + "\ntgc=" + tgcVersion +
         "\nkind=" + kind + "\n";
}

//===----------------------------------------------------------------------===//
// KernelCache
//===----------------------------------------------------------------------===//

static DiskCacheOptions diskOptions(const KernelCacheOptions &options) {
  DiskCacheOptions disk;
  disk.enabled = options.enabled;
  disk.directory = options.directory;
  disk.maxBytes = options.maxBytes;
  disk.name = "kernel cache";
  disk.warn = options.warn;
  return disk;
}

KernelCache::KernelCache(KernelCacheOptions options)
    : options_(std::move(options)), cache_(diskOptions(options_)) {
  if (options_.directory.empty())
    options_.enabled = false;
}

//===----------------------------------------------------------------------===//
// HalKernelCache
//===----------------------------------------------------------------------===//

HalKernelCache::HalKernelCache(KernelCacheOptions options,
                               std::string tgcVersion, std::string what)
    : cache_(std::move(options)), tgcVersion_(std::move(tgcVersion)),
      what_(std::move(what)) {}

KernelCacheKey HalKernelCache::keyFor(const Key &key,
                                      const std::string &tgcVersion) {
  KernelCacheKey entry = KernelCacheKey::forCode(key.source, key.sourceSize);
  entry.arch = key.arch;
  entry.driverVersion = key.driverVersion;
  entry.tgcVersion = tgcVersion;
  entry.kind = key.kind;
  return entry;
}

hal::Status HalKernelCache::getOrCompile(const Key &key,
                                         const CompileFn &compile,
                                         std::vector<uint8_t> &out) {
  consulted_ = true;
  result_ = cache_.getOrCompile(
      keyFor(key, tgcVersion_),
      [&](std::vector<uint8_t> &result) {
        return fromHal(compile(result), what_);
      },
      out, &outcome_);
  return result_ ? hal::Status() : hal::Status::error(result_.message());
}
