//===- DiskCache.h - a crash- and race-safe on-disk byte cache --*- C++ -*-===//
//
// The mechanics shared by tgc's two persistent caches: the runtime's kernel
// cache (driver-compiled cubins, KernelCache.h) and the JIT's compile cache
// (bundles, jit/CompileCache.h). A cache maps a key text to bytes
// that a callback produces; whoever uses it decides what goes in the key.
//
// Layout: one file per key, `<dir>/<xxh3-128 of key text>.tgck`, holding a
// header (magic, version, key and payload sizes, a MAC) then the full key
// text and the payload. The full key is stored and compared, so a hash
// collision is a miss, not a wrong result. Correctness and safety rules,
// each for a failure peers have shipped:
//  - entries are published by writing a temporary file in the same
//    directory, fsync, then rename, so readers never see half an entry;
//  - compile-and-publish runs under flock on a per-key lock file, so N
//    processes (and N threads: flock locks belong to open files, not to the
//    process) compiling the same key compile once;
//  - entries are authenticated: a keyed BLAKE2b MAC (libsodium) over the
//    key text and the payload with a per-user secret (support/Trust.h), so
//    an entry anyone else wrote (or a damaged one) is a miss, never code;
//    it is discarded and rebuilt;
//  - the directory is used only if it is private: created with mode 0700,
//    and an existing one that another user owns, that group or others can
//    write, or that is a symlink is refused (one warning, no cache); every
//    file is then opened relative to the checked directory's descriptor,
//    without following symlinks (a planted `<digest>.lock` symlink never
//    makes tgc create its target) and without blocking (a FIFO named like
//    an entry is skipped);
//  - the directory is bounded: after a publish, least-recently-used entries
//    (by mtime, which a hit touches) are removed until under the limit;
//  - any failure to read or write the directory degrades to compiling
//    without the cache, with one warning, never an error.
//
// No LLVM here: the runtime uses this and must stay free of it.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_SUPPORT_DISKCACHE_H
#define TGC_SUPPORT_DISKCACHE_H

#include "support/SafeFiles.h"
#include "support/Status.h"
#include "support/Trust.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tgc {

/// The directory all tgc caches live under: $TGC_CACHE_DIR, else
/// $XDG_CACHE_HOME/tgc, else ~/.cache/tgc. Empty when there is no home.
std::string defaultCacheRoot();

/// Parses a byte count with an optional binary suffix: "1048576", "512K",
/// "256M", "2G" (also "256MiB", "256MB": both mean 2^20). False if malformed.
bool parseByteSize(const std::string &text, uint64_t &bytes);

/// "1.5 MiB", "512 B".
std::string formatByteSize(uint64_t bytes);

struct DiskCacheOptions {
  bool enabled = true;
  /// The directory holding the entries; created (mode 0700) when needed.
  std::string directory;
  uint64_t maxBytes = 512ull << 20;
  /// What the cache is called in warnings ("kernel cache").
  std::string name = "cache";
  /// Receives degradation warnings. Unset: printed to stderr, once per
  /// process for each cache name.
  std::function<void(const std::string &)> warn;
  /// The secret entries are authenticated with. Unset: the user's cache
  /// key (trust::loadCacheKey), made on first use.
  std::optional<trust::MacKey> macKey;
};

class DiskCache {
public:
  enum class Outcome {
    Disabled, // cache off: compiled
    Hit,      // served from disk
    Compiled, // compiled and published
    Uncached, // compiled, but the directory could not be used
  };
  static const char *outcomeName(Outcome outcome);

  using CompileFn = std::function<Status(std::vector<uint8_t> &out)>;

  explicit DiskCache(DiskCacheOptions options);
  ~DiskCache();
  DiskCache(const DiskCache &) = delete;
  DiskCache &operator=(const DiskCache &) = delete;

  /// Returns the cached bytes for `keyText`, or runs `compile` and publishes
  /// its result. Only `compile`'s own errors are returned.
  Status getOrCompile(const std::string &keyText, const CompileFn &compile,
                      std::vector<uint8_t> &out, Outcome *outcome = nullptr);

  /// Reads the entry for `keyText` without compiling or locking; false if
  /// there is none (or the cache is off). A bad entry is deleted.
  bool lookup(const std::string &keyText, std::vector<uint8_t> &out);
  /// Publishes `payload` for `keyText` without taking the lock (for entries
  /// any writer would write identically); false if it could not be stored.
  bool store(const std::string &keyText, const std::vector<uint8_t> &payload);

  /// Deletes the entry for `keyText` (one that passed its MAC but turned
  /// out unusable).
  void remove(const std::string &keyText);

  const DiskCacheOptions &options() const { return options_; }
  /// Path of the entry file for `keyText`.
  std::string entryPath(const std::string &keyText) const;
  /// The file name of the entry for `keyText`.
  static std::string entryName(const std::string &keyText);

  /// Removes least-recently-used entries until the directory is within
  /// maxBytes (runs after every publish).
  void evict();

  struct Usage {
    uint64_t entries = 0;
    uint64_t bytes = 0;
  };
  /// What the directory holds now (entries only; lock and temporary files
  /// are not counted).
  Usage usage();
  /// Deletes every entry, lock and temporary file; returns what the entries
  /// held. Other files in the directory are left alone.
  Usage clear();

private:
  /// Opens and checks the directory and loads the MAC key, once; false
  /// (after one warning) when the cache cannot be used.
  bool ensureDirectory();
  Status openDirectory();
  bool readEntry(const std::string &name, const std::string &keyText,
                 std::vector<uint8_t> &out);
  bool publish(const std::string &name, const std::string &keyText,
               const std::vector<uint8_t> &payload);
  void warn(const std::string &message);

  DiskCacheOptions options_;
  std::mutex mutex_; // guards the three below
  bool opened_ = false;
  Status openStatus_;
  PrivateDirectory directory_;
  trust::MacKey macKey_{};
};

} // namespace tgc

#endif // TGC_SUPPORT_DISKCACHE_H
