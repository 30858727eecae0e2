//===- tgc/jit.hpp - C++ API of the tgc JIT ---------------------*- C++ -*-===//
//
// Header-only RAII classes over tgc/jit.h, in the style of tgc/runtime.hpp
// (whose Tensor, TensorType, DeviceInfo and Error they use). Errors throw
// tgc::Error; a model that does not compile throws one whose what() is the
// compiler's full diagnostic text.
//
//   tgc::Jit jit;                       // the best device present
//   tgc::JitModule model = jit.compile(R"(
//     func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
//       %0 = tg.relu %x : tensor<4xf32>
//       return %0 : tensor<4xf32>
//     })");
//   tgc::Tensor x(TGC_DTYPE_F32, {4});
//   std::vector<tgc::Tensor> y = model.call("main", {x});
//
//===----------------------------------------------------------------------===//

#ifndef TGC_JIT_HPP
#define TGC_JIT_HPP

#include "tgc/jit.h"
#include "tgc/runtime.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tgc {

struct JitOptions {
  /// "auto", "host", "cuda:N", "hip:N".
  std::string device = "auto";
  /// Empty: what the device needs ("host", or the GPU's sm_XX / gfxNNNN).
  std::vector<std::string> targets;
  int optLevel = 2;
  /// Empty: the portable baseline CPU of the host triple.
  std::string hostCpu;
  /// Cache root (bundles/ and kernels/ below it); empty: $TGC_CACHE_DIR,
  /// else $XDG_CACHE_HOME/tgc, else ~/.cache/tgc.
  std::string cacheDirectory;
  bool cache = true;
  /// 0: TGC_COMPILE_CACHE_MAX_BYTES, else `tgc --cache-max-size`, else 1 GiB.
  uint64_t cacheMaxBytes = 0;
  /// Unset: warnings go to stderr.
  std::function<void(const std::string &)> onWarning;
};

enum class CacheResult {
  MemoryHit = TGC_JIT_CACHE_MEMORY_HIT,
  DiskHit = TGC_JIT_CACHE_DISK_HIT,
  Miss = TGC_JIT_CACHE_MISS,
  Unavailable = TGC_JIT_CACHE_UNAVAILABLE,
  Disabled = TGC_JIT_CACHE_DISABLED,
};

struct CompileInfo {
  CacheResult cache = CacheResult::Disabled;
  double milliseconds = 0;
  std::string key;
  std::string cacheName() const {
    return tgc_jit_cache_result_name(tgc_jit_cache_result_t(cache));
  }
};

/// A compiled model loaded on the JIT's device. Cheap to move; copies of
/// the same model (compiled twice) share the loaded code.
class JitModule {
public:
  /// Allocates the outputs, runs `function` and waits for it.
  std::vector<Tensor> call(const std::string &function,
                           const std::vector<Tensor> &inputs) const {
    std::vector<Tensor> outputs;
    for (const TensorType &type : outputTypes(function))
      outputs.emplace_back(type);
    callInto(function, inputs, outputs);
    return outputs;
  }
  /// Runs into caller-allocated outputs of the right types.
  void callInto(const std::string &function, const std::vector<Tensor> &inputs,
                std::vector<Tensor> &outputs) const {
    std::vector<tgc_tensor_view_t> in, out;
    for (const Tensor &t : inputs)
      in.push_back(t.view());
    for (const Tensor &t : outputs)
      out.push_back(t.view());
    detail::check(tgc_jit_module_call(handle_.get(), function.c_str(),
                                      in.data(), in.size(), out.data(),
                                      out.size()));
  }

  std::vector<std::string> functionNames() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < tgc_module_function_count(runtimeModule()); ++i)
      names.push_back(tgc_module_function_name(runtimeModule(), i));
    return names;
  }
  std::vector<TensorType> inputTypes(const std::string &function) const {
    return signature(function, /*inputs=*/true);
  }
  std::vector<TensorType> outputTypes(const std::string &function) const {
    return signature(function, /*inputs=*/false);
  }
  /// How the code was loaded, e.g. "host_elf_so x86_64-unknown-linux-gnu".
  std::string codeDescription() const {
    return tgc_module_code_description(runtimeModule());
  }
  CompileInfo compileInfo() const {
    tgc_jit_compile_info_t raw;
    tgc_jit_module_compile_info(handle_.get(), &raw);
    return {CacheResult(raw.cache), raw.milliseconds, raw.key};
  }

  /// The runtime module, for the runtime C API (e.g. one tgc_session_t per
  /// thread); valid while this object lives.
  tgc_module_t *runtimeModule() const {
    return tgc_jit_module_runtime(handle_.get());
  }
  tgc_jit_module_t *get() const { return handle_.get(); }

private:
  friend class Jit;
  explicit JitModule(tgc_jit_module_t *handle) : handle_(handle) {}

  std::vector<TensorType> signature(const std::string &function,
                                    bool inputs) const {
    tgc_module_t *module = runtimeModule();
    size_t index = 0;
    detail::check(tgc_module_find_function(module, function.c_str(), &index));
    size_t count = inputs ? tgc_module_function_input_count(module, index)
                          : tgc_module_function_output_count(module, index);
    std::vector<TensorType> types;
    for (size_t i = 0; i < count; ++i) {
      tgc_tensor_view_t view;
      detail::check(inputs
                        ? tgc_module_function_input(module, index, i, &view)
                        : tgc_module_function_output(module, index, i, &view));
      types.emplace_back(view);
    }
    return types;
  }

  detail::Handle<tgc_jit_module_t, tgc_jit_module_destroy> handle_;
};

/// Compiles models for one device. Thread-safe.
class Jit {
public:
  explicit Jit(const JitOptions &options = {}) {
    tgc_jit_options_t raw;
    tgc_jit_options_init(&raw);
    raw.device = options.device.c_str();
    std::string targets;
    for (const std::string &target : options.targets)
      targets += (targets.empty() ? "" : ",") + target;
    raw.targets = options.targets.empty() ? nullptr : targets.c_str();
    raw.opt_level = options.optLevel;
    raw.host_cpu = options.hostCpu.c_str();
    raw.cache_dir = options.cacheDirectory.empty()
                        ? nullptr
                        : options.cacheDirectory.c_str();
    raw.disable_cache = !options.cache;
    raw.cache_max_bytes = options.cacheMaxBytes;
    if (options.onWarning) {
      // Heap-allocated so its address survives moves of this object.
      onWarning_ = std::make_unique<std::function<void(const std::string &)>>(
          options.onWarning);
      raw.warning_callback = [](void *user, const char *message) {
        (*static_cast<std::function<void(const std::string &)> *>(user))(
            message);
      };
      raw.warning_user_data = onWarning_.get();
    }
    tgc_jit_t *handle = nullptr;
    detail::check(tgc_jit_create(&raw, &handle));
    handle_.reset(handle);
  }

  /// Compiles MLIR text; `name` is used for it in diagnostics.
  JitModule compile(const std::string &source,
                    const std::string &name = "<source>") {
    tgc_jit_module_t *module = nullptr;
    detail::check(tgc_jit_compile_source(handle_.get(), source.data(),
                                         source.size(), name.c_str(), &module));
    return JitModule(module);
  }
  JitModule compileFile(const std::string &path) {
    tgc_jit_module_t *module = nullptr;
    detail::check(tgc_jit_compile_file(handle_.get(), path.c_str(), &module));
    return JitModule(module);
  }
  /// An ONNX model; `dims` and `inputShapes` are "NAME=SIZE" and
  /// "NAME=AxB" as for `tgc --dim/--input-shape`.
  JitModule compileOnnx(const std::string &path,
                        const std::vector<std::string> &dims = {},
                        const std::vector<std::string> &inputShapes = {},
                        const std::vector<std::string> &weightFiles = {}) {
    auto pointers = [](const std::vector<std::string> &strings) {
      std::vector<const char *> list;
      for (const std::string &s : strings)
        list.push_back(s.c_str());
      return list;
    };
    std::vector<const char *> d = pointers(dims), s = pointers(inputShapes),
                              w = pointers(weightFiles);
    tgc_jit_onnx_options_t options;
    tgc_jit_onnx_options_init(&options);
    options.dims = d.data();
    options.dim_count = d.size();
    options.input_shapes = s.data();
    options.input_shape_count = s.size();
    options.weight_files = w.data();
    options.weight_file_count = w.size();
    tgc_jit_module_t *module = nullptr;
    detail::check(
        tgc_jit_compile_onnx(handle_.get(), path.c_str(), &options, &module));
    return JitModule(module);
  }

  DeviceInfo device() const {
    tgc_device_info_t info;
    tgc_jit_device_info(handle_.get(), &info);
    return DeviceInfo::from(info);
  }
  /// The compile targets, e.g. {"host"} or {"sm_90"}.
  std::vector<std::string> targets() const {
    std::vector<std::string> list;
    std::string text = tgc_jit_targets(handle_.get());
    size_t start = 0;
    while (start <= text.size() && !text.empty()) {
      size_t comma = text.find(',', start);
      list.push_back(text.substr(start, comma - start));
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
    return list;
  }
  tgc_jit_t *get() const { return handle_.get(); }

private:
  // Declared first so it is destroyed after the JIT that calls it.
  std::unique_ptr<std::function<void(const std::string &)>> onWarning_;
  detail::Handle<tgc_jit_t, tgc_jit_destroy> handle_;
};

} // namespace tgc

#endif // TGC_JIT_HPP
