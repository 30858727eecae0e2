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

#include <memory>
#include <string>
#include <vector>

namespace tgc::rt {

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

  /// Checks the tensors against the signature, then enqueues the input
  /// copies, the schedule and the output copies.
  Status callAsync(size_t function, const tgc_tensor_view_t *inputs,
                   size_t inputCount, const tgc_tensor_view_t *outputs,
                   size_t outputCount);
  Status synchronize();
  Status call(size_t function, const tgc_tensor_view_t *inputs,
              size_t inputCount, const tgc_tensor_view_t *outputs,
              size_t outputCount);

  void setProfiling(bool enabled) { profiling_ = enabled; }
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
  void bindCallerMemory(const FunctionDesc &fn, const tgc_tensor_view_t *inputs,
                        const tgc_tensor_view_t *outputs,
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
  };

  Session() = default;
  Status prepare(size_t function);
  Status checkTensors(const FunctionDesc &fn, const char *what,
                      const std::vector<TensorType> &types,
                      const tgc_tensor_view_t *views, size_t count) const;
  Status record(size_t eventIndex);
  Status collectProfile();

  std::shared_ptr<const Module> module_;
  std::unique_ptr<hal::Queue> queue_;
  std::vector<FunctionState> functions_;
  bool profiling_ = false;
  std::vector<std::unique_ptr<hal::Event>> events_;
  PendingProfile pendingProfile_;
  CallProfile profile_;
  bool hasProfile_ = false;
};

/// "tensor<2x3xf32>" for a caller's view, tolerating bad dtypes.
std::string viewTypeString(const tgc_tensor_view_t &view);

} // namespace tgc::rt

#endif // TGC_RUNTIME_MODULE_H
