//===- Jit.cpp - compile tg models to loaded modules, with caches ---------===//

#include "Jit.h"

#include "compiler/targets/Targets.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <unistd.h>

using namespace mlir;
using namespace tgc;
using namespace tgc::jit;
using rt::Status;

namespace {

/// Takes ownership of a runtime C status.
Status fromC(tgc_status_t status) {
  if (!status)
    return Status::ok();
  Status result(tgc_status_code(status), tgc_status_message(status));
  tgc_status_free(status);
  return result;
}

/// Diagnostics end with a newline; messages do not.
std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

/// The target a device runs: "host", or the GPU's arch without feature
/// suffixes ("gfx90a:sramecc+:xnack-" -> "gfx90a").
std::string targetFor(const tgc_device_info_t &info) {
  if (info.kind == TGC_DEVICE_HOST)
    return "host";
  std::string arch = info.arch;
  return arch.substr(0, arch.find(':'));
}

bool compilerSupports(const std::string &target) {
  return target == "host" || TargetSpec::fromChip(target).has_value();
}

/// "auto": the first CUDA GPU tgc can compile for, else the first such AMD
/// GPU, else the host. The runtime's own "auto" needs a bundle to choose
/// by; the JIT has none yet, it makes one for the device it picks.
Status pickDevice(std::string &spec) {
  tgc_device_list_t *list = nullptr;
  TGC_RETURN_IF_ERROR(fromC(tgc_device_list_create(&list)));
  std::string chosen;
  for (tgc_device_kind_t kind :
       {TGC_DEVICE_CUDA, TGC_DEVICE_HIP, TGC_DEVICE_HOST}) {
    for (size_t i = 0; chosen.empty() && i < tgc_device_list_count(list);
         ++i) {
      tgc_device_info_t info;
      if (tgc_status_t status = tgc_device_list_get(list, i, &info)) {
        tgc_status_free(status);
        continue;
      }
      if (info.kind == kind && compilerSupports(targetFor(info)))
        chosen = info.id;
    }
  }
  tgc_device_list_destroy(list);
  spec = chosen.empty() ? "host" : chosen;
  return Status::ok();
}

std::string sourceDigest(llvm::StringRef source) {
  XXH128_hash_t hash = XXH3_128bits(source.data(), source.size());
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx",
                (unsigned long long)hash.high64,
                (unsigned long long)hash.low64);
  return buf;
}

tgc_jit_cache_result_t toCacheResult(CompileCache::Outcome outcome) {
  switch (outcome) {
  case CompileCache::Outcome::Hit:
    return TGC_JIT_CACHE_DISK_HIT;
  case CompileCache::Outcome::Compiled:
    return TGC_JIT_CACHE_MISS;
  case CompileCache::Outcome::Uncached:
    return TGC_JIT_CACHE_UNAVAILABLE;
  case CompileCache::Outcome::Disabled:
    return TGC_JIT_CACHE_DISABLED;
  }
  return TGC_JIT_CACHE_DISABLED;
}

} // namespace

//===----------------------------------------------------------------------===//
// LoadedModule
//===----------------------------------------------------------------------===//

LoadedModule::~LoadedModule() {
  tgc_session_destroy(session_);
  tgc_module_destroy(module_);
}

Status LoadedModule::call(const char *function, const tgc_tensor_view_t *inputs,
                          size_t inputCount, const tgc_tensor_view_t *outputs,
                          size_t outputCount) {
  size_t index = 0;
  TGC_RETURN_IF_ERROR(
      fromC(tgc_module_find_function(module_, function, &index)));
  std::lock_guard<std::mutex> lock(callMutex_);
  if (!session_)
    TGC_RETURN_IF_ERROR(fromC(tgc_session_create(module_, &session_)));
  return fromC(tgc_session_call(session_, index, inputs, inputCount, outputs,
                                outputCount));
}

//===----------------------------------------------------------------------===//
// Jit
//===----------------------------------------------------------------------===//

Status Jit::create(JitConfig config, std::unique_ptr<Jit> &out) {
  std::unique_ptr<Jit> jit(new Jit());
  if (config.optLevel > 3)
    return Status::invalidArgument("optimization level " +
                                   std::to_string(config.optLevel) +
                                   " is out of range (0 to 3)");
  std::string spec = config.device.empty() ? "auto" : config.device;
  if (spec == "auto")
    TGC_RETURN_IF_ERROR(pickDevice(spec));
  TGC_RETURN_IF_ERROR(fromC(tgc_device_open(spec.c_str(), nullptr,
                                            &jit->device_)));
  tgc_device_info_t info;
  tgc_device_info(jit->device_, &info);

  CompileOptions &options = jit->compileOptions_;
  options.targets = config.targets.empty()
                        ? std::vector<std::string>{targetFor(info)}
                        : config.targets;
  options.optLevel = config.optLevel;
  options.hostCpu = config.hostCpu;
  {
    MLIRContext context(MLIRContext::Threading::DISABLED);
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      message += diagnostic.str();
      return success();
    });
    if (failed(validateTargets(options.targets, UnknownLoc::get(&context))))
      return Status::invalidArgument(message);
  }

  jit->cacheOptions_ = CompileCacheOptions::fromEnvironment(config.cacheRoot);
  if (config.disableCache)
    jit->cacheOptions_.enabled = false;
  if (config.cacheMaxBytes) {
    jit->cacheOptions_.maxBytes = config.cacheMaxBytes;
    jit->cacheOptions_.maxBytesSource = "option";
  }
  if (config.warn) {
    // One warning per JIT for an unusable directory, however many models it
    // then compiles without the cache. (Without a callback DiskCache prints
    // once per process.)
    auto warned = std::make_shared<std::atomic<bool>>(false);
    jit->cacheOptions_.warn = [warn = config.warn,
                               warned](const std::string &message) {
      if (!warned->exchange(true))
        warn(message + "; continuing without it");
    };
  }
  jit->cache_ = std::make_unique<CompileCache>(jit->cacheOptions_);
  if (!config.cacheRoot.empty())
    jit->kernelCacheDirectory_ = config.cacheRoot + "/kernels";

  registerCompilerDialects(jit->registry_);
  jit->threadPool_ = std::make_unique<llvm::DefaultThreadPool>();
  jit->config_ = std::move(config);
  out = std::move(jit);
  return Status::ok();
}

Jit::~Jit() { tgc_device_destroy(device_); }

void Jit::warn(const std::string &message) {
  if (config_.warn) {
    config_.warn(message);
    return;
  }
  std::fprintf(stderr, "tgc: warning: %s\n", message.c_str());
}

Status Jit::load(const std::vector<uint8_t> &bundle, const std::string &name,
                 std::shared_ptr<LoadedModule> &out) {
  tgc_bundle_t *opened = nullptr;
  TGC_RETURN_IF_ERROR(fromC(tgc_bundle_open_memory(
      bundle.data(), bundle.size(), name.c_str(), &opened)));
  tgc_module_options_t options = {};
  options.kernel_cache_dir =
      kernelCacheDirectory_.empty() ? nullptr : kernelCacheDirectory_.c_str();
  tgc_module_t *module = nullptr;
  Status status = fromC(tgc_module_load(device_, opened, &options, &module));
  tgc_bundle_destroy(opened); // the module keeps what it needs
  if (!status.isOk())
    return status;
  out = std::make_shared<LoadedModule>(module);
  return Status::ok();
}

Status Jit::compileAndLoad(ModuleOp module, const CompileCacheKey &key,
                           const std::string &name, std::string &diagnostics,
                           std::shared_ptr<LoadedModule> &out,
                           tgc_jit_cache_result_t &cache) {
  std::vector<std::string> skipped;
  auto compile = [&](std::vector<uint8_t> &bundle) -> Status {
    diagnostics.clear();
    CompileResult result;
    if (failed(tgc::compile(module, compileOptions_, result)))
      return Status::invalidArgument(
          diagnostics.empty() ? "compiling '" + name + "' failed"
                              : trimmed(diagnostics));
    skipped = std::move(result.skipped);
    bundle = std::move(result.bytes);
    return Status::ok();
  };
  std::vector<uint8_t> bundle;
  CompileCache::Outcome outcome;
  TGC_RETURN_IF_ERROR(cache_->getOrCompile(key, compile, bundle, &outcome));
  cache = toCacheResult(outcome);
  for (const std::string &step : skipped)
    warn("skipped " + step);
  if (!diagnostics.empty() && outcome != CompileCache::Outcome::Hit)
    warn(trimmed(diagnostics)); // warnings of a successful compile
  Status loaded = load(bundle, name, out);
  if (loaded.isOk() || outcome != CompileCache::Outcome::Hit ||
      loaded.code() != TGC_STATUS_DATA_LOSS)
    return loaded;
  // An entry that passed its checksum but is not a valid bundle: it was
  // stored broken. Replace it rather than failing on every start.
  ::unlink(cache_->entryPath(key).c_str());
  TGC_RETURN_IF_ERROR(cache_->getOrCompile(key, compile, bundle, &outcome));
  cache = toCacheResult(outcome);
  return load(bundle, name, out);
}

Status Jit::compile(llvm::StringRef source, const std::string &name,
                    std::shared_ptr<LoadedModule> &out, CompileInfo &info) {
  auto start = std::chrono::steady_clock::now();
  auto finish = [&](Status status) {
    info.milliseconds = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    return status;
  };
  auto reuse = [&](const std::string &digest) {
    auto it = loaded_.find(digest);
    if (it == loaded_.end())
      return false;
    out = it->second.lock();
    if (!out)
      return false;
    info.cache = TGC_JIT_CACHE_MEMORY_HIT;
    info.key = digest;
    return true;
  };

  // Fast path: this exact text was compiled before and is still loaded.
  std::string textDigest = sourceDigest(source);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto known = sourceKeys_.find(textDigest);
    if (known != sourceKeys_.end() && reuse(known->second))
      return finish(Status::ok());
  }

  MLIRContext context(registry_, MLIRContext::Threading::DISABLED);
  context.setThreadPool(*threadPool_);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBuffer(source, name,
                                       /*RequiresNullTerminator=*/false),
      llvm::SMLoc());
  // The whole text the command line would print: location, message, the
  // source line with a caret, and notes.
  std::string diagnostics;
  llvm::raw_string_ostream diagnosticStream(diagnostics);
  SourceMgrDiagnosticHandler handler(sourceMgr, &context, diagnosticStream);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return finish(Status::invalidArgument(
        diagnostics.empty() ? "'" + name + "' is not a valid MLIR module"
                            : trimmed(diagnostics)));
  CompileCacheKey key = CompileCacheKey::forModule(*module, compileOptions_);
  std::string digest = key.digest();
  info.key = digest;

  std::promise<Result> promise;
  std::shared_future<Result> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reuse(digest)) {
      sourceKeys_[textDigest] = digest;
      return finish(Status::ok());
    }
    auto it = inFlight_.find(digest);
    if (it != inFlight_.end()) {
      pending = it->second;
    } else {
      inFlight_[digest] = promise.get_future().share();
    }
  }
  if (pending.valid()) {
    // Another thread is compiling this key: share its result.
    const Result &result = pending.get();
    if (!result.status.isOk())
      return finish(result.status);
    out = result.module;
    info.cache = TGC_JIT_CACHE_MEMORY_HIT;
    std::lock_guard<std::mutex> lock(mutex_);
    sourceKeys_[textDigest] = digest;
    return finish(Status::ok());
  }

  Result result;
  result.status = compileAndLoad(*module, key, name, diagnostics, result.module,
                                 info.cache);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (result.status.isOk()) {
      loaded_[digest] = result.module;
      sourceKeys_[textDigest] = digest;
    }
    inFlight_.erase(digest);
  }
  promise.set_value(result);
  out = result.module;
  return finish(result.status);
}
