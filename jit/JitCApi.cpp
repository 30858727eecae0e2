//===- JitCApi.cpp - the C API of the JIT ---------------------------------===//
//
// As in the runtime's C API, every entry point converts C++ failures
// (Status, exceptions) into a tgc_status_t; no exception crosses the C
// boundary.
//
//===----------------------------------------------------------------------===//

#include "tgc/jit.h"

#include "jit/Jit.h"
#include "runtime/CStatus.h"

#include "llvm/Support/MemoryBuffer.h"

#include <new>

using namespace tgc;
using namespace tgc::jit;

struct tgc_jit_s {
  std::unique_ptr<Jit> jit;
  std::string targets; // for tgc_jit_targets
};

struct tgc_jit_module_s {
  std::shared_ptr<LoadedModule> loaded;
  CompileInfo info;
};

template <typename Fn> static tgc_status_t guarded(const char *api, Fn &&body) {
  try {
    return rt::toCStatus(body(api));
  } catch (const std::bad_alloc &) {
    return rt::toCStatus(
        Status(TGC_STATUS_RESOURCE_EXHAUSTED, "out of host memory"));
  } catch (const std::exception &e) {
    return rt::toCStatus(
        Status::internal(std::string("unexpected exception: ") + e.what()));
  } catch (...) {
    return rt::toCStatus(Status::internal("unexpected exception"));
  }
}

#define TGC_REQUIRE(arg)                                                       \
  do {                                                                         \
    if (!(arg))                                                                \
      return Status::invalidArgument(std::string(api) + ": " #arg " is null"); \
  } while (false)

void tgc_jit_options_init(tgc_jit_options_t *options) {
  if (!options)
    return;
  *options = tgc_jit_options_t{};
  options->opt_level = 2;
}

/// "host,sm_90" -> {"host", "sm_90"}, ignoring empty items and spaces.
static std::vector<std::string> splitTargets(const char *text) {
  std::vector<std::string> targets;
  std::string current;
  for (const char *p = text;; ++p) {
    if (*p == ',' || *p == '\0') {
      if (!current.empty())
        targets.push_back(current);
      current.clear();
      if (*p == '\0')
        break;
    } else if (*p != ' ') {
      current += *p;
    }
  }
  return targets;
}

tgc_status_t tgc_jit_create(const tgc_jit_options_t *options,
                            tgc_jit_t **out_jit) {
  return guarded(__func__, [&](const char *api) -> Status {
    TGC_REQUIRE(out_jit);
    *out_jit = nullptr;
    tgc_jit_options_t defaults;
    tgc_jit_options_init(&defaults);
    const tgc_jit_options_t &o = options ? *options : defaults;
    if (o.opt_level < 0 || o.opt_level > 3)
      return Status::invalidArgument("opt_level " +
                                     std::to_string(o.opt_level) +
                                     " is out of range (0 to 3)");
    JitConfig config;
    config.device = o.device ? o.device : "auto";
    if (o.targets) {
      config.targets = splitTargets(o.targets);
      if (config.targets.empty())
        return Status::invalidArgument("targets '" + std::string(o.targets) +
                                       "' names no target");
    }
    config.optLevel = unsigned(o.opt_level);
    config.hostCpu = o.host_cpu ? o.host_cpu : "";
    config.cacheRoot = o.cache_dir ? o.cache_dir : "";
    config.disableCache = o.disable_cache;
    config.cacheMaxBytes = o.cache_max_bytes;
    if (o.warning_callback) {
      tgc_jit_warning_fn callback = o.warning_callback;
      void *user = o.warning_user_data;
      config.warn = [callback, user](const std::string &message) {
        callback(user, message.c_str());
      };
    }
    auto handle = std::make_unique<tgc_jit_s>();
    TGC_RETURN_IF_ERROR(Jit::create(std::move(config), handle->jit));
    for (const std::string &target : handle->jit->targets())
      handle->targets += (handle->targets.empty() ? "" : ",") + target;
    *out_jit = handle.release();
    return Status::ok();
  });
}

void tgc_jit_destroy(tgc_jit_t *jit) { delete jit; }

void tgc_jit_device_info(const tgc_jit_t *jit, tgc_device_info_t *out_info) {
  if (jit && out_info)
    tgc_device_info(jit->jit->device(), out_info);
}

const char *tgc_jit_targets(const tgc_jit_t *jit) {
  return jit ? jit->targets.c_str() : "";
}

static Status compileInto(tgc_jit_t *jit, const ModelSource &source,
                          tgc_jit_module_t **out_module) {
  auto handle = std::make_unique<tgc_jit_module_s>();
  TGC_RETURN_IF_ERROR(jit->jit->compile(source, handle->loaded, handle->info));
  *out_module = handle.release();
  return Status::ok();
}

tgc_status_t tgc_jit_compile_source(tgc_jit_t *jit, const char *source,
                                    size_t size, const char *name,
                                    tgc_jit_module_t **out_module) {
  return guarded(__func__, [&](const char *api) -> Status {
    TGC_REQUIRE(jit);
    TGC_REQUIRE(source || size == 0);
    TGC_REQUIRE(out_module);
    *out_module = nullptr;
    ModelSource model;
    model.text = llvm::StringRef(source, size);
    model.name = name && *name ? name : "<source>";
    return compileInto(jit, model, out_module);
  });
}

/// Reads a model file; NOT_FOUND or IO_ERROR if it cannot be read.
static Status readModelFile(const char *path,
                            std::unique_ptr<llvm::MemoryBuffer> &out) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!file) {
    std::error_code ec = file.getError();
    return Status(ec == std::errc::no_such_file_or_directory
                      ? TGC_STATUS_NOT_FOUND
                      : TGC_STATUS_IO_ERROR,
                  "cannot read '" + std::string(path) + "': " + ec.message());
  }
  out = std::move(*file);
  return Status::ok();
}

tgc_status_t tgc_jit_compile_file(tgc_jit_t *jit, const char *path,
                                  tgc_jit_module_t **out_module) {
  return guarded(__func__, [&](const char *api) -> Status {
    TGC_REQUIRE(jit);
    TGC_REQUIRE(path);
    TGC_REQUIRE(out_module);
    *out_module = nullptr;
    std::unique_ptr<llvm::MemoryBuffer> file;
    TGC_RETURN_IF_ERROR(readModelFile(path, file));
    ModelSource model;
    model.name = path;
    if (looksLikeOnnx(path, file->getBuffer().take_front(1))) {
      // The importer reads the file itself (weights mapped, not held twice).
      file.reset();
      model.onnx.emplace();
    } else {
      model.text = file->getBuffer();
    }
    return compileInto(jit, model, out_module);
  });
}

void tgc_jit_onnx_options_init(tgc_jit_onnx_options_t *options) {
  if (options)
    *options = tgc_jit_onnx_options_t{};
}

tgc_status_t tgc_jit_compile_onnx(tgc_jit_t *jit, const char *path,
                                  const tgc_jit_onnx_options_t *options,
                                  tgc_jit_module_t **out_module) {
  return guarded(__func__, [&](const char *api) -> Status {
    TGC_REQUIRE(jit);
    TGC_REQUIRE(path);
    TGC_REQUIRE(out_module);
    *out_module = nullptr;
    tgc_jit_onnx_options_t none{};
    const tgc_jit_onnx_options_t &o = options ? *options : none;
    TGC_REQUIRE(o.dims || o.dim_count == 0);
    TGC_REQUIRE(o.input_shapes || o.input_shape_count == 0);
    TGC_REQUIRE(o.weight_files || o.weight_file_count == 0);
    // Unreadable files are NOT_FOUND/IO_ERROR, as for tgc_jit_compile_file,
    // rather than an import diagnostic.
    std::unique_ptr<llvm::MemoryBuffer> file;
    TGC_RETURN_IF_ERROR(readModelFile(path, file));
    file.reset();
    ModelSource model;
    model.name = path;
    OnnxImportOptions &onnx = model.onnx.emplace();
    std::string error;
    for (size_t i = 0; i < o.dim_count; ++i) {
      TGC_REQUIRE(o.dims[i]);
      if (!addOnnxDimOption(o.dims[i], onnx, error))
        return Status::invalidArgument("dims[" + std::to_string(i) + "] '" +
                                       o.dims[i] + "': " + error);
    }
    for (size_t i = 0; i < o.input_shape_count; ++i) {
      TGC_REQUIRE(o.input_shapes[i]);
      if (!addOnnxInputShapeOption(o.input_shapes[i], onnx, error))
        return Status::invalidArgument("input_shapes[" + std::to_string(i) +
                                       "] '" + o.input_shapes[i] +
                                       "': " + error);
    }
    for (size_t i = 0; i < o.weight_file_count; ++i) {
      TGC_REQUIRE(o.weight_files[i]);
      onnx.weightFiles.push_back(o.weight_files[i]);
    }
    return compileInto(jit, model, out_module);
  });
}

void tgc_jit_module_destroy(tgc_jit_module_t *module) { delete module; }

void tgc_jit_module_compile_info(const tgc_jit_module_t *module,
                                 tgc_jit_compile_info_t *out_info) {
  if (!module || !out_info)
    return;
  out_info->cache = module->info.cache;
  out_info->milliseconds = module->info.milliseconds;
  out_info->key = module->info.key.c_str();
}

const char *tgc_jit_cache_result_name(tgc_jit_cache_result_t result) {
  switch (result) {
  case TGC_JIT_CACHE_MEMORY_HIT:
    return "already loaded";
  case TGC_JIT_CACHE_DISK_HIT:
    return "hit";
  case TGC_JIT_CACHE_MISS:
    return "miss, compiled and stored";
  case TGC_JIT_CACHE_UNAVAILABLE:
    return "unavailable, compiled";
  case TGC_JIT_CACHE_DISABLED:
    return "disabled, compiled";
  }
  return "?";
}

tgc_module_t *tgc_jit_module_runtime(const tgc_jit_module_t *module) {
  return module ? module->loaded->module() : nullptr;
}

tgc_status_t tgc_jit_module_call(tgc_jit_module_t *module, const char *function,
                                 const tgc_tensor_view_t *inputs,
                                 size_t input_count,
                                 const tgc_tensor_view_t *outputs,
                                 size_t output_count) {
  return guarded(__func__, [&](const char *api) -> Status {
    TGC_REQUIRE(module);
    TGC_REQUIRE(function);
    return module->loaded->call(function, inputs, input_count, outputs,
                                output_count);
  });
}
