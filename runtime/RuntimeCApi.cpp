//===- RuntimeCApi.cpp - the C API over the runtime classes ---------------===//
//
// Every entry point converts C++ failures (Status, and exceptions such as
// std::bad_alloc from hostile sizes) into a tgc_status_t, so no exception
// ever crosses the C boundary.
//
//===----------------------------------------------------------------------===//

#include "tgc/runtime.h"

#include "runtime/Bundle.h"
#include "runtime/CStatus.h"
#include "runtime/DeviceSelection.h"
#include "runtime/KernelCache.h"
#include "runtime/LinkBandwidth.h"
#include "runtime/Module.h"

#include <cstring>
#include <mutex>
#include <new>
#include <unordered_set>

using namespace tgc;
using namespace tgc::rt;

// tgc_dtype_t is format/DType.h's DType for C: same values, so the C API
// converts with a cast once the range is checked.
static_assert(TGC_DTYPE_F32 == int(DType::F32));
static_assert(TGC_DTYPE_F16 == int(DType::F16));
static_assert(TGC_DTYPE_BF16 == int(DType::BF16));
static_assert(TGC_DTYPE_I32 == int(DType::I32));
static_assert(TGC_DTYPE_I8 == int(DType::I8));
static_assert(TGC_DTYPE_I1 == int(DType::I1));
static_assert(TGC_DTYPE_I1 + 1 == kNumDTypes);

struct tgc_status_s {
  tgc_status_code_t code;
  std::string message;
};

struct tgc_bundle_s {
  std::shared_ptr<Bundle> bundle;
  std::vector<std::string> codeObjects; // descriptions, for the C strings
  std::string signer;                   // fingerprint, "" when unsigned
};

static void describeCodeObjects(tgc_bundle_s &handle) {
  for (const CodeObjectDesc &code : handle.bundle->desc().codeObjects)
    handle.codeObjects.push_back(code.str());
  if (handle.bundle->isSigned())
    handle.signer = trust::fingerprint(handle.bundle->signer());
}

struct tgc_device_list_s {
  DeviceInventory inventory;
  std::vector<std::string> ids;
};

struct tgc_device_s {
  std::shared_ptr<hal::Device> device;
  std::string id;
};

struct tgc_module_s {
  std::shared_ptr<const Module> module;
};

struct tgc_session_s {
  std::unique_ptr<Session> session;
  tgc_module_s module; // for tgc_session_module
};

struct tgc_buffer_s {
  std::shared_ptr<DeviceBuffer> buffer;
};

// Every live buffer handle, so that a destroyed one is reported rather than
// read: handles travel through the caller's data structures (a cache per
// layer), where a stale one is an easy mistake. Leaked on purpose, so that
// handles destroyed from other static destructors still find it.
static std::mutex &liveBuffersMutex() {
  static std::mutex *mutex = new std::mutex();
  return *mutex;
}
static std::unordered_set<const tgc_buffer_s *> &liveBuffers() {
  static auto *set = new std::unordered_set<const tgc_buffer_s *>();
  return *set;
}

/// The memory behind a handle the caller passed as `what`.
static Status resolveBuffer(const tgc_buffer_t *handle, const std::string &what,
                            std::shared_ptr<DeviceBuffer> &out) {
  std::lock_guard<std::mutex> lock(liveBuffersMutex());
  if (!liveBuffers().count(handle))
    return Status::failedPrecondition(
        what + ": the buffer was destroyed (or is not a tgc_buffer_t)");
  out = handle->buffer;
  return Status::ok();
}

// Returned when even the error cannot be allocated; never freed.
static tgc_status_s outOfMemoryStatus{TGC_STATUS_RESOURCE_EXHAUSTED,
                                      "out of host memory"};

static tgc_status_t makeStatus(tgc_status_code_t code, std::string message) {
  try {
    return new tgc_status_s{code, std::move(message)};
  } catch (...) {
    return &outOfMemoryStatus;
  }
}

static tgc_status_t toC(const Status &status) {
  return status.isOk() ? nullptr : makeStatus(status.code(), status.message());
}

tgc_status_t tgc::rt::toCStatus(const Status &status) { return toC(status); }

/// Runs `body(api)` (returning Status), converting exceptions. `api` is the
/// entry point's name, for argument errors.
template <typename Fn> static tgc_status_t guarded(const char *api, Fn &&body) {
  try {
    return toC(body(api));
  } catch (const std::bad_alloc &) {
    return &outOfMemoryStatus;
  } catch (const std::exception &e) {
    return makeStatus(TGC_STATUS_INTERNAL,
                      std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return makeStatus(TGC_STATUS_INTERNAL, "unexpected exception");
  }
}

static Status nullArgument(const char *function, const char *argument) {
  return Status::invalidArgument(std::string(function) + ": " + argument +
                                 " is null");
}

#define TGC_REQUIRE(arg)                                                       \
  do {                                                                         \
    if (!(arg))                                                                \
      return nullArgument(api, #arg);                                          \
  } while (false)

//===----------------------------------------------------------------------===//
// Status and dtypes
//===----------------------------------------------------------------------===//

tgc_status_code_t tgc_status_code(tgc_status_t status) {
  return status ? status->code : TGC_STATUS_OK;
}

const char *tgc_status_message(tgc_status_t status) {
  return status ? status->message.c_str() : "OK";
}

void tgc_status_free(tgc_status_t status) {
  if (status != &outOfMemoryStatus)
    delete status;
}

const char *tgc_status_code_name(tgc_status_code_t code) {
  switch (code) {
  case TGC_STATUS_OK:
    return "OK";
  case TGC_STATUS_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case TGC_STATUS_NOT_FOUND:
    return "NOT_FOUND";
  case TGC_STATUS_DATA_LOSS:
    return "DATA_LOSS";
  case TGC_STATUS_UNAVAILABLE:
    return "UNAVAILABLE";
  case TGC_STATUS_RESOURCE_EXHAUSTED:
    return "RESOURCE_EXHAUSTED";
  case TGC_STATUS_FAILED_PRECONDITION:
    return "FAILED_PRECONDITION";
  case TGC_STATUS_DEVICE_ERROR:
    return "DEVICE_ERROR";
  case TGC_STATUS_IO_ERROR:
    return "IO_ERROR";
  case TGC_STATUS_INTERNAL:
    return "INTERNAL";
  case TGC_STATUS_PERMISSION_DENIED:
    return "PERMISSION_DENIED";
  }
  return "UNKNOWN";
}

const char *tgc_runtime_version(void) { return TGC_VERSION; }

size_t tgc_dtype_size(tgc_dtype_t dtype) {
  int d = rawEnumValue(dtype);
  return isDType(d) ? dtypeSize(DType(d)) : 0;
}

const char *tgc_dtype_name(tgc_dtype_t dtype) {
  int d = rawEnumValue(dtype);
  return isDType(d) ? dtypeName(DType(d)) : "?";
}

//===----------------------------------------------------------------------===//
// Bundles
//===----------------------------------------------------------------------===//

void tgc_bundle_options_init(tgc_bundle_options_t *options) {
  if (!options)
    return;
  *options = tgc_bundle_options_t();
  options->allow_unsigned = trust::TrustPolicy::fromEnvironment().allowUnsigned;
}

/// The policy of `options` (null: the environment's).
static Status policyFrom(const tgc_bundle_options_t *options,
                         trust::TrustPolicy &policy) {
  policy = trust::TrustPolicy::fromEnvironment();
  if (!options)
    return Status::ok();
  policy.allowUnsigned = options->allow_unsigned;
  if (options->trusted_key_count > 0 && !options->trusted_keys)
    return Status::invalidArgument(
        "tgc_bundle_options_t: trusted_keys is null but trusted_key_count is " +
        std::to_string(options->trusted_key_count));
  for (size_t i = 0; i < options->trusted_key_count; ++i) {
    if (!options->trusted_keys[i])
      return Status::invalidArgument("tgc_bundle_options_t: trusted_keys[" +
                                     std::to_string(i) + "] is null");
    trust::TrustedKey key;
    TGC_RETURN_IF_ERROR(
        trust::parsePublicKey(options->trusted_keys[i], key.key, &key.source));
    policy.extraKeys.push_back(std::move(key));
  }
  return Status::ok();
}

static tgc_status_t openBundleFile(const char *apiName, const char *path,
                                   const tgc_bundle_options_t *options,
                                   tgc_bundle_t **out_bundle) {
  return guarded(apiName, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(path);
    TGC_REQUIRE(out_bundle);
    *out_bundle = nullptr;
    trust::TrustPolicy policy;
    TGC_RETURN_IF_ERROR(policyFrom(options, policy));
    auto handle = std::make_unique<tgc_bundle_s>();
    TGC_RETURN_IF_ERROR(Bundle::openFile(path, handle->bundle, &policy));
    describeCodeObjects(*handle);
    *out_bundle = handle.release();
    return Status::ok();
  });
}

static tgc_status_t openBundleMemory(const char *apiName, const void *data,
                                     size_t size, const char *name,
                                     const tgc_bundle_options_t *options,
                                     tgc_bundle_t **out_bundle) {
  return guarded(apiName, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(data || size == 0);
    TGC_REQUIRE(out_bundle);
    *out_bundle = nullptr;
    trust::TrustPolicy policy;
    TGC_RETURN_IF_ERROR(policyFrom(options, policy));
    auto handle = std::make_unique<tgc_bundle_s>();
    const auto *bytes = static_cast<const uint8_t *>(data);
    TGC_RETURN_IF_ERROR(
        Bundle::openMemory(std::vector<uint8_t>(bytes, bytes + size),
                           name ? name : "", handle->bundle, &policy));
    describeCodeObjects(*handle);
    *out_bundle = handle.release();
    return Status::ok();
  });
}

tgc_status_t tgc_bundle_open_file(const char *path, tgc_bundle_t **out_bundle) {
  return openBundleFile(__func__, path, nullptr, out_bundle);
}

tgc_status_t tgc_bundle_open_memory(const void *data, size_t size,
                                    const char *name,
                                    tgc_bundle_t **out_bundle) {
  return openBundleMemory(__func__, data, size, name, nullptr, out_bundle);
}

tgc_status_t
tgc_bundle_open_file_with_options(const char *path,
                                  const tgc_bundle_options_t *options,
                                  tgc_bundle_t **out_bundle) {
  return openBundleFile(__func__, path, options, out_bundle);
}

tgc_status_t tgc_bundle_open_memory_with_options(
    const void *data, size_t size, const char *name,
    const tgc_bundle_options_t *options, tgc_bundle_t **out_bundle) {
  return openBundleMemory(__func__, data, size, name, options, out_bundle);
}

void tgc_bundle_destroy(tgc_bundle_t *bundle) { delete bundle; }

tgc_status_t tgc_bundle_verify(const tgc_bundle_t *bundle) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(bundle);
    return bundle->bundle->verifySections();
  });
}

const char *tgc_bundle_signer(const tgc_bundle_t *bundle) {
  return bundle ? bundle->signer.c_str() : "";
}

const char *tgc_bundle_producer(const tgc_bundle_t *bundle) {
  return bundle ? bundle->bundle->desc().producer.c_str() : "";
}

size_t tgc_bundle_code_object_count(const tgc_bundle_t *bundle) {
  return bundle ? bundle->codeObjects.size() : 0;
}

const char *tgc_bundle_code_object(const tgc_bundle_t *bundle, size_t index) {
  if (!bundle || index >= bundle->codeObjects.size())
    return "";
  return bundle->codeObjects[index].c_str();
}

size_t tgc_bundle_weight_file_count(const tgc_bundle_t *bundle) {
  return bundle ? bundle->bundle->desc().weightFiles.size() : 0;
}

const char *tgc_bundle_weight_file(const tgc_bundle_t *bundle, size_t index) {
  if (!bundle || index >= bundle->bundle->desc().weightFiles.size())
    return "";
  return bundle->bundle->desc().weightFiles[index].c_str();
}

//===----------------------------------------------------------------------===//
// Devices
//===----------------------------------------------------------------------===//

static tgc_device_kind_t toC(hal::DeviceKind kind) {
  switch (kind) {
  case hal::DeviceKind::Host:
    return TGC_DEVICE_HOST;
  case hal::DeviceKind::Cuda:
    return TGC_DEVICE_CUDA;
  case hal::DeviceKind::Hip:
    return TGC_DEVICE_HIP;
  case hal::DeviceKind::TinyGpu:
    return TGC_DEVICE_TINYGPU;
  }
  return TGC_DEVICE_HOST;
}

static void fillInfo(const hal::DeviceInfo &info, const std::string &id,
                     tgc_device_info_t *out) {
  out->kind = toC(info.kind);
  out->ordinal = info.ordinal;
  out->id = id.c_str();
  out->name = info.name.c_str();
  out->arch = info.arch.c_str();
  out->driver_version = info.driverVersion.c_str();
  out->memory_bytes = info.memoryBytes;
  out->compute_units = info.computeUnits;
  out->details = info.details.c_str();
}

tgc_status_t tgc_device_list_create(tgc_device_list_t **out_list) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(out_list);
    auto list = std::make_unique<tgc_device_list_s>();
    list->inventory = listDevices();
    for (const hal::DeviceInfo &info : list->inventory.devices)
      list->ids.push_back(deviceId(info));
    *out_list = list.release();
    return Status::ok();
  });
}

void tgc_device_list_destroy(tgc_device_list_t *list) { delete list; }

size_t tgc_device_list_count(const tgc_device_list_t *list) {
  return list ? list->inventory.devices.size() : 0;
}

tgc_status_t tgc_device_list_get(const tgc_device_list_t *list, size_t index,
                                 tgc_device_info_t *out_info) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(list);
    TGC_REQUIRE(out_info);
    if (index >= list->inventory.devices.size())
      return Status::invalidArgument("device index " + std::to_string(index) +
                                     " is out of range");
    fillInfo(list->inventory.devices[index], list->ids[index], out_info);
    return Status::ok();
  });
}

size_t tgc_device_list_note_count(const tgc_device_list_t *list) {
  return list ? list->inventory.notes.size() : 0;
}

const char *tgc_device_list_note(const tgc_device_list_t *list, size_t index) {
  if (!list || index >= list->inventory.notes.size())
    return "";
  return list->inventory.notes[index].c_str();
}

tgc_status_t tgc_device_open(const char *spec, const tgc_bundle_t *bundle,
                             tgc_device_t **out_device) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(out_device);
    *out_device = nullptr;
    DeviceSpec parsed;
    TGC_RETURN_IF_ERROR(parseDeviceSpec(spec ? spec : "auto", parsed));
    std::unique_ptr<hal::Device> device;
    TGC_RETURN_IF_ERROR(
        openDevice(parsed, bundle ? &bundle->bundle->desc() : nullptr, device));
    auto handle = std::make_unique<tgc_device_s>();
    handle->id = deviceId(device->info());
    handle->device = std::move(device);
    *out_device = handle.release();
    return Status::ok();
  });
}

void tgc_device_destroy(tgc_device_t *device) { delete device; }

void tgc_device_info(const tgc_device_t *device, tgc_device_info_t *out_info) {
  if (device && out_info)
    fillInfo(device->device->info(), device->id, out_info);
}

tgc_status_t tgc_device_link_bandwidth(tgc_device_t *device,
                                       tgc_link_bandwidth_t *out_bandwidth) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(device);
    TGC_REQUIRE(out_bandwidth);
    LinkBandwidth link;
    TGC_RETURN_IF_ERROR(linkBandwidth(*device->device, device->id,
                                      LinkBandwidthOptions::fromEnvironment(),
                                      link)
                            .withContext(device->id));
    out_bandwidth->host_to_device_bytes_per_second =
        link.hostToDeviceBytesPerSecond;
    out_bandwidth->device_to_host_bytes_per_second =
        link.deviceToHostBytesPerSecond;
    out_bandwidth->transfer_bytes = link.transferBytes;
    out_bandwidth->host_memory = link.hostMemory;
    out_bandwidth->from_cache = link.fromCache;
    return Status::ok();
  });
}

//===----------------------------------------------------------------------===//
// Modules
//===----------------------------------------------------------------------===//

tgc_status_t tgc_module_load(tgc_device_t *device, const tgc_bundle_t *bundle,
                             const tgc_module_options_t *options,
                             tgc_module_t **out_module) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(device);
    TGC_REQUIRE(bundle);
    TGC_REQUIRE(out_module);
    *out_module = nullptr;
    KernelCacheOptions cacheOptions = KernelCacheOptions::fromEnvironment(
        options ? options->kernel_cache_dir : nullptr);
    if (options && options->disable_kernel_cache)
      cacheOptions.enabled = false;
    std::vector<std::string> weightFiles;
    if (options && options->weight_file_count) {
      TGC_REQUIRE(options->weight_files);
      for (size_t i = 0; i < options->weight_file_count; ++i) {
        TGC_REQUIRE(options->weight_files[i]);
        weightFiles.push_back(options->weight_files[i]);
      }
    }
    auto handle = std::make_unique<tgc_module_s>();
    TGC_RETURN_IF_ERROR(Module::load(device->device, *bundle->bundle,
                                     cacheOptions, weightFiles,
                                     handle->module));
    *out_module = handle.release();
    return Status::ok();
  });
}

void tgc_module_options_init(tgc_module_options_t *options) {
  if (options)
    *options = tgc_module_options_t{};
}

void tgc_module_destroy(tgc_module_t *module) { delete module; }

const char *tgc_module_code_description(const tgc_module_t *module) {
  return module ? module->module->codeDescription().c_str() : "";
}

size_t tgc_module_function_count(const tgc_module_t *module) {
  return module ? module->module->desc().functions.size() : 0;
}

static const FunctionDesc *functionAt(const tgc_module_t *module,
                                      size_t function) {
  if (!module || function >= module->module->desc().functions.size())
    return nullptr;
  return &module->module->desc().functions[function];
}

const char *tgc_module_function_name(const tgc_module_t *module,
                                     size_t function) {
  const FunctionDesc *fn = functionAt(module, function);
  return fn ? fn->name.c_str() : "";
}

tgc_status_t tgc_module_find_function(const tgc_module_t *module,
                                      const char *name, size_t *out_function) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(module);
    TGC_REQUIRE(name);
    TGC_REQUIRE(out_function);
    const ModuleDesc &desc = module->module->desc();
    int64_t index = desc.findFunction(name);
    if (index < 0)
      return Status::notFound("no function '" + std::string(name) +
                              "' in the bundle (it has " + desc.functionList() +
                              ")");
    *out_function = size_t(index);
    return Status::ok();
  });
}

size_t tgc_module_function_input_count(const tgc_module_t *module,
                                       size_t function) {
  const FunctionDesc *fn = functionAt(module, function);
  return fn ? fn->inputs.size() : 0;
}

size_t tgc_module_function_output_count(const tgc_module_t *module,
                                        size_t function) {
  const FunctionDesc *fn = functionAt(module, function);
  return fn ? fn->outputs.size() : 0;
}

static tgc_status_t signatureTensor(const char *apiName,
                                    const tgc_module_t *module, size_t function,
                                    size_t index, bool input,
                                    tgc_tensor_view_t *out) {
  return guarded(apiName, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(out);
    const FunctionDesc *fn = functionAt(module, function);
    if (!fn)
      return Status::invalidArgument(
          "function index " + std::to_string(function) + " is out of range");
    const auto &types = input ? fn->inputs : fn->outputs;
    if (index >= types.size())
      return Status::invalidArgument(
          "function '" + fn->name + "' has " +
          countOf(types.size(), input ? "input" : "output") + ", no " +
          std::to_string(index));
    const TensorType &type = types[index];
    out->dtype = tgc_dtype_t(type.dtype);
    out->rank = int32_t(type.shape.size());
    out->shape = type.shape.data();
    out->data = nullptr;
    return Status::ok();
  });
}

tgc_status_t tgc_module_function_input(const tgc_module_t *module,
                                       size_t function, size_t input,
                                       tgc_tensor_view_t *out_type) {
  return signatureTensor(__func__, module, function, input, true, out_type);
}

tgc_status_t tgc_module_function_output(const tgc_module_t *module,
                                        size_t function, size_t output,
                                        tgc_tensor_view_t *out_type) {
  return signatureTensor(__func__, module, function, output, false, out_type);
}

//===----------------------------------------------------------------------===//
// Sessions
//===----------------------------------------------------------------------===//

tgc_status_t tgc_session_create(tgc_module_t *module,
                                tgc_session_t **out_session) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(module);
    TGC_REQUIRE(out_session);
    *out_session = nullptr;
    auto handle = std::make_unique<tgc_session_s>();
    TGC_RETURN_IF_ERROR(Session::create(module->module, handle->session));
    handle->module.module = module->module;
    *out_session = handle.release();
    return Status::ok();
  });
}

void tgc_session_destroy(tgc_session_t *session) { delete session; }

const tgc_module_t *tgc_session_module(const tgc_session_t *session) {
  return session ? &session->module : nullptr;
}

tgc_status_t tgc_session_call(tgc_session_t *session, size_t function,
                              const tgc_tensor_view_t *inputs,
                              size_t input_count,
                              const tgc_tensor_view_t *outputs,
                              size_t output_count) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(session);
    return session->session->call(function, inputs, input_count, outputs,
                                  output_count);
  });
}

tgc_status_t tgc_session_call_async(tgc_session_t *session, size_t function,
                                    const tgc_tensor_view_t *inputs,
                                    size_t input_count,
                                    const tgc_tensor_view_t *outputs,
                                    size_t output_count) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(session);
    return session->session->callAsync(function, inputs, input_count, outputs,
                                       output_count);
  });
}

/// The C arguments of a call as the session's; `what` is "input"/"output".
static Status toCallArgs(const char *api, const char *what,
                         const tgc_arg_t *args, size_t count,
                         std::vector<CallArg> &out) {
  if (!args)
    return Status::ok(); // the session reports a null array with a count
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    if (args[i].buffer)
      TGC_RETURN_IF_ERROR(resolveBuffer(args[i].buffer,
                                        std::string(api) + ": " + what + " " +
                                            std::to_string(i),
                                        out[i].buffer));
    else
      out[i].tensor = &args[i].tensor;
  }
  return Status::ok();
}

static tgc_status_t callArgs(const char *apiName, bool wait,
                             tgc_session_t *session, size_t function,
                             const tgc_arg_t *inputs, size_t input_count,
                             const tgc_arg_t *outputs, size_t output_count) {
  return guarded(apiName, [&](const char *api) -> Status {
    TGC_REQUIRE(session);
    std::vector<CallArg> in, out;
    TGC_RETURN_IF_ERROR(toCallArgs(api, "input", inputs, input_count, in));
    TGC_RETURN_IF_ERROR(toCallArgs(api, "output", outputs, output_count, out));
    const CallArg *inArgs = inputs ? in.data() : nullptr;
    const CallArg *outArgs = outputs ? out.data() : nullptr;
    return wait ? session->session->call(function, inArgs, input_count, outArgs,
                                         output_count)
                : session->session->callAsync(function, inArgs, input_count,
                                              outArgs, output_count);
  });
}

tgc_status_t tgc_session_call_args(tgc_session_t *session, size_t function,
                                   const tgc_arg_t *inputs, size_t input_count,
                                   const tgc_arg_t *outputs,
                                   size_t output_count) {
  return callArgs(__func__, true, session, function, inputs, input_count,
                  outputs, output_count);
}

tgc_status_t
tgc_session_call_args_async(tgc_session_t *session, size_t function,
                            const tgc_arg_t *inputs, size_t input_count,
                            const tgc_arg_t *outputs, size_t output_count) {
  return callArgs(__func__, false, session, function, inputs, input_count,
                  outputs, output_count);
}

tgc_status_t tgc_session_synchronize(tgc_session_t *session) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(session);
    return session->session->synchronize();
  });
}

tgc_status_t tgc_session_set_profiling(tgc_session_t *session, bool enabled) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(session);
    session->session->setProfiling(enabled);
    return Status::ok();
  });
}

tgc_status_t tgc_session_last_profile(const tgc_session_t *session,
                                      tgc_call_profile_t *out_profile) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(session);
    TGC_REQUIRE(out_profile);
    const CallProfile *profile = session->session->lastProfile();
    if (!profile)
      return Status::failedPrecondition(
          "no profiled call has completed on this session");
    out_profile->host_to_device_bytes = profile->hostToDeviceBytes;
    out_profile->host_to_device_ms = profile->hostToDeviceMs;
    out_profile->device_to_host_bytes = profile->deviceToHostBytes;
    out_profile->device_to_host_ms = profile->deviceToHostMs;
    out_profile->dispatch_count = profile->dispatches.size();
    return Status::ok();
  });
}

tgc_status_t
tgc_session_last_dispatch_profile(const tgc_session_t *session, size_t dispatch,
                                  tgc_dispatch_profile_t *out_profile) {
  return guarded(__func__, [&]([[maybe_unused]] const char *api) -> Status {
    TGC_REQUIRE(session);
    TGC_REQUIRE(out_profile);
    const CallProfile *profile = session->session->lastProfile();
    if (!profile)
      return Status::failedPrecondition(
          "no profiled call has completed on this session");
    if (dispatch >= profile->dispatches.size())
      return Status::invalidArgument(
          "dispatch " + std::to_string(dispatch) + " is out of range (" +
          std::to_string(profile->dispatches.size()) + " dispatches)");
    const DispatchProfile &d = profile->dispatches[dispatch];
    out_profile->step = d.step;
    out_profile->kernel = d.kernel;
    out_profile->kernel_name =
        session->session->module().desc().kernels[d.kernel].name.c_str();
    out_profile->ms = d.ms;
    return Status::ok();
  });
}

//===----------------------------------------------------------------------===//
// Device buffers
//===----------------------------------------------------------------------===//

tgc_status_t tgc_buffer_create(const tgc_module_t *module, tgc_dtype_t dtype,
                               int32_t rank, const int64_t *shape,
                               tgc_buffer_t **out_buffer) {
  return guarded(__func__, [&](const char *api) -> Status {
    TGC_REQUIRE(module);
    TGC_REQUIRE(out_buffer);
    *out_buffer = nullptr;
    if (rank < 0)
      return Status::invalidArgument(std::string(api) + ": rank " +
                                     std::to_string(rank) + " is negative");
    TGC_REQUIRE(shape || rank == 0);
    TensorType type;
    TGC_RETURN_IF_ERROR(makeTensorType(rawEnumValue(dtype), shape, size_t(rank),
                                       std::string(api) + ": the buffer",
                                       type));
    auto handle = std::make_unique<tgc_buffer_s>();
    TGC_RETURN_IF_ERROR(DeviceBuffer::create(module->module->deviceRef(),
                                             std::move(type), handle->buffer));
    std::lock_guard<std::mutex> lock(liveBuffersMutex());
    liveBuffers().insert(handle.get());
    *out_buffer = handle.release();
    return Status::ok();
  });
}

void tgc_buffer_destroy(tgc_buffer_t *buffer) {
  if (!buffer)
    return;
  {
    std::lock_guard<std::mutex> lock(liveBuffersMutex());
    // A second destroy of the same handle must not free it twice.
    if (!liveBuffers().erase(buffer))
      return;
  }
  delete buffer; // pending calls keep the memory until they are done
}

tgc_status_t tgc_buffer_type(const tgc_buffer_t *buffer,
                             tgc_tensor_view_t *out_type) {
  return guarded(__func__, [&](const char *api) -> Status {
    TGC_REQUIRE(buffer);
    TGC_REQUIRE(out_type);
    std::shared_ptr<DeviceBuffer> memory;
    TGC_RETURN_IF_ERROR(resolveBuffer(buffer, api, memory));
    const TensorType &type = memory->type();
    out_type->dtype = tgc_dtype_t(type.dtype);
    out_type->rank = int32_t(type.shape.size());
    out_type->shape = type.shape.data();
    out_type->data = nullptr;
    return Status::ok();
  });
}

size_t tgc_buffer_byte_size(const tgc_buffer_t *buffer) {
  std::shared_ptr<DeviceBuffer> memory;
  if (!buffer || !resolveBuffer(buffer, "", memory).isOk())
    return 0;
  return size_t(memory->type().byteSize);
}

static tgc_status_t transfer(const char *apiName, bool upload, bool wait,
                             tgc_session_t *session, const tgc_buffer_t *buffer,
                             const tgc_tensor_view_t *tensor) {
  return guarded(apiName, [&](const char *api) -> Status {
    TGC_REQUIRE(session);
    TGC_REQUIRE(buffer);
    TGC_REQUIRE(tensor);
    std::shared_ptr<DeviceBuffer> memory;
    TGC_RETURN_IF_ERROR(resolveBuffer(buffer, api, memory));
    return upload ? session->session->upload(memory, *tensor, wait)
                  : session->session->download(memory, *tensor, wait);
  });
}

tgc_status_t tgc_session_upload(tgc_session_t *session, tgc_buffer_t *buffer,
                                const tgc_tensor_view_t *source) {
  return transfer(__func__, true, true, session, buffer, source);
}

tgc_status_t tgc_session_upload_async(tgc_session_t *session,
                                      tgc_buffer_t *buffer,
                                      const tgc_tensor_view_t *source) {
  return transfer(__func__, true, false, session, buffer, source);
}

tgc_status_t tgc_session_download(tgc_session_t *session,
                                  const tgc_buffer_t *buffer,
                                  const tgc_tensor_view_t *destination) {
  return transfer(__func__, false, true, session, buffer, destination);
}

tgc_status_t tgc_session_download_async(tgc_session_t *session,
                                        const tgc_buffer_t *buffer,
                                        const tgc_tensor_view_t *destination) {
  return transfer(__func__, false, false, session, buffer, destination);
}

tgc_status_t tgc_module_function_check_donation(const tgc_module_t *module,
                                                size_t function, size_t input,
                                                size_t output) {
  return guarded(__func__, [&](const char *api) -> Status {
    TGC_REQUIRE(module);
    const FunctionDesc *fn = functionAt(module, function);
    if (!fn)
      return Status::invalidArgument(std::string(api) + ": function index " +
                                     std::to_string(function) +
                                     " is out of range");
    if (input >= fn->inputs.size() || output >= fn->outputs.size())
      return Status::invalidArgument(
          "function '" + fn->name + "' has " +
          countOf(fn->inputs.size(), "input") + " and " +
          countOf(fn->outputs.size(), "output") + ", no input " +
          std::to_string(input) + " and output " + std::to_string(output));
    return checkDonation(module->module->desc(), *fn, input, output);
  });
}
