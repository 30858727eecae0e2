//===- KernelCache.h - on-disk cache of driver-compiled kernels -*- C++ -*-===//
//
// Caches what a driver compiled for one exact device (today: PTX compiled to
// a cubin by the CUDA driver), so the second start of a model skips the JIT.
//
// Layout: one file per key, `<dir>/<xxh128 of key>.tgck`, holding a header
// (magic, full key text, payload size, payload xxh64) and the payload. The
// full key is stored and compared, so a hash collision is a miss, not a
// wrong kernel. Correctness rules, each for a failure peers have shipped:
//  - the key includes the device arch, driver version and tgc version, so an
//    upgrade never serves stale code;
//  - entries are published by writing a temporary file in the same
//    directory, fsync, then rename, so readers never see half an entry;
//  - compile-and-publish runs under flock on a per-key lock file, so N
//    processes starting together compile once;
//  - entries are checksummed; a bad one is discarded and rebuilt;
//  - the directory is bounded: after a publish, least-recently-used entries
//    (by mtime, which a hit touches) are removed until under the limit;
//  - any failure to read or write the directory degrades to compiling
//    without the cache, with one warning, never an error.
//
// No GPU is needed to use or test it: the compile step is a callback.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_KERNELCACHE_H
#define TGC_RUNTIME_KERNELCACHE_H

#include "Status.h"

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
  enum class Outcome {
    Disabled, // cache off: compiled
    Hit,      // served from disk
    Compiled, // compiled and published
    Uncached, // compiled, but the directory could not be used
  };
  static const char *outcomeName(Outcome outcome);

  using CompileFn = std::function<Status(std::vector<uint8_t> &out)>;

  explicit KernelCache(KernelCacheOptions options);

  /// Returns the cached bytes for `key`, or runs `compile` and publishes its
  /// result. Only `compile`'s own errors are returned.
  Status getOrCompile(const KernelCacheKey &key, const CompileFn &compile,
                      std::vector<uint8_t> &out, Outcome *outcome = nullptr);

  const KernelCacheOptions &options() const { return options_; }
  /// Path of the entry file for `key` (for tests).
  std::string entryPath(const KernelCacheKey &key) const;
  /// Removes least-recently-used entries until the directory is within
  /// maxBytes (runs after every publish).
  void evict();

private:
  bool ensureDirectory();
  bool readEntry(const std::string &path, const std::string &keyText,
                 std::vector<uint8_t> &out);
  bool publish(const std::string &path, const std::string &keyText,
               const std::vector<uint8_t> &payload);
  void warn(const std::string &message);

  KernelCacheOptions options_;
};

} // namespace tgc::rt

#endif // TGC_RUNTIME_KERNELCACHE_H
