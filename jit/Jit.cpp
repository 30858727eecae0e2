//===- Jit.cpp - compile tg models to loaded modules, with caches ---------===//

#include "jit/Jit.h"

#include "compiler/frontends/TgFrontend.h"
#include "compiler/targets/Target.h"
#include "format/BundleContainer.h"
#include "support/LargeStack.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <unistd.h>

using namespace mlir;
using namespace tgc;
using namespace tgc::jit;

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
  return Target::isTargetSpelling(target);
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
    for (size_t i = 0; chosen.empty() && i < tgc_device_list_count(list); ++i) {
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

/// A cached bundle that cannot be loaded for a reason a fresh compile
/// cures: stored broken, or signed by a key no longer trusted.
bool isStaleEntry(const Status &loaded) {
  return loaded.code() == TGC_STATUS_DATA_LOSS ||
         loaded.code() == TGC_STATUS_PERMISSION_DENIED;
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
  TGC_RETURN_IF_ERROR(
      fromC(tgc_device_open(spec.c_str(), nullptr, &jit->device_)));
  tgc_device_info_t info;
  tgc_device_info(jit->device_, &info);

  CompileOptions &options = jit->compileOptions_;
  jit->targetSpellings_ = config.targets.empty()
                              ? std::vector<std::string>{targetFor(info)}
                              : config.targets;
  options.optLevel = config.optLevel;
  {
    MLIRContext context(MLIRContext::Threading::DISABLED);
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      message += diagnostic.str();
      return success();
    });
    HostCpuOptions host;
    host.cpu = config.hostCpu;
    // Compiling for the host it runs on, the JIT uses this very CPU (its
    // bundles stay in this machine's cache, keyed by the CPU).
    host.native = config.targets.empty() && config.hostCpu.empty() &&
                  info.kind == TGC_DEVICE_HOST;
    FailureOr<std::vector<Target>> targets =
        parseTargets(jit->targetSpellings_, UnknownLoc::get(&context), host);
    if (failed(targets))
      return Status::invalidArgument(message);
    options.targets = std::move(*targets);
  }

  // Bundles are code: the JIT signs what it compiles, like tgc, and the
  // runtime loads only what a trusted key signed (docs/security.md).
  TGC_RETURN_IF_ERROR(trust::loadSigningKey("", jit->signingKey_)
                          .withContext("the JIT cannot sign bundles"));
  jit->signingPublicKey_ = trust::publicKeyText(jit->signingKey_.publicKey);
  options.sealBundle =
      [key = jit->signingKey_.secret](std::vector<uint8_t> &bundle) {
        std::string error;
        if (!format::signContainer(bundle, key, error))
          return "cannot sign the bundle: " + error;
        return std::string();
      };

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
  // The JIT's own key is trusted for what it compiled, besides the user's
  // keys (the same unless TGC_SIGN_KEY names another).
  tgc_bundle_options_t bundleOptions;
  tgc_bundle_options_init(&bundleOptions);
  const char *keys[] = {signingPublicKey_.c_str()};
  bundleOptions.trusted_keys = keys;
  bundleOptions.trusted_key_count = 1;
  tgc_bundle_t *opened = nullptr;
  TGC_RETURN_IF_ERROR(fromC(tgc_bundle_open_memory_with_options(
      bundle.data(), bundle.size(), name.c_str(), &bundleOptions, &opened)));
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

/// A parsed model and what keeps it alive: its context and the diagnostic
/// handler that turns errors into the status text.
struct Jit::ParsedSource {
  ParsedSource(const DialectRegistry &registry,
               llvm::ThreadPoolInterface &threadPool)
      : context(registry, MLIRContext::Threading::DISABLED),
        diagnosticStream(diagnostics),
        handler(sourceMgr, &context, diagnosticStream) {
    context.setThreadPool(threadPool);
  }

  MLIRContext context;
  llvm::SourceMgr sourceMgr;
  /// The whole text the command line would print: location, message, the
  /// source line with a caret, and notes.
  std::string diagnostics;
  llvm::raw_string_ostream diagnosticStream;
  SourceMgrDiagnosticHandler handler;
  OwningOpRef<ModuleOp> module;
};

Status Jit::parse(const ModelSource &source,
                  std::unique_ptr<ParsedSource> &out) {
  auto parsed = std::make_unique<ParsedSource>(registry_, *threadPool_);
  if (source.onnx) {
    ScopedDiagnosticHandler onnxDiagnostics(
        &parsed->context, [&](Diagnostic &diag) {
          parsed->diagnostics += formatOnnxDiagnostic(diag);
          return success();
        });
    parsed->module =
        importOnnxModel(source.name, &parsed->context, *source.onnx);
  } else {
    // A copy: MLIR's lexer relies on the NUL that MemoryBuffer puts after
    // the text, and the C API accepts text that has none.
    parsed->sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source.text, source.name),
        llvm::SMLoc());
    parsed->module = parseTgModule(parsed->sourceMgr, &parsed->context);
  }
  if (!parsed->module)
    return Status::invalidArgument(parsed->diagnostics.empty()
                                       ? "'" + source.name +
                                             "' is not a valid model"
                                       : trimmed(parsed->diagnostics));
  out = std::move(parsed);
  return Status::ok();
}

Status Jit::obtain(const ModelSource &source, CompileCacheKey &key,
                   std::unique_ptr<ParsedSource> &parsed,
                   std::shared_ptr<LoadedModule> &out,
                   tgc_jit_cache_result_t &cache) {
  const std::string &name = source.name;
  std::string keyText = key.text();
  if (!parsed) {
    // The alias named the key: the bundle is usually there.
    std::vector<uint8_t> bundle;
    if (cache_->lookup(keyText, bundle)) {
      Status loaded = load(bundle, name, out);
      if (loaded.isOk()) {
        cache = TGC_JIT_CACHE_DISK_HIT;
        return loaded;
      }
      if (!isStaleEntry(loaded))
        return loaded;
      // Passed its MAC but is not a valid bundle (stored broken), or was
      // signed by a key that is no longer trusted (TGC_SIGN_KEY changed).
      // Replace it rather than failing on every start.
      cache_->disk().remove(keyText);
    }
    // Evicted or broken since: compile after all.
    TGC_RETURN_IF_ERROR(parse(source, parsed));
    key = CompileCacheKey::forModule(*parsed->module, compileOptions_);
    keyText = key.text();
  }

  std::vector<std::string> skipped;
  auto compile = [&](std::vector<uint8_t> &bundle) -> Status {
    parsed->diagnostics.clear();
    CompileResult result;
    if (failed(tgc::compile(*parsed->module, compileOptions_, result)))
      return Status::invalidArgument(parsed->diagnostics.empty()
                                         ? "compiling '" + name + "' failed"
                                         : trimmed(parsed->diagnostics));
    skipped = std::move(result.skipped);
    bundle = std::move(result.bytes);
    return Status::ok();
  };
  std::vector<uint8_t> bundle;
  CompileCache::Outcome outcome;
  TGC_RETURN_IF_ERROR(cache_->getOrCompile(keyText, compile, bundle, &outcome));
  cache = toCacheResult(outcome);
  for (const std::string &step : skipped)
    warn("skipped " + step);
  if (!parsed->diagnostics.empty() && outcome != CompileCache::Outcome::Hit)
    warn(trimmed(parsed->diagnostics)); // warnings of a successful compile
  Status loaded = load(bundle, name, out);
  if (loaded.isOk() || outcome != CompileCache::Outcome::Hit ||
      !isStaleEntry(loaded))
    return loaded;
  cache_->disk().remove(keyText);
  TGC_RETURN_IF_ERROR(cache_->getOrCompile(keyText, compile, bundle, &outcome));
  cache = toCacheResult(outcome);
  return load(bundle, name, out);
}

void Jit::forgetUnloaded() {
  // Amortized: sweep when the map has doubled since the last sweep, so an
  // application compiling many models does not accumulate dead entries.
  if (loaded_.size() < 2 * loadedAfterSweep_ + 16)
    return;
  for (auto it = loaded_.begin(); it != loaded_.end();)
    it = it->second.expired() ? loaded_.erase(it) : std::next(it);
  for (auto it = sourceKeys_.begin(); it != sourceKeys_.end();)
    it = loaded_.count(it->second) ? std::next(it) : sourceKeys_.erase(it);
  loadedAfterSweep_ = loaded_.size();
}

Status Jit::compile(const ModelSource &source,
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

  // Fast path: this exact text was compiled before and is still loaded. Not
  // for ONNX models: their file need not hold their weights (external data,
  // safetensors), so only the imported module says what they are.
  bool byText = !source.onnx;
  std::string textDigest = byText ? digestOf(source.text) : "";
  if (byText) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto known = sourceKeys_.find(textDigest);
    if (known != sourceKeys_.end() && reuse(known->second))
      return finish(Status::ok());
  }

  // The key: from the alias entry of this exact text if there is one, else
  // by parsing the model. An alias names only the input: the settings are
  // this JIT's own, so no entry can redirect it to other code.
  CompileCacheKey key = CompileCacheKey::forSettings(compileOptions_);
  std::string aliasText =
      byText ? key.aliasText(textDigest, source.text.size()) : "";
  std::unique_ptr<ParsedSource> parsed;
  std::vector<uint8_t> alias;
  bool aliased = byText && cache_->lookup(aliasText, alias) &&
                 key.setInputFromAlias(std::string(alias.begin(), alias.end()));
  if (!aliased) {
    // Parsing recurses with the model's nesting: on a stack known to hold
    // what the front end allows.
    Status parsedStatus;
    runOnLargeStack([&] {
      parsedStatus = parse(source, parsed);
      if (parsedStatus)
        key = CompileCacheKey::forModule(*parsed->module, compileOptions_);
    });
    TGC_RETURN_IF_ERROR(finish(parsedStatus));
  }
  std::string keyText = key.text();
  std::string digest = digestOf(keyText);
  info.key = digest;
  auto rememberText = [&] { // with mutex_ held
    if (byText)
      sourceKeys_[textDigest] = digest;
  };

  std::promise<Result> promise;
  std::shared_future<Result> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reuse(digest)) {
      rememberText();
      return finish(Status::ok());
    }
    auto it = inFlight_.find(digest);
    if (it != inFlight_.end())
      pending = it->second;
    else
      inFlight_[digest] = promise.get_future().share();
  }
  if (pending.valid()) {
    // Another thread is compiling this key: share its result.
    const Result &result = pending.get();
    if (!result.status.isOk())
      return finish(result.status);
    out = result.module;
    info.cache = TGC_JIT_CACHE_MEMORY_HIT;
    std::lock_guard<std::mutex> lock(mutex_);
    rememberText();
    return finish(Status::ok());
  }

  Result result;
  CompileCacheKey finalKey = key;
  runOnLargeStack([&] {
    result.status = obtain(source, finalKey, parsed, result.module, info.cache);
  });
  if (byText && result.status.isOk() &&
      (!aliased || finalKey.text() != keyText)) {
    std::string payload = finalKey.aliasPayload();
    cache_->store(aliasText,
                  std::vector<uint8_t>(payload.begin(), payload.end()));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (result.status.isOk()) {
      loaded_[digest] = result.module;
      rememberText();
      forgetUnloaded();
    }
    inFlight_.erase(digest);
  }
  promise.set_value(result);
  out = result.module;
  return finish(result.status);
}
