//===- tgc/runtime.hpp - C++ wrapper over the tgc runtime C API -*- C++ -*-===//
//
// Header-only RAII classes over tgc/runtime.h. Errors are reported by
// throwing tgc::Error (a std::runtime_error carrying the tgc_status_code_t);
// no wrapper call returns a status. Handle classes are move-only and release
// their C handle in the destructor; as in the C API, an object keeps alive
// what it depends on, so destruction order does not matter.
//
//   tgc::Bundle bundle = tgc::Bundle::openFile("model.bin");
//   tgc::Device device = tgc::Device::open("auto", &bundle);
//   tgc::Module module = tgc::Module::load(device, bundle);
//   tgc::Session session(module);
//   tgc::Tensor x(TGC_DTYPE_F32, {2, 3});
//   std::vector<tgc::Tensor> results = session.call("main", {x});
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_HPP
#define TGC_RUNTIME_HPP

#include "tgc/runtime.h"

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tgc {

class Error : public std::runtime_error {
public:
  Error(tgc_status_code_t code, const std::string &message)
      : std::runtime_error(message), code_(code) {}
  tgc_status_code_t code() const { return code_; }

private:
  tgc_status_code_t code_;
};

namespace detail {
/// Throws the status as an Error (freeing it); does nothing on success.
inline void check(tgc_status_t status) {
  if (!status)
    return;
  Error error(tgc_status_code(status), tgc_status_message(status));
  tgc_status_free(status);
  throw error;
}

template <typename T, void (*Destroy)(T *)> struct Deleter {
  void operator()(T *handle) const { Destroy(handle); }
};
template <typename T, void (*Destroy)(T *)>
using Handle = std::unique_ptr<T, Deleter<T, Destroy>>;
} // namespace detail

/// A static tensor type: element type and shape.
struct TensorType {
  tgc_dtype_t dtype = TGC_DTYPE_F32;
  std::vector<int64_t> shape;

  TensorType() = default;
  TensorType(tgc_dtype_t dtype, std::vector<int64_t> shape)
      : dtype(dtype), shape(std::move(shape)) {}
  explicit TensorType(const tgc_tensor_view_t &view)
      : dtype(view.dtype), shape(view.shape, view.shape + view.rank) {}

  size_t elementCount() const {
    size_t count = 1;
    for (int64_t dim : shape)
      count *= size_t(dim);
    return count;
  }
  size_t byteSize() const { return elementCount() * tgc_dtype_size(dtype); }
  /// "tensor<2x3xf32>"; "tensor<f32>" for a scalar.
  std::string str() const {
    std::string s = "tensor<";
    for (int64_t dim : shape)
      s += std::to_string(dim) + "x";
    return s + tgc_dtype_name(dtype) + ">";
  }
  bool operator==(const TensorType &other) const {
    return dtype == other.dtype && shape == other.shape;
  }
  bool operator!=(const TensorType &other) const { return !(*this == other); }
};

/// A dense row-major tensor owning its host memory (zero-initialized).
class Tensor {
public:
  Tensor() = default;
  explicit Tensor(TensorType type)
      : type_(std::move(type)), bytes_(type_.byteSize()) {}
  Tensor(tgc_dtype_t dtype, std::vector<int64_t> shape)
      : Tensor(TensorType(dtype, std::move(shape))) {}

  const TensorType &type() const { return type_; }
  tgc_dtype_t dtype() const { return type_.dtype; }
  const std::vector<int64_t> &shape() const { return type_.shape; }
  size_t elementCount() const { return type_.elementCount(); }
  size_t byteSize() const { return bytes_.size(); }
  void *data() { return bytes_.data(); }
  const void *data() const { return bytes_.data(); }
  template <typename T> T *dataAs() { return reinterpret_cast<T *>(data()); }
  template <typename T> const T *dataAs() const {
    return reinterpret_cast<const T *>(data());
  }

  /// A view for the C API; valid while this tensor is alive and unchanged.
  tgc_tensor_view_t view() const {
    tgc_tensor_view_t v;
    v.dtype = type_.dtype;
    v.rank = int32_t(type_.shape.size());
    v.shape = type_.shape.data();
    v.data = const_cast<uint8_t *>(bytes_.data());
    return v;
  }

private:
  TensorType type_;
  std::vector<uint8_t> bytes_;
};

/// Who may have signed the bundles opened with it (tgc_bundle_options_t).
struct BundleOptions {
  /// Also open unsigned bundles and bundles of untrusted signers.
  bool allowUnsigned = false;
  /// More trusted public keys: .pub file texts or paths.
  std::vector<std::string> trustedKeys;

  /// allowUnsigned from TGC_ALLOW_UNSIGNED.
  BundleOptions() {
    tgc_bundle_options_t defaults;
    tgc_bundle_options_init(&defaults);
    allowUnsigned = defaults.allow_unsigned;
  }
};

class Bundle {
public:
  static Bundle openFile(const std::string &path) {
    tgc_bundle_t *handle = nullptr;
    detail::check(tgc_bundle_open_file(path.c_str(), &handle));
    return Bundle(handle);
  }
  static Bundle openFile(const std::string &path,
                         const BundleOptions &options) {
    std::vector<const char *> keys;
    tgc_bundle_options_t raw = toC(options, keys);
    tgc_bundle_t *handle = nullptr;
    detail::check(
        tgc_bundle_open_file_with_options(path.c_str(), &raw, &handle));
    return Bundle(handle);
  }
  static Bundle openMemory(const void *data, size_t size,
                           const std::string &name = "") {
    tgc_bundle_t *handle = nullptr;
    detail::check(tgc_bundle_open_memory(data, size, name.c_str(), &handle));
    return Bundle(handle);
  }
  static Bundle openMemory(const void *data, size_t size,
                           const std::string &name,
                           const BundleOptions &options) {
    std::vector<const char *> keys;
    tgc_bundle_options_t raw = toC(options, keys);
    tgc_bundle_t *handle = nullptr;
    detail::check(tgc_bundle_open_memory_with_options(data, size, name.c_str(),
                                                      &raw, &handle));
    return Bundle(handle);
  }
  std::string producer() const { return tgc_bundle_producer(get()); }
  /// The signer's key fingerprint; "" when unsigned.
  std::string signer() const { return tgc_bundle_signer(get()); }
  /// "cubin sm_90", "ptx sm_80", "host_elf_so x86_64-unknown-linux-gnu".
  std::vector<std::string> codeObjects() const {
    std::vector<std::string> list;
    for (size_t i = 0; i < tgc_bundle_code_object_count(get()); ++i)
      list.push_back(tgc_bundle_code_object(get(), i));
    return list;
  }
  /// The weights files of a bundle compiled with --weights=external, as it
  /// names them (relative to its directory).
  std::vector<std::string> weightFiles() const {
    std::vector<std::string> list;
    for (size_t i = 0; i < tgc_bundle_weight_file_count(get()); ++i)
      list.push_back(tgc_bundle_weight_file(get(), i));
    return list;
  }
  /// Verifies every section's checksum, signed hash and decompression now.
  void verify() const { detail::check(tgc_bundle_verify(get())); }
  const tgc_bundle_t *get() const { return handle_.get(); }

private:
  explicit Bundle(tgc_bundle_t *handle) : handle_(handle) {}
  static tgc_bundle_options_t toC(const BundleOptions &options,
                                  std::vector<const char *> &keys) {
    tgc_bundle_options_t raw;
    tgc_bundle_options_init(&raw);
    raw.allow_unsigned = options.allowUnsigned;
    for (const std::string &key : options.trustedKeys)
      keys.push_back(key.c_str());
    raw.trusted_keys = keys.data();
    raw.trusted_key_count = keys.size();
    return raw;
  }
  detail::Handle<tgc_bundle_t, tgc_bundle_destroy> handle_;
};

struct DeviceInfo {
  tgc_device_kind_t kind = TGC_DEVICE_HOST;
  int ordinal = 0;
  std::string id, name, arch, driverVersion;
  uint64_t memoryBytes = 0;
  int computeUnits = 0;
  std::string details; // TinyGPU: PCI id, server, BARs, PCIe link

  static DeviceInfo from(const tgc_device_info_t &info) {
    DeviceInfo d;
    d.kind = info.kind;
    d.ordinal = info.ordinal;
    d.id = info.id;
    d.name = info.name;
    d.arch = info.arch;
    d.driverVersion = info.driver_version;
    d.memoryBytes = info.memory_bytes;
    d.computeUnits = info.compute_units;
    d.details = info.details ? info.details : "";
    return d;
  }
};

struct DeviceInventory {
  std::vector<DeviceInfo> devices;
  std::vector<std::string> notes; // why a backend has no devices
};

inline DeviceInventory listDevices() {
  tgc_device_list_t *raw = nullptr;
  detail::check(tgc_device_list_create(&raw));
  detail::Handle<tgc_device_list_t, tgc_device_list_destroy> list(raw);
  DeviceInventory inventory;
  for (size_t i = 0; i < tgc_device_list_count(raw); ++i) {
    tgc_device_info_t info;
    detail::check(tgc_device_list_get(raw, i, &info));
    inventory.devices.push_back(DeviceInfo::from(info));
  }
  for (size_t i = 0; i < tgc_device_list_note_count(raw); ++i)
    inventory.notes.push_back(tgc_device_list_note(raw, i));
  return inventory;
}

class Device {
public:
  /// "auto" (needs `bundle`), "host", "cuda:N", "hip:N".
  static Device open(const std::string &spec, const Bundle *bundle = nullptr) {
    tgc_device_t *handle = nullptr;
    detail::check(tgc_device_open(spec.c_str(),
                                  bundle ? bundle->get() : nullptr, &handle));
    return Device(handle);
  }
  DeviceInfo info() const {
    tgc_device_info_t info;
    tgc_device_info(get(), &info);
    return DeviceInfo::from(info);
  }
  /// Host<->device bandwidth, measured once per device and cached.
  tgc_link_bandwidth_t linkBandwidth() {
    tgc_link_bandwidth_t link;
    detail::check(tgc_device_link_bandwidth(get(), &link));
    return link;
  }
  tgc_device_t *get() const { return handle_.get(); }

private:
  explicit Device(tgc_device_t *handle) : handle_(handle) {}
  detail::Handle<tgc_device_t, tgc_device_destroy> handle_;
};

class Module {
public:
  static Module load(Device &device, const Bundle &bundle,
                     const tgc_module_options_t *options = nullptr) {
    tgc_module_t *handle = nullptr;
    detail::check(
        tgc_module_load(device.get(), bundle.get(), options, &handle));
    return Module(handle);
  }

  std::string codeDescription() const {
    return tgc_module_code_description(get());
  }
  size_t functionCount() const { return tgc_module_function_count(get()); }
  std::string functionName(size_t function) const {
    return tgc_module_function_name(get(), function);
  }
  /// Throws NOT_FOUND (listing the functions) if there is none.
  size_t findFunction(const std::string &name) const {
    size_t index = 0;
    detail::check(tgc_module_find_function(get(), name.c_str(), &index));
    return index;
  }
  std::vector<TensorType> inputTypes(size_t function) const {
    std::vector<TensorType> types;
    for (size_t i = 0; i < tgc_module_function_input_count(get(), function);
         ++i) {
      tgc_tensor_view_t view;
      detail::check(tgc_module_function_input(get(), function, i, &view));
      types.emplace_back(view);
    }
    return types;
  }
  std::vector<TensorType> outputTypes(size_t function) const {
    std::vector<TensorType> types;
    for (size_t i = 0; i < tgc_module_function_output_count(get(), function);
         ++i) {
      tgc_tensor_view_t view;
      detail::check(tgc_module_function_output(get(), function, i, &view));
      types.emplace_back(view);
    }
    return types;
  }
  /// Whether `output` of `function` may be written over `input` (one Buffer
  /// passed as both); if not, `why` (when given) says which steps prevent
  /// it.
  bool canDonate(size_t function, size_t input, size_t output,
                 std::string *why = nullptr) const {
    tgc_status_t status =
        tgc_module_function_check_donation(get(), function, input, output);
    if (!status)
      return true;
    if (why)
      *why = tgc_status_message(status);
    tgc_status_free(status);
    return false;
  }
  tgc_module_t *get() const { return handle_.get(); }

private:
  explicit Module(tgc_module_t *handle) : handle_(handle) {}
  detail::Handle<tgc_module_t, tgc_module_destroy> handle_;
};

/// A tensor that stays on a module's device (tgc_buffer_t): passed to
/// Session::callArgs instead of a host Tensor, it is not copied; passed as an
/// input and an output of one call, the output is written over it.
class Buffer {
public:
  static Buffer create(const Module &module, const TensorType &type) {
    tgc_buffer_t *handle = nullptr;
    detail::check(tgc_buffer_create(module.get(), type.dtype,
                                    int32_t(type.shape.size()),
                                    type.shape.data(), &handle));
    return Buffer(handle);
  }
  TensorType type() const {
    tgc_tensor_view_t view;
    detail::check(tgc_buffer_type(get(), &view));
    return TensorType(view);
  }
  size_t byteSize() const { return tgc_buffer_byte_size(get()); }
  tgc_buffer_t *get() const { return handle_.get(); }

private:
  explicit Buffer(tgc_buffer_t *handle) : handle_(handle) {}
  detail::Handle<tgc_buffer_t, tgc_buffer_destroy> handle_;
};

/// One input or output of Session::callArgs: a host tensor (borrowed; it
/// must outlive the call) or a device buffer.
class Arg {
public:
  Arg(const Tensor &tensor) {
    raw_.tensor = tensor.view();
    raw_.buffer = nullptr;
  }
  Arg(const Buffer &buffer) {
    raw_.tensor = tgc_tensor_view_t();
    raw_.buffer = buffer.get();
  }
  const tgc_arg_t &raw() const { return raw_; }

private:
  tgc_arg_t raw_;
};

struct DispatchProfile {
  size_t step;
  uint32_t kernel;
  std::string kernelName;
  double ms; // < 0: the device cannot time kernels
};

struct CallProfile {
  uint64_t hostToDeviceBytes = 0;
  double hostToDeviceMs = 0;
  uint64_t deviceToHostBytes = 0;
  double deviceToHostMs = 0;
  std::vector<DispatchProfile> dispatches;
};

/// One thread at a time; make one session per thread.
class Session {
public:
  explicit Session(Module &module) {
    tgc_session_t *handle = nullptr;
    detail::check(tgc_session_create(module.get(), &handle));
    handle_.reset(handle);
  }

  /// Allocates the outputs, runs `function` and waits for it.
  std::vector<Tensor> call(size_t function, const std::vector<Tensor> &inputs) {
    std::vector<Tensor> outputs = makeOutputs(function);
    callInto(function, inputs, outputs);
    return outputs;
  }
  std::vector<Tensor> call(const std::string &function,
                           const std::vector<Tensor> &inputs) {
    return call(findFunction(function), inputs);
  }
  /// Runs into caller-allocated outputs of the right types.
  void callInto(size_t function, const std::vector<Tensor> &inputs,
                std::vector<Tensor> &outputs) {
    auto in = views(inputs), out = views(outputs);
    detail::check(tgc_session_call(get(), function, in.data(), in.size(),
                                   out.data(), out.size()));
  }
  /// Enqueues only; `inputs` and `outputs` must stay alive and unchanged
  /// until synchronize() returns.
  void callAsync(size_t function, const std::vector<Tensor> &inputs,
                 std::vector<Tensor> &outputs) {
    auto in = views(inputs), out = views(outputs);
    detail::check(tgc_session_call_async(get(), function, in.data(), in.size(),
                                         out.data(), out.size()));
  }
  void synchronize() { detail::check(tgc_session_synchronize(get())); }

  /// Any mix of host tensors and device buffers; outputs given as tensors
  /// are written into them.
  void callArgs(size_t function, const std::vector<Arg> &inputs,
                const std::vector<Arg> &outputs) {
    auto in = raws(inputs), out = raws(outputs);
    detail::check(tgc_session_call_args(get(), function, in.data(), in.size(),
                                        out.data(), out.size()));
  }
  void callArgsAsync(size_t function, const std::vector<Arg> &inputs,
                     const std::vector<Arg> &outputs) {
    auto in = raws(inputs), out = raws(outputs);
    detail::check(tgc_session_call_args_async(
        get(), function, in.data(), in.size(), out.data(), out.size()));
  }
  /// Copies between host and device in order with this session's calls.
  void upload(Buffer &buffer, const Tensor &source) {
    tgc_tensor_view_t view = source.view();
    detail::check(tgc_session_upload(get(), buffer.get(), &view));
  }
  void download(const Buffer &buffer, Tensor &destination) {
    tgc_tensor_view_t view = destination.view();
    detail::check(tgc_session_download(get(), buffer.get(), &view));
  }
  /// Enqueued only: the tensors must stay alive (and `source` unchanged)
  /// until synchronize() returns.
  void uploadAsync(Buffer &buffer, const Tensor &source) {
    tgc_tensor_view_t view = source.view();
    detail::check(tgc_session_upload_async(get(), buffer.get(), &view));
  }
  void downloadAsync(const Buffer &buffer, Tensor &destination) {
    tgc_tensor_view_t view = destination.view();
    detail::check(tgc_session_download_async(get(), buffer.get(), &view));
  }

  /// Zero-filled tensors of `function`'s output types.
  std::vector<Tensor> makeOutputs(size_t function) const {
    std::vector<Tensor> outputs;
    for (size_t i = 0; i < tgc_module_function_output_count(module(), function);
         ++i) {
      tgc_tensor_view_t view;
      detail::check(tgc_module_function_output(module(), function, i, &view));
      outputs.emplace_back(TensorType(view));
    }
    return outputs;
  }
  size_t findFunction(const std::string &name) const {
    size_t index = 0;
    detail::check(tgc_module_find_function(module(), name.c_str(), &index));
    return index;
  }

  void setProfiling(bool enabled) {
    detail::check(tgc_session_set_profiling(get(), enabled));
  }
  CallProfile lastProfile() const {
    tgc_call_profile_t raw;
    detail::check(tgc_session_last_profile(get(), &raw));
    CallProfile profile;
    profile.hostToDeviceBytes = raw.host_to_device_bytes;
    profile.hostToDeviceMs = raw.host_to_device_ms;
    profile.deviceToHostBytes = raw.device_to_host_bytes;
    profile.deviceToHostMs = raw.device_to_host_ms;
    for (size_t i = 0; i < raw.dispatch_count; ++i) {
      tgc_dispatch_profile_t d;
      detail::check(tgc_session_last_dispatch_profile(get(), i, &d));
      profile.dispatches.push_back({d.step, d.kernel, d.kernel_name, d.ms});
    }
    return profile;
  }
  tgc_session_t *get() const { return handle_.get(); }

private:
  static std::vector<tgc_tensor_view_t>
  views(const std::vector<Tensor> &tensors) {
    std::vector<tgc_tensor_view_t> result;
    result.reserve(tensors.size());
    for (const Tensor &t : tensors)
      result.push_back(t.view());
    return result;
  }

  static std::vector<tgc_arg_t> raws(const std::vector<Arg> &args) {
    std::vector<tgc_arg_t> result;
    result.reserve(args.size());
    for (const Arg &a : args)
      result.push_back(a.raw());
    return result;
  }

  /// Borrowed from the session, so it outlives the caller's Module.
  const tgc_module_t *module() const { return tgc_session_module(get()); }

  detail::Handle<tgc_session_t, tgc_session_destroy> handle_;
};

} // namespace tgc

#endif // TGC_RUNTIME_HPP
