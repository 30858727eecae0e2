//===- HipDevice.cpp - the HIP backend over libamdhip64 -------------------===//
//
// The HIP runtime is opened at run time (see HipRuntimeApi.h). HIP keeps a
// current device per thread instead of a context stack, so every call
// selects the device and restores the caller's choice afterwards. Queues,
// pinned staging, events and programs are GpuBackend's, as on CUDA; this
// file maps them onto the HIP runtime and adds what is HIP's own: device
// properties (and the approximated arch) and HSACO loading.
//
// Not yet run on AMD hardware: only the "no HIP runtime" path is tested.
//
//===----------------------------------------------------------------------===//

#include "hal/BackendSupport.h"
#include "hal/Device.h"
#include "hal/GpuBackend.h"
#include "hal/HipRuntimeApi.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <type_traits>

using namespace tgc::hal;
using namespace tgc::hal::hip;
using namespace tgc::hal::detail;

namespace {

static_assert(std::is_same_v<hipError_t, int> && hipSuccess == 0,
              "GpuDriver::check takes hipError_t as an int, 0 for success");

// Comfortably larger than any hipDeviceProp_t layout (about 1.5 KB in ROCm
// 6), see archName().
constexpr size_t kPropertiesScratchBytes = 64 * 1024;
constexpr size_t kNameFieldBytes = 256;

std::string errorName(const RuntimeApi &api, hipError_t error) {
  const char *name = api.hipGetErrorName ? api.hipGetErrorName(error) : nullptr;
  return name ? name : "hipError_t " + std::to_string(error);
}

//===----------------------------------------------------------------------===//
// Loading the runtime, listing devices
//===----------------------------------------------------------------------===//

class LoadedRuntime final : public GpuPlatform {
public:
  LoadedRuntime() : GpuPlatform("hip", "the HIP runtime") { problem_ = load(); }

  RuntimeApi api = {};

protected:
  Status deviceCount(int &count) const override;
  Status deviceInfo(int ordinal, DeviceInfo &info) const override;

private:
  /// Binds the entry points and initializes the runtime; returns the note
  /// for listings if that fails.
  std::string load();
  std::string archName(int ordinal) const;
};

std::string LoadedRuntime::load() {
  // Distributions ship only the versioned name unless the -dev package is
  // installed.
  void *library = openFirstLibrary({"libamdhip64.so", "libamdhip64.so.7",
                                    "libamdhip64.so.6", "libamdhip64.so.5"});
  if (!library)
    return "no HIP runtime (libamdhip64.so not found)";
  SymbolBinder bind(library);
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
  bind(api.hipStreamWaitEvent, {"hipStreamWaitEvent"});
  bind(api.hipEventElapsedTime, {"hipEventElapsedTime"});
  bind(api.hipModuleLoadData, {"hipModuleLoadData"});
  bind(api.hipModuleUnload, {"hipModuleUnload"});
  bind(api.hipModuleGetFunction, {"hipModuleGetFunction"});
  bind(api.hipModuleLaunchKernel, {"hipModuleLaunchKernel"});
  if (!bind.missing().empty())
    return "the HIP runtime is too old: it does not export " + bind.missing();
  // Optional: only improves DeviceInfo::arch.
  bindSymbol(library, api.hipGetDeviceProperties,
             {"hipGetDevicePropertiesR0600", "hipGetDeviceProperties"});
  if (hipError_t error = api.hipInit(0))
    return "hipInit failed: " + errorName(api, error);
  return std::string();
}

const LoadedRuntime &runtime() {
  static const LoadedRuntime loaded;
  return loaded;
}

Status LoadedRuntime::deviceCount(int &count) const {
  if (hipError_t error = api.hipGetDeviceCount(&count))
    return Status::error("hipGetDeviceCount failed: " + errorName(api, error));
  return Status();
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
std::string LoadedRuntime::archName(int ordinal) const {
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

Status LoadedRuntime::deviceInfo(int ordinal, DeviceInfo &info) const {
  std::string name = label(ordinal);
  auto failure = [&](const char *call, hipError_t error) {
    return Status::error(name + ": " + call +
                         " failed: " + errorName(api, error));
  };
  hipDevice_t device = 0;
  if (hipError_t error = api.hipDeviceGet(&device, ordinal))
    return failure("hipDeviceGet", error);
  char deviceName[256] = {};
  if (hipError_t error =
          api.hipDeviceGetName(deviceName, sizeof(deviceName) - 1, device))
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
                    {hipDeviceAttributeMaxSharedMemoryPerBlock, 0},
                    {hipDeviceAttributeMaxGridDimX, 0},
                    {hipDeviceAttributeMaxGridDimY, 0},
                    {hipDeviceAttributeMaxGridDimZ, 0},
                    {hipDeviceAttributeMaxBlockDimX, 0},
                    {hipDeviceAttributeMaxBlockDimY, 0},
                    {hipDeviceAttributeMaxBlockDimZ, 0}};
  for (auto &entry : attributes)
    if (hipError_t error =
            api.hipDeviceGetAttribute(&entry.value, entry.attribute, ordinal))
      return failure("hipDeviceGetAttribute", error);
  // A pre-5.0 runtime numbers attributes differently and answers nonsense;
  // every AMD GPU has a wavefront of 32 or 64.
  if (attributes[1].value != 32 && attributes[1].value != 64)
    return Status::error(name + ": the HIP runtime reports a warp size of " +
                         std::to_string(attributes[1].value) +
                         "; ROCm 5.0 or newer is required");

  info = DeviceInfo();
  info.kind = DeviceKind::Hip;
  info.ordinal = ordinal;
  info.name = deviceName;
  info.arch = archName(ordinal);
  info.memoryBytes = memoryBytes;
  info.computeUnits = attributes[0].value;
  info.warpSize = attributes[1].value;
  info.maxThreadsPerBlock = attributes[2].value;
  info.maxSharedMemoryPerBlock = static_cast<uint64_t>(attributes[3].value);
  for (int d = 0; d < 3; ++d) {
    info.maxGrid[d] =
        static_cast<uint32_t>(std::max(attributes[4 + d].value, 1));
    info.maxBlock[d] =
        static_cast<uint32_t>(std::max(attributes[7 + d].value, 1));
  }
  info.driverVersion = std::to_string(driverVersion);
  return Status();
}

//===----------------------------------------------------------------------===//
// The runtime calls of one device
//===----------------------------------------------------------------------===//

void *toPointer(uint64_t address) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(address));
}
hipStream_t asStream(void *stream) { return static_cast<hipStream_t>(stream); }
hipEvent_t asEvent(void *event) { return static_cast<hipEvent_t>(event); }
hipModule_t asModule(void *module) { return static_cast<hipModule_t>(module); }

/// Calls a runtime entry point; a failure names it.
#define TGC_HIP(call, ...) check(#call, api_.call(__VA_ARGS__))

/// One device, selected around every call.
class HipDeviceState final : public GpuDriver {
public:
  HipDeviceState(const RuntimeApi &api, int ordinal, std::string label)
      : GpuDriver(DeviceKind::Hip, std::move(label)), api_(api),
        ordinal_(ordinal) {}

  Status makeCurrent(int &previous) const override {
    if (api_.hipGetDevice(&previous) != hipSuccess)
      previous = -1;
    if (previous != ordinal_)
      return TGC_HIP(hipSetDevice, ordinal_);
    return Status();
  }
  void restoreCurrent(int previous) const override {
    if (previous >= 0 && previous != ordinal_)
      api_.hipSetDevice(previous);
  }

  Status allocate(size_t size, uint64_t &address) const override {
    void *memory = nullptr;
    TGC_GPU_TRY(TGC_HIP(hipMalloc, &memory, size));
    address = reinterpret_cast<uintptr_t>(memory);
    return Status();
  }
  void free(uint64_t address) const override {
    api_.hipFree(toPointer(address));
  }
  Status allocateHost(size_t size, void *&memory) const override {
    return TGC_HIP(hipHostMalloc, &memory, size, hipHostMallocDefault);
  }
  Status freeHost(void *memory) const override {
    return TGC_HIP(hipHostFree, memory);
  }

  Status createStream(void *&stream) const override {
    hipStream_t created = nullptr;
    TGC_GPU_TRY(
        TGC_HIP(hipStreamCreateWithFlags, &created, hipStreamNonBlocking));
    stream = created;
    return Status();
  }
  Status synchronizeStream(void *stream) const override {
    return TGC_HIP(hipStreamSynchronize, asStream(stream));
  }
  void destroyStream(void *stream) const override {
    api_.hipStreamDestroy(asStream(stream));
  }

  Status createEvent(bool timing, void *&event) const override {
    hipEvent_t created = nullptr;
    TGC_GPU_TRY(TGC_HIP(hipEventCreateWithFlags, &created,
                        timing ? hipEventDefault : hipEventDisableTiming));
    event = created;
    return Status();
  }
  Status recordEvent(void *event, void *stream) const override {
    return TGC_HIP(hipEventRecord, asEvent(event), asStream(stream));
  }
  Status synchronizeEvent(void *event) const override {
    return TGC_HIP(hipEventSynchronize, asEvent(event));
  }
  Status streamWaitEvent(void *stream, void *event) const override {
    return TGC_HIP(hipStreamWaitEvent, asStream(stream), asEvent(event), 0);
  }
  Status elapsedMs(void *start, void *end, float &ms) const override {
    return TGC_HIP(hipEventElapsedTime, &ms, asEvent(start), asEvent(end));
  }
  void destroyEvent(void *event) const override {
    api_.hipEventDestroy(asEvent(event));
  }

  // HIP declares the host side of hipMemcpyHtoDAsync non-const; it only
  // reads it.
  Status copyHostToDevice(uint64_t dst, const void *src, size_t size,
                          void *stream) const override {
    return TGC_HIP(hipMemcpyHtoDAsync, toPointer(dst), const_cast<void *>(src),
                   size, asStream(stream));
  }
  Status copyDeviceToHost(void *dst, uint64_t src, size_t size,
                          void *stream) const override {
    return TGC_HIP(hipMemcpyDtoHAsync, dst, toPointer(src), size,
                   asStream(stream));
  }
  Status copyDeviceToDevice(uint64_t dst, uint64_t src, size_t size,
                            void *stream) const override {
    return TGC_HIP(hipMemcpyDtoDAsync, toPointer(dst), toPointer(src), size,
                   asStream(stream));
  }

  Status loadModule(const DeviceInfo &info, CodeFormat format,
                    const void *bytes, size_t size, const ProgramOptions &,
                    void *&module) const override {
    if (format != CodeFormat::Hsaco)
      return Status::error(label() + ": cannot load " +
                           describeCodeFormat(format) +
                           " code objects (a HIP device loads HSACO)");
    if (!bytes || size == 0)
      return Status::error(label() + ": loadProgram: empty HSACO");
    TGC_GPU_ENTER(*this);
    AlignedCodeCopy image(bytes, size);
    hipModule_t loaded = nullptr;
    hipError_t error = api_.hipModuleLoadData(&loaded, image.data());
    if (error != hipSuccess)
      return check("hipModuleLoadData", error,
                   "HSACO of " + std::to_string(size) + " bytes for " +
                       info.arch);
    module = loaded;
    return Status();
  }
  Status getFunction(void *module, const char *symbol,
                     void *&function) const override {
    hipFunction_t found = nullptr;
    TGC_GPU_TRY(
        TGC_HIP(hipModuleGetFunction, &found, asModule(module), symbol));
    function = found;
    return Status();
  }
  void unloadModule(void *module) const override {
    api_.hipModuleUnload(asModule(module));
  }
  Status launch(void *kernel, const LaunchConfig &config, void **params,
                void *stream) const override {
    return TGC_HIP(hipModuleLaunchKernel, static_cast<hipFunction_t>(kernel),
                   config.grid[0], config.grid[1], config.grid[2],
                   config.block[0], config.block[1], config.block[2],
                   config.sharedMemoryBytes, asStream(stream), params, nullptr);
  }

protected:
  std::string resultName(int result) const override {
    return errorName(api_, result);
  }

private:
  const RuntimeApi &api_;
  int ordinal_;
};

} // namespace

namespace tgc::hal {

Status listHipDevices(std::vector<DeviceInfo> &out, std::string &note) {
  return runtime().list(out, note);
}

Status openHipDevice(int ordinal, std::unique_ptr<Device> &out) {
  const LoadedRuntime &loaded = runtime();
  DeviceInfo info;
  TGC_GPU_TRY(loaded.find(ordinal, info));
  out = makeGpuDevice(std::move(info),
                      std::make_shared<HipDeviceState>(loaded.api, ordinal,
                                                       loaded.label(ordinal)));
  return Status();
}

} // namespace tgc::hal
