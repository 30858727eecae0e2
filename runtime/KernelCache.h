//===- KernelCache.h - on-disk cache of driver-compiled kernels -*- C++ -*-===//
//
// Caches what a driver compiled for one exact device (today: PTX compiled to
// a cubin by the CUDA driver), so the second start of a model skips the JIT.
//
// The key includes the device arch, driver version and tgc version, so an
// upgrade never serves stale code. The file mechanics (atomic publish,
// flock around compile-and-publish, checksums, LRU eviction, degrading to no
// cache with one warning) are DiskCache's, shared with the JIT's compile
// cache.
//
// No GPU is needed to use or test it: the compile step is a callback.
// HalKernelCache hands it to the HAL, whose CUDA backend compiles PTX
// through it while loading a program.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_KERNELCACHE_H
#define TGC_RUNTIME_KERNELCACHE_H

#include "hal/Device.h"
#include "support/DiskCache.h"
#include "support/Status.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tgc::rt {

struct KernelCacheOptions {
  bool enabled = true;
  /// The directory holding the entries (".../tgc/kernels").
  std::string directory;
  uint64_t maxBytes = 512ull << 20;
  /// Receives degradation warnings. Unset: printed to stderr, once per
  /// process.
  std::function<void(const std::string &)> warn;

  /// TGC_KERNEL_CACHE=0 disables; TGC_KERNEL_CACHE_MAX_BYTES sets the limit;
  /// the directory is $TGC_CACHE_DIR, else $XDG_CACHE_HOME/tgc, else
  /// ~/.cache/tgc, plus "/kernels". A non-empty `directory` replaces that
  /// (it is the entries' directory itself).
  static KernelCacheOptions fromEnvironment(const char *directory = nullptr);
};

/// Everything that decides whether a compiled kernel can be reused.
struct KernelCacheKey {
  uint64_t codeHash = 0; // xxh64 of the code being compiled
  uint64_t codeSize = 0;
  std::string arch;          // "sm_90"
  std::string driverVersion; // "12080"
  std::string tgcVersion;    // "0.1.0"
  /// Compilation flavour, e.g. "ptx->cubin"; different products of the same
  /// code must not share an entry.
  std::string kind;

  static KernelCacheKey forCode(const void *code, size_t size);
  /// The canonical text stored in entries and hashed into file names.
  std::string text() const;
};

class KernelCache {
public:
  using Outcome = DiskCache::Outcome;
  static const char *outcomeName(Outcome outcome) {
    return DiskCache::outcomeName(outcome);
  }

  using CompileFn = DiskCache::CompileFn;

  explicit KernelCache(KernelCacheOptions options);

  /// Returns the cached bytes for `key`, or runs `compile` and publishes its
  /// result. Only `compile`'s own errors are returned.
  Status getOrCompile(const KernelCacheKey &key, const CompileFn &compile,
                      std::vector<uint8_t> &out, Outcome *outcome = nullptr) {
    return cache_.getOrCompile(key.text(), compile, out, outcome);
  }

  const KernelCacheOptions &options() const { return options_; }
  /// Path of the entry file for `key` (for tests).
  std::string entryPath(const KernelCacheKey &key) const {
    return cache_.entryPath(key.text());
  }
  /// Removes least-recently-used entries until the directory is within
  /// maxBytes (runs after every publish).
  void evict() { cache_.evict(); }

private:
  KernelCacheOptions options_;
  DiskCache cache_;
};

/// The kernel cache as the HAL sees it: a backend that compiles code while
/// loading it (CUDA: PTX to a cubin) looks here first and stores what it
/// compiled. Made for one load; it remembers what happened so that the
/// module can say so ("kernel cache: hit").
class HalKernelCache final : public hal::CompiledCodeCache {
public:
  /// `tgcVersion` completes every key; `what` prefixes the backend's compile
  /// errors ("compiling ptx sm_80 for sm_90").
  HalKernelCache(KernelCacheOptions options, std::string tgcVersion,
                 std::string what);

  hal::Status getOrCompile(const Key &key, const CompileFn &compile,
                           std::vector<uint8_t> &out) override;

  /// The entry's key: the backend's key plus tgc's version.
  static KernelCacheKey keyFor(const Key &key, const std::string &tgcVersion);

  /// Whether the backend asked at all.
  bool consulted() const { return consulted_; }
  /// The compile's error, if it failed (ok on a hit).
  const Status &result() const { return result_; }
  KernelCache::Outcome outcome() const { return outcome_; }

private:
  KernelCache cache_;
  std::string tgcVersion_;
  std::string what_;
  bool consulted_ = false;
  Status result_;
  KernelCache::Outcome outcome_ = KernelCache::Outcome::Disabled;
};

} // namespace tgc::rt

#endif // TGC_RUNTIME_KERNELCACHE_H
