//===- Module.h - loaded code, resident constants, sessions -----*- C++ -*-===//
//
// A Module is a bundle's code loaded on one device with the constants
// uploaded once; it is immutable afterwards and shared by every Session.
// A Session owns a queue and the per-call device buffers (inputs, outputs,
// scratch), allocated at a function's first call and reused after, so
// sessions on different threads never share mutable state.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_MODULE_H
#define TGC_RUNTIME_MODULE_H

#include "hal/Device.h"
#include "runtime/Bundle.h"
#include "runtime/KernelCache.h"
#include "support/Status.h"
#include "tgc/runtime.h"

#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace tgc::rt {

/// A C caller may pass any integer where the API takes an enum (a dtype);
/// loading it as the C++ enum type is undefined for values outside the
/// enum's range (UBSan reports it), so its bytes are read instead.
template <typename Enum> int rawEnumValue(const Enum &value) {
  std::underlying_type_t<Enum> raw;
  std::memcpy(&raw, &value, sizeof raw);
  return int(raw);
}

/// The most per-thread workspace a host kernel may ask for. tgc's own
/// kernels ask for well under this (packed matmul panels); a larger request
/// is a corrupt or hostile bundle, not a reason to allocate.
inline constexpr uint64_t kMaxHostWorkspaceBytes = 64ull << 20;

class Module {
public:
  /// Picks the code object for `device` (see chooseCodeObject), loads it,
  /// resolves every kernel and uploads the constants, reading external ones
  /// from `weightFiles` (see resolveWeightFiles; empty: the files the bundle
  /// names, beside it).
  static Status load(std::shared_ptr<hal::Device> device, const Bundle &bundle,
                     const KernelCacheOptions &cacheOptions,
                     const std::vector<std::string> &weightFiles,
                     std::shared_ptr<const Module> &out);
  ~Module();
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  const ModuleDesc &desc() const { return *desc_; }
  hal::Device &device() const { return *device_; }
  const std::shared_ptr<hal::Device> &deviceRef() const { return device_; }
  const std::string &codeDescription() const { return codeDescription_; }
  void *kernelHandle(uint32_t kernel) const { return kernels_[kernel]; }
  const hal::LaunchConfig &launchConfig(uint32_t kernel) const {
    return launches_[kernel];
  }
  /// All constants live in one allocation holding the constants section,
  /// then the external constants (ModuleDesc::constantsSize bytes).
  hal::Buffer constantsBuffer() const { return constants_; }

private:
  Module() = default;
  Status loadCode(const Bundle &bundle, const KernelCacheOptions &cacheOptions);
  Status uploadConstants(const Bundle &bundle,
                         const std::vector<std::string> &weightFiles);

  // Declaration order is destruction order in reverse: the program and the
  // constants must go before the device that owns them.
  std::shared_ptr<hal::Device> device_;
  std::shared_ptr<const ModuleDesc> desc_;
  std::unique_ptr<hal::Program> program_;
  std::vector<void *> kernels_;
  std::vector<hal::LaunchConfig> launches_;
  hal::Buffer constants_;
  std::string codeDescription_;
};

/// A tgc_buffer_t's memory: one tensor on one device, kept alive by the
/// handle and by every pending call or copy that uses it.
class DeviceBuffer {
public:
  static Status create(std::shared_ptr<hal::Device> device, TensorType type,
                       std::shared_ptr<DeviceBuffer> &out);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;

  const TensorType &type() const { return type_; }
  hal::Buffer memory() const { return memory_; }
  const hal::Device &device() const { return *device_; }

private:
  DeviceBuffer() = default;
  std::shared_ptr<hal::Device> device_;
  TensorType type_;
  hal::Buffer memory_;
};

/// One input or output of a call: a device buffer if `buffer` is set, else
/// the caller's host tensor.
struct CallArg {
  const tgc_tensor_view_t *tensor = nullptr;
  std::shared_ptr<DeviceBuffer> buffer;
};

/// OK if `output` of `fn` may be written over `input` (one buffer passed as
/// both): the schedule reads nothing of the input once it has begun writing
/// the output (a copy of the input onto the output at the same place reads
/// it, and is a no-op under donation; a kernel may read it and write the
/// output in one step through bindings the compiler marked in place).
/// Otherwise INVALID_ARGUMENT naming the steps. Indices must be in range.
Status checkDonation(const ModuleDesc &desc, const FunctionDesc &fn,
                     size_t input, size_t output);

struct DispatchProfile {
  size_t step;
  uint32_t kernel;
  double ms;
};

struct CallProfile {
  uint64_t hostToDeviceBytes = 0;
  double hostToDeviceMs = 0;
  uint64_t deviceToHostBytes = 0;
  double deviceToHostMs = 0;
  std::vector<DispatchProfile> dispatches;
};

class Session {
public:
  static Status create(std::shared_ptr<const Module> module,
                       std::unique_ptr<Session> &out);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  const Module &module() const { return *module_; }

  /// Checks the arguments against the signature (and buffers against the
  /// device and each other), then enqueues the copies of host inputs, the
  /// schedule and the copies of host outputs. Buffers are used in place.
  Status callAsync(size_t function, const CallArg *inputs, size_t inputCount,
                   const CallArg *outputs, size_t outputCount);
  Status synchronize();
  Status call(size_t function, const CallArg *inputs, size_t inputCount,
              const CallArg *outputs, size_t outputCount);
  /// The same with host tensors only.
  Status callAsync(size_t function, const tgc_tensor_view_t *inputs,
                   size_t inputCount, const tgc_tensor_view_t *outputs,
                   size_t outputCount);
  Status call(size_t function, const tgc_tensor_view_t *inputs,
              size_t inputCount, const tgc_tensor_view_t *outputs,
              size_t outputCount);

  /// Enqueues a copy between a host tensor of the buffer's type and the
  /// buffer, in order with calls; waits for it if `wait`.
  Status upload(const std::shared_ptr<DeviceBuffer> &buffer,
                const tgc_tensor_view_t &source, bool wait);
  Status download(const std::shared_ptr<DeviceBuffer> &buffer,
                  const tgc_tensor_view_t &destination, bool wait);

  void setProfiling(bool enabled) { profiling_ = enabled; }
  /// On a GPU, calls that copy at least this many bytes between the host
  /// and the device (both ways together) overlap those copies with their
  /// kernels (docs/runtime.md, "Copies and compute"); smaller ones keep one
  /// queue, where ordering costs no events.
  static constexpr uint64_t kDefaultOverlapMinBytes = uint64_t(1) << 20;
  void setOverlapMinBytes(uint64_t bytes) { overlapMinBytes_ = bytes; }
  /// The profile of the last call made with profiling on, once
  /// synchronized; null if there is none.
  const CallProfile *lastProfile() const {
    return hasProfile_ ? &profile_ : nullptr;
  }

private:
  /// A function's buffer: an allocation (or the constants) plus an offset.
  struct BoundBuffer {
    hal::Buffer memory;
    uint64_t offset = 0;
  };
  /// Host device: binds input and output buffers to the caller's memory
  /// where the kernels may use it directly, marking them in `inPlace`.
  void bindCallerMemory(const FunctionDesc &fn, const CallArg *inputs,
                        const CallArg *outputs,
                        std::vector<BoundBuffer> &buffers,
                        std::vector<bool> &inPlace);
  struct FunctionState {
    bool ready = false;
    std::vector<hal::Buffer> allocations; // owned, freed by ~Session
    std::vector<BoundBuffer> buffers;     // indexed like FunctionDesc::buffers
  };
  struct PendingProfile {
    bool active = false;
    size_t function = 0;
    size_t eventCount = 0;
    uint64_t hostToDeviceBytes = 0;
    uint64_t deviceToHostBytes = 0;
  };

  Session() = default;
  Status prepare(size_t function);
  /// Allocates function buffer `b` for the session (kept until it ends).
  Status allocate(size_t function, size_t b, BoundBuffer &out);
  Status checkArgs(const FunctionDesc &fn, const char *what,
                   const std::vector<TensorType> &types, const CallArg *args,
                   size_t count) const;
  /// A buffer must be on this session's device and have `type`.
  Status checkBuffer(const DeviceBuffer &buffer, const TensorType &type,
                     const std::string &where) const;
  Status checkAliasing(const FunctionDesc &fn, const CallArg *inputs,
                       const CallArg *outputs) const;
  Status record(size_t eventIndex);
  Status collectProfile();
  /// The call's `index`th event for ordering the two queues, made on first
  /// use and reused by later calls.
  Status nextOrderEvent(size_t index, hal::Event *&out);
  /// Waits for both queues; the first failure, naming which.
  Status drain();

  std::shared_ptr<const Module> module_;
  /// Kernels, device-to-device copies, upload() and download().
  std::unique_ptr<hal::Queue> queue_;
  /// A GPU's host copies of call arguments, ordered against `queue_` by
  /// events (null on the host device: callAsync then uses `queue_`).
  std::unique_ptr<hal::Queue> transferQueue_;
  std::vector<std::unique_ptr<hal::Event>> orderEvents_;
  std::vector<FunctionState> functions_;
  bool profiling_ = false;
  uint64_t overlapMinBytes_ = kDefaultOverlapMinBytes;
  std::vector<std::unique_ptr<hal::Event>> events_;
  PendingProfile pendingProfile_;
  CallProfile profile_;
  bool hasProfile_ = false;
  /// Buffers that enqueued work uses: kept alive until synchronize, so a
  /// buffer destroyed by the caller meanwhile is freed only after.
  std::vector<std::shared_ptr<DeviceBuffer>> inFlight_;
};

/// "tensor<2x3xf32>" for a caller's view, tolerating bad dtypes.
std::string viewTypeString(const tgc_tensor_view_t &view);

} // namespace tgc::rt

#endif // TGC_RUNTIME_MODULE_H
