//===- HipDevice.cpp - the HIP backend over libamdhip64 -------------------===//
//
// The same shape as CudaDevice.cpp, over the HIP runtime opened at run time
// (see HipRuntimeApi.h). HIP keeps a current device per thread instead of a
// context stack, so every call selects the device and restores the caller's
// choice afterwards. Host<->device copies go through pinned staging memory
// exactly as on CUDA.
//
// Not yet run on AMD hardware: only the "no HIP runtime" path is tested.
//
//===----------------------------------------------------------------------===//

#include "hal/BackendSupport.h"
#include "hal/Device.h"
#include "hal/HipRuntimeApi.h"

#include <algorithm>
#include <cctype>
#include <cstring>

using namespace tgc::hal;
using namespace tgc::hal::hip;
using namespace tgc::hal::detail;

namespace {

constexpr size_t kStagingChunkBytes = size_t(32) << 20;
constexpr size_t kStagingGranularity = size_t(64) << 10;
// Comfortably larger than any hipDeviceProp_t layout (about 1.5 KB in ROCm
// 6), see archName().
constexpr size_t kPropertiesScratchBytes = 64 * 1024;
constexpr size_t kNameFieldBytes = 256;

struct LoadedRuntime {
  RuntimeApi api = {};
  std::string problem;
};

std::string errorName(const RuntimeApi &api, hipError_t error) {
  const char *name = api.hipGetErrorName ? api.hipGetErrorName(error) : nullptr;
  return name ? name : "hipError_t " + std::to_string(error);
}

LoadedRuntime loadRuntime() {
  LoadedRuntime runtime;
  // Distributions ship only the versioned name unless the -dev package is
  // installed.
  void *library = openFirstLibrary({"libamdhip64.so", "libamdhip64.so.7",
                                    "libamdhip64.so.6", "libamdhip64.so.5"});
  if (!library) {
    runtime.problem = "no HIP runtime (libamdhip64.so not found)";
    return runtime;
  }
  RuntimeApi &api = runtime.api;
  std::string missing;
  auto bind = [&](auto &slot, std::initializer_list<const char *> names) {
    if (!bindSymbol(library, slot, names))
      missing += std::string(missing.empty() ? "" : ", ") + *names.begin();
  };
  bind(api.hipInit, {"hipInit"});
  bind(api.hipGetErrorName, {"hipGetErrorName"});
  bind(api.hipDriverGetVersion, {"hipDriverGetVersion"});
  bind(api.hipGetDeviceCount, {"hipGetDeviceCount"});
  bind(api.hipDeviceGet, {"hipDeviceGet"});
  bind(api.hipDeviceGetName, {"hipDeviceGetName"});
  bind(api.hipDeviceTotalMem, {"hipDeviceTotalMem"});
  bind(api.hipDeviceGetAttribute, {"hipDeviceGetAttribute"});
  bind(api.hipGetDevice, {"hipGetDevice"});
  bind(api.hipSetDevice, {"hipSetDevice"});
  bind(api.hipMalloc, {"hipMalloc"});
  bind(api.hipFree, {"hipFree"});
  bind(api.hipHostMalloc, {"hipHostMalloc", "hipExtHostAlloc", "hipHostAlloc"});
  bind(api.hipHostFree, {"hipHostFree", "hipFreeHost"});
  bind(api.hipMemcpyHtoDAsync, {"hipMemcpyHtoDAsync"});
  bind(api.hipMemcpyDtoHAsync, {"hipMemcpyDtoHAsync"});
  bind(api.hipMemcpyDtoDAsync, {"hipMemcpyDtoDAsync"});
  bind(api.hipStreamCreateWithFlags, {"hipStreamCreateWithFlags"});
  bind(api.hipStreamDestroy, {"hipStreamDestroy"});
  bind(api.hipStreamSynchronize, {"hipStreamSynchronize"});
  bind(api.hipEventCreateWithFlags, {"hipEventCreateWithFlags"});
  bind(api.hipEventDestroy, {"hipEventDestroy"});
  bind(api.hipEventRecord, {"hipEventRecord"});
  bind(api.hipEventSynchronize, {"hipEventSynchronize"});
  bind(api.hipEventElapsedTime, {"hipEventElapsedTime"});
  bind(api.hipModuleLoadData, {"hipModuleLoadData"});
  bind(api.hipModuleUnload, {"hipModuleUnload"});
  bind(api.hipModuleGetFunction, {"hipModuleGetFunction"});
  bind(api.hipModuleLaunchKernel, {"hipModuleLaunchKernel"});
  if (!missing.empty()) {
    runtime.problem =
        "the HIP runtime is too old: it does not export " + missing;
    return runtime;
  }
  // Optional: only improves DeviceInfo::arch.
  bindSymbol(library, api.hipGetDeviceProperties,
             {"hipGetDevicePropertiesR0600", "hipGetDeviceProperties"});
  if (hipError_t error = api.hipInit(0))
    runtime.problem = "hipInit failed: " + errorName(api, error);
  return runtime;
}

const LoadedRuntime &runtime() {
  static const LoadedRuntime loaded = loadRuntime();
  return loaded;
}

std::string deviceLabel(int ordinal) {
  return "hip:" + std::to_string(ordinal);
}

/// The gfx target ("gfx1100", "gfx90a"). No attribute holds it: HIP has it
/// only in hipDeviceProp_t::gcnArchName, whose offset differs between ROCm
/// releases. Instead of hard-coding one layout, fill an oversized zeroed
/// scratch area and take the first NUL-preceded "gfx<alnum>..." string after
/// the leading 256-byte name field, cut at the first non-alphanumeric
/// character (feature flags follow as ":sramecc+:xnack-"). This is the one
/// approximated property. The compute capability HIP reports (9.0 for both
/// gfx900 and gfx90a) cannot stand in for it, so failing that the arch is
/// "gfx-unknown", which no code object matches.
std::string archName(const RuntimeApi &api, int ordinal) {
  if (api.hipGetDeviceProperties) {
    std::vector<uint64_t> scratch(kPropertiesScratchBytes / sizeof(uint64_t));
    auto *bytes = reinterpret_cast<const unsigned char *>(scratch.data());
    if (api.hipGetDeviceProperties(scratch.data(), ordinal) == hipSuccess) {
      for (size_t i = kNameFieldBytes; i + 4 < kPropertiesScratchBytes; ++i) {
        if (bytes[i - 1] != 0 || std::memcmp(bytes + i, "gfx", 3) != 0 ||
            !std::isalnum(bytes[i + 3]))
          continue;
        std::string arch;
        for (size_t j = i;
             j < kPropertiesScratchBytes && std::isalnum(bytes[j]); ++j)
          arch.push_back(static_cast<char>(bytes[j]));
        return arch;
      }
    }
  }
  return "gfx-unknown";
}

Status queryDeviceInfo(const RuntimeApi &api, int ordinal, DeviceInfo &info) {
  std::string label = deviceLabel(ordinal);
  auto failure = [&](const char *call, hipError_t error) {
    return Status::error(label + ": " + call +
                         " failed: " + errorName(api, error));
  };
  hipDevice_t device = 0;
  if (hipError_t error = api.hipDeviceGet(&device, ordinal))
    return failure("hipDeviceGet", error);
  char name[256] = {};
  if (hipError_t error = api.hipDeviceGetName(name, sizeof(name) - 1, device))
    return failure("hipDeviceGetName", error);
  size_t memoryBytes = 0;
  if (hipError_t error = api.hipDeviceTotalMem(&memoryBytes, device))
    return failure("hipDeviceTotalMem", error);
  int driverVersion = 0;
  if (hipError_t error = api.hipDriverGetVersion(&driverVersion))
    return failure("hipDriverGetVersion", error);
  struct {
    int attribute;
    int value;
  } attributes[] = {{hipDeviceAttributeMultiprocessorCount, 0},
                    {hipDeviceAttributeWarpSize, 0},
                    {hipDeviceAttributeMaxThreadsPerBlock, 0},
                    {hipDeviceAttributeMaxSharedMemoryPerBlock, 0}};
  for (auto &entry : attributes)
    if (hipError_t error =
            api.hipDeviceGetAttribute(&entry.value, entry.attribute, ordinal))
      return failure("hipDeviceGetAttribute", error);
  // A pre-5.0 runtime numbers attributes differently and answers nonsense;
  // every AMD GPU has a wavefront of 32 or 64.
  if (attributes[1].value != 32 && attributes[1].value != 64)
    return Status::error(label + ": the HIP runtime reports a warp size of " +
                         std::to_string(attributes[1].value) +
                         "; ROCm 5.0 or newer is required");

  info = DeviceInfo();
  info.kind = DeviceKind::Hip;
  info.ordinal = ordinal;
  info.name = name;
  info.arch = archName(api, ordinal);
  info.memoryBytes = memoryBytes;
  info.computeUnits = attributes[0].value;
  info.warpSize = attributes[1].value;
  info.maxThreadsPerBlock = attributes[2].value;
  info.maxSharedMemoryPerBlock = static_cast<uint64_t>(attributes[3].value);
  info.driverVersion = std::to_string(driverVersion);
  return Status();
}

//===----------------------------------------------------------------------===//
// Device selection
//===----------------------------------------------------------------------===//

struct HipDeviceState {
  HipDeviceState(const RuntimeApi &api, int ordinal)
      : api(api), ordinal(ordinal), label(deviceLabel(ordinal)) {}
  Status failure(const char *call, hipError_t error,
                 const std::string &detail = std::string()) const {
    return Status::error(label + ": " + call +
                         " failed: " + errorName(api, error) +
                         (detail.empty() ? "" : ": " + detail));
  }
  const RuntimeApi &api;
  int ordinal;
  std::string label;
};

/// Selects the device on this thread for one call; restores the caller's.
class DeviceScope {
public:
  explicit DeviceScope(const HipDeviceState &state) : state_(state) {
    if (state.api.hipGetDevice(&previous_) != hipSuccess)
      previous_ = -1;
    if (previous_ != state.ordinal)
      result_ = state.api.hipSetDevice(state.ordinal);
  }
  ~DeviceScope() {
    if (result_ == hipSuccess && previous_ >= 0 && previous_ != state_.ordinal)
      state_.api.hipSetDevice(previous_);
  }
  Status status() const {
    return result_ == hipSuccess ? Status()
                                 : state_.failure("hipSetDevice", result_);
  }

private:
  const HipDeviceState &state_;
  int previous_ = -1;
  hipError_t result_ = hipSuccess;
};

#define TGC_HIP_TRY(state, call, ...)                                          \
  do {                                                                         \
    hipError_t tgcError = (state).api.call(__VA_ARGS__);                       \
    if (tgcError != hipSuccess)                                                \
      return (state).failure(#call, tgcError);                                 \
  } while (false)

#define TGC_HIP_ENTER(state)                                                   \
  DeviceScope deviceScope(state);                                              \
  if (Status scopeStatus = deviceScope.status(); !scopeStatus)                 \
  return scopeStatus

void *toPointer(uint64_t address) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(address));
}

//===----------------------------------------------------------------------===//
// Events, programs, queues
//===----------------------------------------------------------------------===//

class HipEvent final : public Event {
public:
  HipEvent(std::shared_ptr<HipDeviceState> state, hipEvent_t event)
      : state_(std::move(state)), event_(event) {}
  ~HipEvent() override {
    DeviceScope scope(*state_);
    state_->api.hipEventDestroy(event_);
  }
  Status wait() override {
    TGC_HIP_ENTER(*state_);
    TGC_HIP_TRY(*state_, hipEventSynchronize, event_);
    return Status();
  }
  Status elapsedMs(const Event &start, float &ms) const override {
    const auto *startEvent = dynamic_cast<const HipEvent *>(&start);
    if (!startEvent)
      return Status::error(state_->label +
                           ": elapsedMs: the start event belongs to another "
                           "device");
    if (!recorded_ || !startEvent->recorded_)
      return Status::error(state_->label +
                           ": elapsedMs: event was never recorded");
    TGC_HIP_ENTER(*state_);
    TGC_HIP_TRY(*state_, hipEventElapsedTime, &ms, startEvent->event_, event_);
    return Status();
  }
  hipEvent_t handle() const { return event_; }
  const HipDeviceState &state() const { return *state_; }
  void markRecorded() { recorded_ = true; }

private:
  std::shared_ptr<HipDeviceState> state_;
  hipEvent_t event_;
  bool recorded_ = false;
};

class HipProgram final : public Program {
public:
  HipProgram(std::shared_ptr<HipDeviceState> state, hipModule_t module)
      : state_(std::move(state)), module_(module) {}
  ~HipProgram() override {
    DeviceScope scope(*state_);
    state_->api.hipModuleUnload(module_);
  }
  Status getKernel(const std::string &symbol, void *&kernel) override {
    TGC_HIP_ENTER(*state_);
    hipFunction_t function = nullptr;
    hipError_t error =
        state_->api.hipModuleGetFunction(&function, module_, symbol.c_str());
    if (error != hipSuccess)
      return state_->failure("hipModuleGetFunction", error,
                             "kernel '" + symbol + "'");
    kernel = function;
    return Status();
  }

private:
  std::shared_ptr<HipDeviceState> state_;
  hipModule_t module_;
};

struct StagingSlot {
  void *memory = nullptr;
  size_t capacity = 0;
  hipEvent_t lastUse = nullptr;
  bool inUse = false;
};

class HipQueue final : public Queue {
public:
  HipQueue(std::shared_ptr<HipDeviceState> state, hipStream_t stream)
      : state_(std::move(state)), stream_(stream) {}
  ~HipQueue() override;
  Status initialize();

  Status copyHostToDevice(const void *src, Buffer dst, size_t offset,
                          size_t size) override;
  Status copyDeviceToHost(Buffer src, size_t offset, void *dst,
                          size_t size) override;
  Status copyDeviceToDevice(Buffer src, size_t srcOffset, Buffer dst,
                            size_t dstOffset, size_t size) override;
  Status launch(void *kernel, const LaunchConfig &config,
                const std::vector<uint64_t> &args) override;
  Status record(Event &event) override;
  Status synchronize() override;

private:
  Status prepareSlot(StagingSlot &slot, size_t size);
  Status waitForSlot(StagingSlot &slot);

  std::shared_ptr<HipDeviceState> state_;
  hipStream_t stream_;
  StagingSlot slots_[2];
  unsigned nextSlot_ = 0;
};

Status HipQueue::initialize() {
  TGC_HIP_ENTER(*state_);
  for (StagingSlot &slot : slots_)
    TGC_HIP_TRY(*state_, hipEventCreateWithFlags, &slot.lastUse,
                hipEventDisableTiming);
  return Status();
}

HipQueue::~HipQueue() {
  DeviceScope scope(*state_);
  const RuntimeApi &api = state_->api;
  api.hipStreamSynchronize(stream_);
  for (StagingSlot &slot : slots_) {
    if (slot.memory)
      api.hipHostFree(slot.memory);
    if (slot.lastUse)
      api.hipEventDestroy(slot.lastUse);
  }
  api.hipStreamDestroy(stream_);
}

Status HipQueue::waitForSlot(StagingSlot &slot) {
  if (slot.inUse) {
    TGC_HIP_TRY(*state_, hipEventSynchronize, slot.lastUse);
    slot.inUse = false;
  }
  return Status();
}

Status HipQueue::prepareSlot(StagingSlot &slot, size_t size) {
  if (Status status = waitForSlot(slot); !status)
    return status;
  if (slot.capacity >= size)
    return Status();
  if (slot.memory) {
    TGC_HIP_TRY(*state_, hipHostFree, slot.memory);
    slot.memory = nullptr;
    slot.capacity = 0;
  }
  size_t capacity =
      std::min(std::max(size, slot.capacity * 2), kStagingChunkBytes);
  capacity = (capacity + kStagingGranularity - 1) & ~(kStagingGranularity - 1);
  TGC_HIP_TRY(*state_, hipHostMalloc, &slot.memory, capacity,
              hipHostMallocDefault);
  slot.capacity = capacity;
  return Status();
}

Status HipQueue::copyHostToDevice(const void *src, Buffer dst, size_t offset,
                                  size_t size) {
  if (Status status =
          checkRange(state_->label, "copyHostToDevice", dst, offset, size);
      !status)
    return status;
  TGC_HIP_ENTER(*state_);
  const char *source = static_cast<const char *>(src);
  for (size_t done = 0; done < size;) {
    size_t chunk = std::min(size - done, kStagingChunkBytes);
    StagingSlot &slot = slots_[nextSlot_];
    nextSlot_ ^= 1;
    if (Status status = prepareSlot(slot, chunk); !status)
      return status;
    std::memcpy(slot.memory, source + done, chunk);
    TGC_HIP_TRY(*state_, hipMemcpyHtoDAsync,
                toPointer(dst.address + offset + done), slot.memory, chunk,
                stream_);
    TGC_HIP_TRY(*state_, hipEventRecord, slot.lastUse, stream_);
    slot.inUse = true;
    done += chunk;
  }
  return Status();
}

Status HipQueue::copyDeviceToHost(Buffer src, size_t offset, void *dst,
                                  size_t size) {
  if (Status status =
          checkRange(state_->label, "copyDeviceToHost", src, offset, size);
      !status)
    return status;
  TGC_HIP_ENTER(*state_);
  char *destination = static_cast<char *>(dst);
  StagingSlot *pendingSlot = nullptr;
  size_t pendingOffset = 0, pendingSize = 0;
  auto drainPending = [&]() -> Status {
    if (!pendingSlot)
      return Status();
    if (Status status = waitForSlot(*pendingSlot); !status)
      return status;
    std::memcpy(destination + pendingOffset, pendingSlot->memory, pendingSize);
    pendingSlot = nullptr;
    return Status();
  };
  for (size_t done = 0; done < size;) {
    size_t chunk = std::min(size - done, kStagingChunkBytes);
    StagingSlot &slot = slots_[nextSlot_];
    nextSlot_ ^= 1;
    if (Status status = prepareSlot(slot, chunk); !status)
      return status;
    TGC_HIP_TRY(*state_, hipMemcpyDtoHAsync, slot.memory,
                toPointer(src.address + offset + done), chunk, stream_);
    TGC_HIP_TRY(*state_, hipEventRecord, slot.lastUse, stream_);
    slot.inUse = true;
    if (Status status = drainPending(); !status)
      return status;
    pendingSlot = &slot;
    pendingOffset = done;
    pendingSize = chunk;
    done += chunk;
  }
  return drainPending();
}

Status HipQueue::copyDeviceToDevice(Buffer src, size_t srcOffset, Buffer dst,
                                    size_t dstOffset, size_t size) {
  if (Status status = checkRange(state_->label, "copyDeviceToDevice (source)",
                                 src, srcOffset, size);
      !status)
    return status;
  if (Status status =
          checkRange(state_->label, "copyDeviceToDevice (destination)", dst,
                     dstOffset, size);
      !status)
    return status;
  if (size == 0)
    return Status();
  TGC_HIP_ENTER(*state_);
  TGC_HIP_TRY(*state_, hipMemcpyDtoDAsync, toPointer(dst.address + dstOffset),
              toPointer(src.address + srcOffset), size, stream_);
  return Status();
}

Status HipQueue::launch(void *kernel, const LaunchConfig &config,
                        const std::vector<uint64_t> &args) {
  if (!kernel)
    return Status::error(state_->label + ": launch: null kernel");
  TGC_HIP_ENTER(*state_);
  constexpr size_t kInlineParams = 16;
  void *inlineParams[kInlineParams];
  std::vector<void *> heapParams;
  void **params = inlineParams;
  if (args.size() > kInlineParams) {
    heapParams.resize(args.size());
    params = heapParams.data();
  }
  for (size_t i = 0; i < args.size(); ++i)
    params[i] = const_cast<uint64_t *>(&args[i]);
  TGC_HIP_TRY(*state_, hipModuleLaunchKernel,
              static_cast<hipFunction_t>(kernel), config.grid[0],
              config.grid[1], config.grid[2], config.block[0], config.block[1],
              config.block[2], config.sharedMemoryBytes, stream_,
              args.empty() ? nullptr : params, nullptr);
  return Status();
}

Status HipQueue::record(Event &event) {
  auto *hipEvent = dynamic_cast<HipEvent *>(&event);
  if (!hipEvent || &hipEvent->state() != state_.get())
    return Status::error(state_->label +
                         ": record: the event belongs to another device");
  TGC_HIP_ENTER(*state_);
  TGC_HIP_TRY(*state_, hipEventRecord, hipEvent->handle(), stream_);
  hipEvent->markRecorded();
  return Status();
}

Status HipQueue::synchronize() {
  TGC_HIP_ENTER(*state_);
  TGC_HIP_TRY(*state_, hipStreamSynchronize, stream_);
  return Status();
}

//===----------------------------------------------------------------------===//
// The device
//===----------------------------------------------------------------------===//

class HipDevice final : public Device {
public:
  HipDevice(DeviceInfo info, std::shared_ptr<HipDeviceState> state)
      : info_(std::move(info)), state_(std::move(state)) {}

  const DeviceInfo &info() const override { return info_; }

  Status allocate(size_t size, Buffer &out) override {
    TGC_HIP_ENTER(*state_);
    void *memory = nullptr;
    hipError_t error =
        state_->api.hipMalloc(&memory, std::max<size_t>(size, 1));
    if (error != hipSuccess)
      return state_->failure("hipMalloc", error,
                             std::to_string(size) + " bytes");
    out.address = reinterpret_cast<uintptr_t>(memory);
    out.size = size;
    return Status();
  }

  void free(Buffer buffer) override {
    if (!buffer.address)
      return;
    DeviceScope scope(*state_);
    state_->api.hipFree(toPointer(buffer.address));
  }

  Status createQueue(std::unique_ptr<Queue> &out) override {
    TGC_HIP_ENTER(*state_);
    hipStream_t stream = nullptr;
    TGC_HIP_TRY(*state_, hipStreamCreateWithFlags, &stream,
                hipStreamNonBlocking);
    auto queue = std::make_unique<HipQueue>(state_, stream);
    if (Status status = queue->initialize(); !status)
      return status;
    out = std::move(queue);
    return Status();
  }

  Status createEvent(std::unique_ptr<Event> &out) override {
    TGC_HIP_ENTER(*state_);
    hipEvent_t event = nullptr;
    TGC_HIP_TRY(*state_, hipEventCreateWithFlags, &event, hipEventDefault);
    out = std::make_unique<HipEvent>(state_, event);
    return Status();
  }

  Status loadProgram(CodeFormat format, const void *bytes, size_t size,
                     const ProgramOptions &,
                     std::unique_ptr<Program> &out) override {
    if (format != CodeFormat::Hsaco)
      return Status::error(state_->label + ": cannot load " +
                           describeCodeFormat(format) +
                           " code objects (a HIP device loads HSACO)");
    if (!bytes || size == 0)
      return Status::error(state_->label + ": loadProgram: empty HSACO");
    TGC_HIP_ENTER(*state_);
    AlignedCodeCopy image(bytes, size);
    hipModule_t module = nullptr;
    hipError_t error = state_->api.hipModuleLoadData(&module, image.data());
    if (error != hipSuccess)
      return state_->failure("hipModuleLoadData", error,
                             "HSACO of " + std::to_string(size) +
                                 " bytes for " + info_.arch);
    out = std::make_unique<HipProgram>(state_, module);
    return Status();
  }

private:
  DeviceInfo info_;
  std::shared_ptr<HipDeviceState> state_;
};

} // namespace

namespace tgc::hal {

Status listHipDevices(std::vector<DeviceInfo> &out, std::string &note) {
  out.clear();
  note.clear();
  const LoadedRuntime &loaded = runtime();
  if (!loaded.problem.empty()) {
    note = loaded.problem;
    return Status();
  }
  const RuntimeApi &api = loaded.api;
  int count = 0;
  if (hipError_t error = api.hipGetDeviceCount(&count))
    return Status::error("hip: hipGetDeviceCount failed: " +
                         errorName(api, error));
  if (count == 0)
    note = "the HIP runtime reports no devices";
  for (int ordinal = 0; ordinal < count; ++ordinal) {
    DeviceInfo info;
    if (Status status = queryDeviceInfo(api, ordinal, info); !status)
      return status;
    out.push_back(std::move(info));
  }
  return Status();
}

Status openHipDevice(int ordinal, std::unique_ptr<Device> &out) {
  std::string label = deviceLabel(ordinal);
  const LoadedRuntime &loaded = runtime();
  if (!loaded.problem.empty())
    return Status::error(label + ": " + loaded.problem);
  const RuntimeApi &api = loaded.api;
  int count = 0;
  if (hipError_t error = api.hipGetDeviceCount(&count))
    return Status::error(
        label + ": hipGetDeviceCount failed: " + errorName(api, error));
  if (ordinal < 0 || ordinal >= count)
    return Status::error(label + ": no such device (the HIP runtime reports " +
                         std::to_string(count) + ")");
  DeviceInfo info;
  if (Status status = queryDeviceInfo(api, ordinal, info); !status)
    return status;
  out = std::make_unique<HipDevice>(
      std::move(info), std::make_shared<HipDeviceState>(api, ordinal));
  return Status();
}

} // namespace tgc::hal
