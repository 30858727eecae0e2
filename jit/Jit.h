//===- Jit.h - compile tg models to loaded modules, with caches -*- C++ -*-===//
//
// The JIT behind tgc/jit.h: tgc::compile (MLIR, LLVM) for the compiling and
// the runtime's public C API for loading and running, with two caches in
// front of the compiler:
//  - in memory: the same model (by canonical key) on the same JIT gives the
//    same loaded module while any handle holds it; threads asking for a
//    model being compiled wait for that compile instead of starting another;
//  - on disk: the compile cache (CompileCache.h), shared between processes.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_JIT_JIT_H
#define TGC_JIT_JIT_H

#include "compiler/frontends/onnx/OnnxImporter.h"
#include "jit/CompileCache.h"

#include "support/Trust.h"

#include "tgc/jit.h"

#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/StringRef.h"

#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace llvm {
class ThreadPoolInterface;
} // namespace llvm

namespace tgc::jit {

struct JitConfig {
  /// "auto", "host", "cuda:N", "hip:N".
  std::string device = "auto";
  /// Empty: what the device needs.
  std::vector<std::string> targets;
  unsigned optLevel = 2;
  std::string hostCpu;
  /// Empty: defaultCacheRoot().
  std::string cacheRoot;
  bool disableCache = false;
  /// 0: from the environment (CompileCacheOptions::fromEnvironment).
  uint64_t cacheMaxBytes = 0;
  /// Unset: stderr, once per process per kind.
  std::function<void(const std::string &)> warn;
};

/// A bundle loaded on the JIT's device; every handle for the same key
/// shares one.
class LoadedModule {
public:
  explicit LoadedModule(tgc_module_t *module) : module_(module) {}
  ~LoadedModule();
  LoadedModule(const LoadedModule &) = delete;
  LoadedModule &operator=(const LoadedModule &) = delete;

  tgc_module_t *module() const { return module_; }
  /// Runs `function` on a session kept for these calls, one at a time.
  Status call(const char *function, const tgc_tensor_view_t *inputs,
              size_t inputCount, const tgc_tensor_view_t *outputs,
              size_t outputCount);

private:
  tgc_module_t *module_;
  std::mutex callMutex_;
  tgc_session_t *session_ = nullptr;
};

/// What to compile: MLIR text, or an ONNX model file.
struct ModelSource {
  /// MLIR text; empty for ONNX.
  llvm::StringRef text;
  /// Names the source in diagnostics; the ONNX model's path.
  std::string name;
  /// Set for an ONNX model.
  std::optional<OnnxImportOptions> onnx;
};

struct CompileInfo {
  tgc_jit_cache_result_t cache = TGC_JIT_CACHE_DISABLED;
  double milliseconds = 0;
  std::string key;
};

class Jit {
public:
  static Status create(JitConfig config, std::unique_ptr<Jit> &out);
  ~Jit();

  /// Compiles (or finds) `source` and loads it.
  Status compile(const ModelSource &source, std::shared_ptr<LoadedModule> &out,
                 CompileInfo &info);

  const tgc_device_t *device() const { return device_; }
  /// The targets as spelled by the configuration (or the device's).
  const std::vector<std::string> &targets() const { return targetSpellings_; }
  const CompileCacheOptions &cacheOptions() const { return cacheOptions_; }

private:
  Jit() = default;

  struct Result {
    Status status;
    std::shared_ptr<LoadedModule> module;
  };

  struct ParsedSource;

  /// Parses and verifies `source` (or imports the ONNX model); on failure
  /// the status carries the diagnostics.
  Status parse(const ModelSource &source, std::unique_ptr<ParsedSource> &out);
  /// The bundle for `key` from the disk cache, or compiled from `parsed`
  /// (parsed first if null, which may change `key`), loaded on the device.
  Status obtain(const ModelSource &source, CompileCacheKey &key,
                std::unique_ptr<ParsedSource> &parsed,
                std::shared_ptr<LoadedModule> &out,
                tgc_jit_cache_result_t &cache);
  Status load(const std::vector<uint8_t> &bundle, const std::string &name,
              std::shared_ptr<LoadedModule> &out);
  void warn(const std::string &message);
  /// Drops in-memory entries of modules no handle holds any more (called
  /// with mutex_ held).
  void forgetUnloaded();

  JitConfig config_;
  tgc_device_t *device_ = nullptr;
  /// Signs every bundle the JIT compiles; its public half is trusted when
  /// loading them (support/Trust.h).
  trust::KeyPair signingKey_;
  std::string signingPublicKey_;
  CompileOptions compileOptions_;
  std::vector<std::string> targetSpellings_;
  CompileCacheOptions cacheOptions_;
  std::unique_ptr<CompileCache> cache_;
  std::string kernelCacheDirectory_;
  mlir::DialectRegistry registry_;
  /// Shared by the contexts of all compiles instead of one pool each.
  std::unique_ptr<llvm::ThreadPoolInterface> threadPool_;

  std::mutex mutex_;
  /// Loaded modules by key digest; weak, so a module lives as long as the
  /// application holds it, not as long as the JIT.
  std::unordered_map<std::string, std::weak_ptr<LoadedModule>> loaded_;
  /// Hash of the exact source text -> key digest: a model compiled before
  /// is found without parsing it again.
  std::unordered_map<std::string, std::string> sourceKeys_;
  size_t loadedAfterSweep_ = 0;
  /// Compiles in progress by key digest; later askers wait on them.
  std::unordered_map<std::string, std::shared_future<Result>> inFlight_;
};

} // namespace tgc::jit

#endif // TGC_JIT_JIT_H
