//===- CompileCache.h - the JIT's persistent cache of bundles ---*- C++ -*-===//
//
// Maps (canonical input IR, targets, options, tgc and LLVM versions, tools)
// to the bundle bytes tgc::compile produced for them, so a model is compiled
// once per machine. The file mechanics (atomic publish, flock around
// compile-and-publish, checksums, LRU eviction, one warning when the
// directory is unusable) are the runtime's DiskCache, shared with the kernel
// cache; this file decides what goes in the key. docs/caching.md describes
// both.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_JIT_COMPILECACHE_H
#define TGC_JIT_COMPILECACHE_H

#include "compiler/Pipeline.h"

#include "support/DiskCache.h"

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tgc::jit {

struct CompileCacheOptions {
  bool enabled = true;
  /// The entries' directory (".../tgc/bundles").
  std::string directory;
  uint64_t maxBytes = kDefaultMaxBytes;
  /// Where maxBytes came from, for `tgc --cache-info`: "default",
  /// "TGC_COMPILE_CACHE_MAX_BYTES", "<dir>/max-size" or "option".
  std::string maxBytesSource = "default";
  /// Receives degradation warnings; unset: stderr, once per process.
  std::function<void(const std::string &)> warn;

  static constexpr uint64_t kDefaultMaxBytes = 1ull << 30;

  /// `root` (empty: defaultCacheRoot()) plus "/bundles".
  /// TGC_COMPILE_CACHE=0 (or off, false) disables the cache; the size limit
  /// is TGC_COMPILE_CACHE_MAX_BYTES ("268435456", "256M"), else the limit
  /// `tgc --cache-max-size` stored in the directory, else 1 GiB.
  static CompileCacheOptions fromEnvironment(const std::string &root = "");
};

/// The limit `tgc --cache-max-size` stores in a compile cache directory.
std::string storedLimitPath(const std::string &directory);
/// NOT_FOUND when there is none; an error saying what is wrong with a
/// damaged one (or an unsafe directory).
Status readStoredLimit(const std::string &directory, uint64_t &maxBytes);
/// Writes the limit atomically; on failure returns false with `error` set.
bool writeStoredLimit(const std::string &directory, uint64_t maxBytes,
                      std::string &error);

/// Everything that decides whether a compiled bundle can be reused. Every
/// field is part of text(); tests set them directly.
struct CompileCacheKey {
  /// XXH3-128 (32 hex digits) and byte size of the canonical input: the
  /// verified module printed in generic form without locations, so
  /// whitespace, comments, SSA names and the custom syntax do not matter
  /// but every op, attribute, type and constant does.
  std::string inputHash;
  uint64_t inputSize = 0;
  /// Targets as compiled (Target::name()): "host" replaced by this
  /// machine's triple, so a cache directory shared between machines never
  /// mixes them up.
  std::vector<std::string> targets;
  unsigned optLevel = 2;
  /// The CPU (and extra features) of each host target, comma-separated.
  std::string hostCpu;
  /// "tgc 0.1.0 (LLVM 22.1.8)", the string tgc writes into bundles.
  std::string producer;
  /// External tools whose output lands in the bundle: ptxas (path, size and
  /// mtime, a cheap stand-in for its version) when an NVIDIA target is
  /// compiled, since with no ptxas the bundle holds PTX only.
  std::string tools;

  /// Every field but the input: what compiling with `options` on this
  /// machine means.
  static CompileCacheKey forSettings(const CompileOptions &options);
  /// The key for compiling `module` (verified, not yet compiled) with
  /// `options`.
  static CompileCacheKey forModule(mlir::ModuleOp module,
                                   const CompileOptions &options);
  /// The canonical text stored in entries and hashed into file names.
  std::string text() const;
  /// XXH3-128 of text(), 32 hex digits: names the key in messages and in
  /// the JIT's in-memory cache.
  std::string digest() const;

  /// The key of an alias entry: the exact source text (its XXH3-128 and
  /// size) compiled with this key's settings. Its payload names the
  /// canonical input (aliasPayload), so a model compiled before is found
  /// without creating an MLIR context and parsing it, most of a warm
  /// start's cost. Different spellings of one model have different aliases
  /// but share the bundle.
  std::string aliasText(const std::string &sourceHash,
                        uint64_t sourceSize) const;
  /// What an alias entry holds: the input only ("<32 hex digits>:<size>").
  /// The settings come from whoever reads it, so an alias can never point
  /// at a bundle compiled with other settings.
  std::string aliasPayload() const;
  /// Sets inputHash and inputSize from an alias payload; false (and
  /// nothing changed) if it is not one.
  bool setInputFromAlias(const std::string &payload);

private:
  std::string settingsText() const;
};

/// XXH3-128 of `text`, 32 hex digits.
std::string digestOf(llvm::StringRef text);

/// XXH3-128 (32 hex digits) and size of the canonical print of `module`.
void hashCanonicalModule(mlir::ModuleOp module, std::string &hash,
                         uint64_t &size);

/// The identity of the tools compiling for `targets` (CompileCacheKey::tools).
std::string toolIdentity(const std::vector<Target> &targets);

class CompileCache {
public:
  using Outcome = DiskCache::Outcome;
  using CompileFn = DiskCache::CompileFn;

  explicit CompileCache(const CompileCacheOptions &options);

  /// `keyText` is a CompileCacheKey's text() (or aliasText()).
  Status getOrCompile(const std::string &keyText, const CompileFn &compile,
                      std::vector<uint8_t> &bundle,
                      Outcome *outcome = nullptr) {
    return cache_.getOrCompile(keyText, compile, bundle, outcome);
  }
  bool lookup(const std::string &keyText, std::vector<uint8_t> &out) {
    return cache_.lookup(keyText, out);
  }
  bool store(const std::string &keyText, const std::vector<uint8_t> &payload) {
    return cache_.store(keyText, payload);
  }
  std::string entryPath(const std::string &keyText) const {
    return cache_.entryPath(keyText);
  }
  DiskCache &disk() { return cache_; }

private:
  DiskCache cache_;
};

} // namespace tgc::jit

#endif // TGC_JIT_COMPILECACHE_H
