//===- CudaDevice.cpp - the CUDA backend over the driver API --------------===//
//
// libcuda.so.1 is opened at run time (see CudaDriverApi.h for why). Each
// device uses the device's primary context, the one the CUDA runtime and
// frameworks such as PyTorch share, and pushes it around every call so the
// host application's own current context is left as it was. Queues,
// staging, events and programs are GpuBackend's; this file maps them onto
// the driver API and adds what is CUDA's own: device properties, PTX and
// cubin loading with the driver's JIT log, compiling PTX into a cubin for a
// CompiledCodeCache, and the opt-in to more than 48 KiB of shared memory.
//
//===----------------------------------------------------------------------===//

#include "hal/BackendSupport.h"
#include "hal/CudaDriverApi.h"
#include "hal/Device.h"
#include "hal/GpuBackend.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

using namespace tgc::hal;
using namespace tgc::hal::cuda;
using namespace tgc::hal::detail;

namespace {

static_assert(std::is_same_v<CUresult, int> && CUDA_SUCCESS == 0,
              "GpuDriver::check takes CUresult as an int, 0 for success");

constexpr const char *kLibraryName = "libcuda.so.1";
// Dynamic shared memory above this needs an explicit per-function opt-in.
constexpr unsigned kDefaultSharedMemoryLimit = 48 * 1024;
constexpr size_t kJitLogBytes = 16 * 1024;

std::string cuResultName(const DriverApi &api, CUresult result) {
  const char *name = nullptr;
  if (api.cuGetErrorName && api.cuGetErrorName(result, &name) == CUDA_SUCCESS &&
      name)
    return name;
  return "CUresult " + std::to_string(result);
}

//===----------------------------------------------------------------------===//
// Loading the driver, listing devices
//===----------------------------------------------------------------------===//

class LoadedDriver final : public GpuPlatform {
public:
  LoadedDriver() : GpuPlatform("cuda", "the CUDA driver") { problem_ = load(); }

  DriverApi api = {};

protected:
  Status deviceCount(int &count) const override;
  Status deviceInfo(int ordinal, DeviceInfo &info) const override;

private:
  /// Binds the entry points and initializes the driver; returns the note
  /// for listings if that fails.
  std::string load();
};

std::string LoadedDriver::load() {
  void *library = openFirstLibrary({kLibraryName});
  if (!library)
    return "no CUDA driver (libcuda.so.1 not found)";
  SymbolBinder bind(library);
  bind(api.cuInit, {"cuInit"});
  bind(api.cuGetErrorName, {"cuGetErrorName"});
  bind(api.cuDriverGetVersion, {"cuDriverGetVersion"});
  bind(api.cuDeviceGetCount, {"cuDeviceGetCount"});
  bind(api.cuDeviceGet, {"cuDeviceGet"});
  bind(api.cuDeviceGetName, {"cuDeviceGetName"});
  bind(api.cuDeviceGetAttribute, {"cuDeviceGetAttribute"});
  bind(api.cuDeviceTotalMem, {"cuDeviceTotalMem_v2"});
  bind(api.cuDevicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"});
  bind(api.cuDevicePrimaryCtxRelease,
       {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"});
  bind(api.cuCtxPushCurrent, {"cuCtxPushCurrent_v2"});
  bind(api.cuCtxPopCurrent, {"cuCtxPopCurrent_v2"});
  bind(api.cuMemAlloc, {"cuMemAlloc_v2"});
  bind(api.cuMemFree, {"cuMemFree_v2"});
  bind(api.cuMemHostAlloc, {"cuMemHostAlloc"});
  bind(api.cuMemFreeHost, {"cuMemFreeHost"});
  bind(api.cuMemcpyHtoDAsync, {"cuMemcpyHtoDAsync_v2"});
  bind(api.cuMemcpyDtoHAsync, {"cuMemcpyDtoHAsync_v2"});
  bind(api.cuMemcpyDtoDAsync, {"cuMemcpyDtoDAsync_v2"});
  bind(api.cuStreamCreate, {"cuStreamCreate"});
  bind(api.cuStreamDestroy, {"cuStreamDestroy_v2"});
  bind(api.cuStreamSynchronize, {"cuStreamSynchronize"});
  bind(api.cuEventCreate, {"cuEventCreate"});
  bind(api.cuEventDestroy, {"cuEventDestroy_v2"});
  bind(api.cuEventRecord, {"cuEventRecord"});
  bind(api.cuEventSynchronize, {"cuEventSynchronize"});
  bind(api.cuStreamWaitEvent, {"cuStreamWaitEvent"});
  bind(api.cuEventElapsedTime, {"cuEventElapsedTime_v2", "cuEventElapsedTime"});
  bind(api.cuModuleLoadDataEx, {"cuModuleLoadDataEx"});
  bind(api.cuModuleUnload, {"cuModuleUnload"});
  bind(api.cuModuleGetFunction, {"cuModuleGetFunction"});
  bind(api.cuFuncSetAttribute, {"cuFuncSetAttribute"});
  bind(api.cuLaunchKernel, {"cuLaunchKernel"});
  bind(api.cuLinkCreate, {"cuLinkCreate_v2"});
  bind(api.cuLinkAddData, {"cuLinkAddData_v2"});
  bind(api.cuLinkComplete, {"cuLinkComplete"});
  bind(api.cuLinkDestroy, {"cuLinkDestroy"});
  if (!bind.missing().empty())
    return std::string(kLibraryName) + " is too old: it does not export " +
           bind.missing();
  if (CUresult result = api.cuInit(0))
    return "cuInit failed: " + cuResultName(api, result);
  return std::string();
}

const LoadedDriver &driver() {
  static const LoadedDriver loaded;
  return loaded;
}

Status LoadedDriver::deviceCount(int &count) const {
  if (CUresult result = api.cuDeviceGetCount(&count))
    return Status::error("cuDeviceGetCount failed: " +
                         cuResultName(api, result));
  return Status();
}

Status LoadedDriver::deviceInfo(int ordinal, DeviceInfo &info) const {
  std::string name = label(ordinal);
  auto failure = [&](const char *call, CUresult result) {
    return Status::error(name + ": " + call +
                         " failed: " + cuResultName(api, result));
  };
  CUdevice device = 0;
  if (CUresult result = api.cuDeviceGet(&device, ordinal))
    return failure("cuDeviceGet", result);
  char deviceName[256] = {};
  if (CUresult result =
          api.cuDeviceGetName(deviceName, sizeof(deviceName) - 1, device))
    return failure("cuDeviceGetName", result);
  size_t memoryBytes = 0;
  if (CUresult result = api.cuDeviceTotalMem(&memoryBytes, device))
    return failure("cuDeviceTotalMem", result);
  int driverVersion = 0;
  if (CUresult result = api.cuDriverGetVersion(&driverVersion))
    return failure("cuDriverGetVersion", result);

  struct {
    int attribute;
    int value;
  } attributes[] = {{CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 0},
                    {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, 0},
                    {CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, 0},
                    {CU_DEVICE_ATTRIBUTE_WARP_SIZE, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y, 0},
                    {CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, 0}};
  for (auto &entry : attributes)
    if (CUresult result =
            api.cuDeviceGetAttribute(&entry.value, entry.attribute, device))
      return failure("cuDeviceGetAttribute", result);

  info = DeviceInfo();
  info.kind = DeviceKind::Cuda;
  info.ordinal = ordinal;
  info.name = deviceName;
  info.arch = "sm_" + std::to_string(attributes[0].value) +
              std::to_string(attributes[1].value);
  info.memoryBytes = memoryBytes;
  info.computeUnits = attributes[2].value;
  info.warpSize = attributes[3].value;
  info.maxThreadsPerBlock = attributes[4].value;
  // launch() opts a kernel in to more than the default 48 KiB, so what a
  // kernel may really use is the opt-in limit.
  info.maxSharedMemoryPerBlock =
      static_cast<uint64_t>(std::max(attributes[5].value, attributes[6].value));
  for (int d = 0; d < 3; ++d) {
    info.maxGrid[d] =
        static_cast<uint32_t>(std::max(attributes[7 + d].value, 1));
    info.maxBlock[d] =
        static_cast<uint32_t>(std::max(attributes[10 + d].value, 1));
  }
  info.driverVersion = std::to_string(driverVersion);
  return Status();
}

//===----------------------------------------------------------------------===//
// The driver calls of one device
//===----------------------------------------------------------------------===//

/// JIT options that ask the driver for its error log, with the buffer.
class JitErrorLog {
public:
  JitErrorLog() : buffer_(kJitLogBytes, '\0') {
    values_[0] = buffer_.data();
    values_[1] = reinterpret_cast<void *>(static_cast<uintptr_t>(kJitLogBytes));
  }
  unsigned count() const { return 2; }
  CUjit_option *options() { return options_; }
  void **values() { return values_; }
  std::string text() const {
    std::string log(buffer_.data(), strnlen(buffer_.data(), kJitLogBytes));
    while (!log.empty() && (log.back() == '\n' || log.back() == ' '))
      log.pop_back();
    return log.empty() ? "(the driver left no log)" : log;
  }

private:
  std::vector<char> buffer_;
  CUjit_option options_[2] = {CU_JIT_ERROR_LOG_BUFFER,
                              CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values_[2];
};

CUstream asStream(void *stream) { return static_cast<CUstream>(stream); }
CUevent asEvent(void *event) { return static_cast<CUevent>(event); }
CUmodule asModule(void *module) { return static_cast<CUmodule>(module); }

/// Calls a driver entry point; a failure names it.
#define TGC_CU(call, ...) check(#call, api_.call(__VA_ARGS__))

/// The retained primary context of one device.
class CudaContext final : public GpuDriver {
public:
  CudaContext(const DriverApi &api, CUdevice device, CUcontext context,
              std::string label)
      : GpuDriver(DeviceKind::Cuda, std::move(label)), api_(api),
        device_(device), context_(context) {}
  ~CudaContext() override { api_.cuDevicePrimaryCtxRelease(device_); }

  Status makeCurrent(int &) const override {
    return TGC_CU(cuCtxPushCurrent, context_);
  }
  void restoreCurrent(int) const override {
    CUcontext popped;
    api_.cuCtxPopCurrent(&popped);
  }

  Status allocate(size_t size, uint64_t &address) const override {
    CUdeviceptr pointer = 0;
    TGC_GPU_TRY(TGC_CU(cuMemAlloc, &pointer, size));
    address = pointer;
    return Status();
  }
  void free(uint64_t address) const override { api_.cuMemFree(address); }
  Status allocateHost(size_t size, void *&memory) const override {
    return TGC_CU(cuMemHostAlloc, &memory, size, CU_MEMHOSTALLOC_PORTABLE);
  }
  Status freeHost(void *memory) const override {
    return TGC_CU(cuMemFreeHost, memory);
  }

  Status createStream(void *&stream) const override {
    CUstream created = nullptr;
    TGC_GPU_TRY(TGC_CU(cuStreamCreate, &created, CU_STREAM_NON_BLOCKING));
    stream = created;
    return Status();
  }
  Status synchronizeStream(void *stream) const override {
    return TGC_CU(cuStreamSynchronize, asStream(stream));
  }
  void destroyStream(void *stream) const override {
    api_.cuStreamDestroy(asStream(stream));
  }

  Status createEvent(bool timing, void *&event) const override {
    CUevent created = nullptr;
    TGC_GPU_TRY(TGC_CU(cuEventCreate, &created,
                       timing ? CU_EVENT_DEFAULT : CU_EVENT_DISABLE_TIMING));
    event = created;
    return Status();
  }
  Status recordEvent(void *event, void *stream) const override {
    return TGC_CU(cuEventRecord, asEvent(event), asStream(stream));
  }
  Status synchronizeEvent(void *event) const override {
    return TGC_CU(cuEventSynchronize, asEvent(event));
  }
  Status streamWaitEvent(void *stream, void *event) const override {
    return TGC_CU(cuStreamWaitEvent, asStream(stream), asEvent(event), 0);
  }
  Status elapsedMs(void *start, void *end, float &ms) const override {
    return TGC_CU(cuEventElapsedTime, &ms, asEvent(start), asEvent(end));
  }
  void destroyEvent(void *event) const override {
    api_.cuEventDestroy(asEvent(event));
  }

  Status copyHostToDevice(uint64_t dst, const void *src, size_t size,
                          void *stream) const override {
    return TGC_CU(cuMemcpyHtoDAsync, dst, src, size, asStream(stream));
  }
  Status copyDeviceToHost(void *dst, uint64_t src, size_t size,
                          void *stream) const override {
    return TGC_CU(cuMemcpyDtoHAsync, dst, src, size, asStream(stream));
  }
  Status copyDeviceToDevice(uint64_t dst, uint64_t src, size_t size,
                            void *stream) const override {
    return TGC_CU(cuMemcpyDtoDAsync, dst, src, size, asStream(stream));
  }

  Status loadModule(const DeviceInfo &info, CodeFormat format,
                    const void *bytes, size_t size,
                    const ProgramOptions &options,
                    void *&module) const override;
  Status getFunction(void *module, const char *symbol,
                     void *&function) const override {
    CUfunction found = nullptr;
    TGC_GPU_TRY(TGC_CU(cuModuleGetFunction, &found, asModule(module), symbol));
    function = found;
    return Status();
  }
  void unloadModule(void *module) const override {
    api_.cuModuleUnload(asModule(module));
  }
  Status launch(void *kernel, const LaunchConfig &config, void **params,
                void *stream) const override;

protected:
  std::string resultName(int result) const override {
    return cuResultName(api_, result);
  }

private:
  /// Compiles PTX for this exact device through the driver's JIT.
  Status compilePtx(const void *ptx, size_t size,
                    std::vector<uint8_t> &cubin) const;

  const DriverApi &api_;
  CUdevice device_;
  CUcontext context_;
};

Status CudaContext::loadModule(const DeviceInfo &info, CodeFormat format,
                               const void *bytes, size_t size,
                               const ProgramOptions &options,
                               void *&module) const {
  if (format != CodeFormat::Ptx && format != CodeFormat::Cubin)
    return Status::error(label() + ": cannot load " +
                         describeCodeFormat(format) +
                         " code objects (a CUDA device loads PTX and cubin)");
  if (!bytes || size == 0)
    return Status::error(label() + ": loadProgram: empty " +
                         describeCodeFormat(format));
  if (format == CodeFormat::Ptx && options.compiledCodeCache) {
    // Compiled here rather than by cuModuleLoadDataEx so that the cubin can
    // be kept: the next start then skips the JIT.
    CompiledCodeCache::Key key{"ptx->cubin", bytes, size, info.arch,
                               info.driverVersion};
    std::vector<uint8_t> cubin;
    TGC_GPU_TRY(options.compiledCodeCache->getOrCompile(
        key,
        [&](std::vector<uint8_t> &result) {
          return compilePtx(bytes, size, result);
        },
        cubin));
    return loadModule(info, CodeFormat::Cubin, cubin.data(), cubin.size(),
                      ProgramOptions(), module);
  }
  TGC_GPU_ENTER(*this);
  AlignedCodeCopy image(bytes, size);
  JitErrorLog log;
  CUmodule loaded = nullptr;
  CUresult result = api_.cuModuleLoadDataEx(&loaded, image.data(), log.count(),
                                            log.options(), log.values());
  if (result != CUDA_SUCCESS)
    return check("cuModuleLoadDataEx", result, log.text());
  module = loaded;
  return Status();
}

Status CudaContext::compilePtx(const void *ptx, size_t size,
                               std::vector<uint8_t> &cubin) const {
  TGC_GPU_ENTER(*this);
  JitErrorLog log;
  CUlinkState link = nullptr;
  TGC_GPU_TRY(
      TGC_CU(cuLinkCreate, log.count(), log.options(), log.values(), &link));
  struct LinkGuard {
    const DriverApi &api;
    CUlinkState link;
    ~LinkGuard() { api.cuLinkDestroy(link); }
  } guard{api_, link};

  AlignedCodeCopy text(ptx, size);
  // The PTX is handed over as a C string: up to its first NUL, plus the NUL.
  size_t length = strnlen(static_cast<const char *>(text.data()), size) + 1;
  CUresult result = api_.cuLinkAddData(link, CU_JIT_INPUT_PTX,
                                       const_cast<void *>(text.data()), length,
                                       "tgc.ptx", 0, nullptr, nullptr);
  if (result != CUDA_SUCCESS)
    return check("cuLinkAddData", result, log.text());
  void *image = nullptr;
  size_t imageSize = 0;
  result = api_.cuLinkComplete(link, &image, &imageSize);
  if (result != CUDA_SUCCESS)
    return check("cuLinkComplete", result, log.text());
  // The image belongs to the link state: copy it out before the guard runs.
  const auto *begin = static_cast<const uint8_t *>(image);
  cubin.assign(begin, begin + imageSize);
  return Status();
}

Status CudaContext::launch(void *kernel, const LaunchConfig &config,
                           void **params, void *stream) const {
  auto function = static_cast<CUfunction>(kernel);
  if (config.sharedMemoryBytes > kDefaultSharedMemoryLimit)
    TGC_GPU_TRY(TGC_CU(cuFuncSetAttribute, function,
                       CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                       static_cast<int>(config.sharedMemoryBytes)));
  return TGC_CU(cuLaunchKernel, function, config.grid[0], config.grid[1],
                config.grid[2], config.block[0], config.block[1],
                config.block[2], config.sharedMemoryBytes, asStream(stream),
                params, nullptr);
}

} // namespace

namespace tgc::hal {

Status listCudaDevices(std::vector<DeviceInfo> &out, std::string &note) {
  return driver().list(out, note);
}

Status openCudaDevice(int ordinal, std::unique_ptr<Device> &out) {
  const LoadedDriver &loaded = driver();
  DeviceInfo info;
  TGC_GPU_TRY(loaded.find(ordinal, info));
  std::string label = loaded.label(ordinal);
  const DriverApi &api = loaded.api;
  CUdevice device = 0;
  if (CUresult result = api.cuDeviceGet(&device, ordinal))
    return Status::error(label +
                         ": cuDeviceGet failed: " + cuResultName(api, result));
  CUcontext context = nullptr;
  if (CUresult result = api.cuDevicePrimaryCtxRetain(&context, device))
    return Status::error(label + ": cuDevicePrimaryCtxRetain failed: " +
                         cuResultName(api, result));
  out =
      makeGpuDevice(std::move(info),
                    std::make_shared<CudaContext>(api, device, context, label));
  return Status();
}

} // namespace tgc::hal
