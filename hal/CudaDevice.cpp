//===- CudaDevice.cpp - the CUDA backend over the driver API --------------===//
//
// libcuda.so.1 is opened at run time (see CudaDriverApi.h for why). Each
// device uses the device's primary context, the one the CUDA runtime and
// frameworks such as PyTorch share, and pushes it around every call so the
// host application's own current context is left as it was. Queues are
// non-blocking streams; host<->device copies go through a per-queue pinned
// staging area so that they are true DMA transfers and the caller's memory
// may be reused as soon as a call returns.
//
//===----------------------------------------------------------------------===//

#include "hal/BackendSupport.h"
#include "hal/CudaDriverApi.h"
#include "hal/Device.h"

#include <algorithm>
#include <cstring>
#include <mutex>

using namespace tgc::hal;
using namespace tgc::hal::cuda;
using namespace tgc::hal::detail;

namespace {

constexpr const char *kLibraryName = "libcuda.so.1";
// Largest piece a copy is split into: two of these are pinned per queue,
// and while one is moved by DMA the next is filled by memcpy.
constexpr size_t kStagingChunkBytes = size_t(32) << 20;
constexpr size_t kStagingGranularity = size_t(64) << 10;
// Dynamic shared memory above this needs an explicit per-function opt-in.
constexpr unsigned kDefaultSharedMemoryLimit = 48 * 1024;
constexpr size_t kJitLogBytes = 16 * 1024;

//===----------------------------------------------------------------------===//
// Loading the driver
//===----------------------------------------------------------------------===//

struct LoadedDriver {
  DriverApi api = {};
  /// Empty when the driver is usable; otherwise the note for listings.
  std::string problem;
};

std::string resultName(const DriverApi &api, CUresult result) {
  const char *name = nullptr;
  if (api.cuGetErrorName && api.cuGetErrorName(result, &name) == CUDA_SUCCESS &&
      name)
    return name;
  return "CUresult " + std::to_string(result);
}

LoadedDriver loadDriver() {
  LoadedDriver driver;
  void *library = openFirstLibrary({kLibraryName});
  if (!library) {
    driver.problem = "no CUDA driver (libcuda.so.1 not found)";
    return driver;
  }
  DriverApi &api = driver.api;
  std::string missing;
  auto bind = [&](auto &slot, std::initializer_list<const char *> names) {
    if (!bindSymbol(library, slot, names))
      missing += std::string(missing.empty() ? "" : ", ") + *names.begin();
  };
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
  if (!missing.empty()) {
    driver.problem = std::string(kLibraryName) +
                     " is too old: it does not export " + missing;
    return driver;
  }
  if (CUresult result = api.cuInit(0))
    driver.problem = "cuInit failed: " + resultName(api, result);
  return driver;
}

const LoadedDriver &driver() {
  static const LoadedDriver loaded = loadDriver();
  return loaded;
}

std::string deviceLabel(int ordinal) {
  return "cuda:" + std::to_string(ordinal);
}

Status queryDeviceInfo(const DriverApi &api, int ordinal, DeviceInfo &info) {
  std::string label = deviceLabel(ordinal);
  auto failure = [&](const char *call, CUresult result) {
    return Status::error(label + ": " + call +
                         " failed: " + resultName(api, result));
  };
  CUdevice device = 0;
  if (CUresult result = api.cuDeviceGet(&device, ordinal))
    return failure("cuDeviceGet", result);
  char name[256] = {};
  if (CUresult result = api.cuDeviceGetName(name, sizeof(name) - 1, device))
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
                    {CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 0}};
  for (auto &entry : attributes)
    if (CUresult result =
            api.cuDeviceGetAttribute(&entry.value, entry.attribute, device))
      return failure("cuDeviceGetAttribute", result);

  info = DeviceInfo();
  info.kind = DeviceKind::Cuda;
  info.ordinal = ordinal;
  info.name = name;
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
  info.driverVersion = std::to_string(driverVersion);
  return Status();
}

//===----------------------------------------------------------------------===//
// Context
//===----------------------------------------------------------------------===//

/// The retained primary context of one device. Shared by the device and
/// everything made from it, so that the context outlives them all whatever
/// order the caller destroys them in.
struct CudaContext {
  CudaContext(const DriverApi &api, CUdevice device, CUcontext context,
              std::string label)
      : api(api), device(device), context(context), label(std::move(label)) {}
  ~CudaContext() { api.cuDevicePrimaryCtxRelease(device); }

  /// "cuda:0: cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_PTX: <detail>"
  Status failure(const char *call, CUresult result,
                 const std::string &detail = std::string()) const {
    return Status::error(label + ": " + call +
                         " failed: " + resultName(api, result) +
                         (detail.empty() ? "" : ": " + detail));
  }

  const DriverApi &api;
  CUdevice device;
  CUcontext context;
  std::string label;
};

/// Makes the context current on this thread for one call and restores the
/// caller's afterwards.
class ContextScope {
public:
  explicit ContextScope(const CudaContext &context) : context_(context) {
    result_ = context.api.cuCtxPushCurrent(context.context);
  }
  ~ContextScope() {
    if (result_ == CUDA_SUCCESS) {
      CUcontext popped;
      context_.api.cuCtxPopCurrent(&popped);
    }
  }
  Status status() const {
    return result_ == CUDA_SUCCESS
               ? Status()
               : context_.failure("cuCtxPushCurrent", result_);
  }

private:
  const CudaContext &context_;
  CUresult result_;
};

#define TGC_CU_TRY(context, call, ...)                                         \
  do {                                                                         \
    CUresult tgcResult = (context).api.call(__VA_ARGS__);                      \
    if (tgcResult != CUDA_SUCCESS)                                             \
      return (context).failure(#call, tgcResult);                              \
  } while (false)

#define TGC_CU_ENTER(context)                                                  \
  ContextScope contextScope(context);                                          \
  if (Status scopeStatus = contextScope.status(); !scopeStatus)                \
  return scopeStatus

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

//===----------------------------------------------------------------------===//
// Events, programs, queues
//===----------------------------------------------------------------------===//

class CudaEvent final : public Event {
public:
  CudaEvent(std::shared_ptr<CudaContext> context, CUevent event)
      : context_(std::move(context)), event_(event) {}
  ~CudaEvent() override {
    ContextScope scope(*context_);
    context_->api.cuEventDestroy(event_);
  }
  Status wait() override {
    TGC_CU_ENTER(*context_);
    TGC_CU_TRY(*context_, cuEventSynchronize, event_);
    return Status();
  }
  Status elapsedMs(const Event &start, float &ms) const override {
    const auto *startEvent = dynamic_cast<const CudaEvent *>(&start);
    if (!startEvent)
      return Status::error(context_->label +
                           ": elapsedMs: the start event belongs to another "
                           "device");
    if (!recorded_ || !startEvent->recorded_)
      return Status::error(context_->label +
                           ": elapsedMs: event was never recorded");
    TGC_CU_ENTER(*context_);
    TGC_CU_TRY(*context_, cuEventElapsedTime, &ms, startEvent->event_, event_);
    return Status();
  }
  CUevent handle() const { return event_; }
  const CudaContext &context() const { return *context_; }
  void markRecorded() { recorded_ = true; }

private:
  std::shared_ptr<CudaContext> context_;
  CUevent event_;
  bool recorded_ = false;
};

class CudaProgram final : public Program {
public:
  CudaProgram(std::shared_ptr<CudaContext> context, CUmodule module)
      : context_(std::move(context)), module_(module) {}
  ~CudaProgram() override {
    ContextScope scope(*context_);
    context_->api.cuModuleUnload(module_);
  }
  Status getKernel(const std::string &symbol, void *&kernel) override {
    TGC_CU_ENTER(*context_);
    CUfunction function = nullptr;
    CUresult result =
        context_->api.cuModuleGetFunction(&function, module_, symbol.c_str());
    if (result != CUDA_SUCCESS)
      return context_->failure("cuModuleGetFunction", result,
                               "kernel '" + symbol + "'");
    kernel = function;
    return Status();
  }

private:
  std::shared_ptr<CudaContext> context_;
  CUmodule module_;
};

/// Pinned host memory that copies pass through, and the event that says when
/// the last transfer using it has finished.
struct StagingSlot {
  void *memory = nullptr;
  size_t capacity = 0;
  CUevent lastUse = nullptr;
  bool inUse = false;
};

class CudaQueue final : public Queue {
public:
  CudaQueue(std::shared_ptr<CudaContext> context, CUstream stream)
      : context_(std::move(context)), stream_(stream) {}
  ~CudaQueue() override;
  /// Creates the slots' events; called once, right after construction.
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
  /// Waits until the slot's last transfer is done and makes it hold `size`.
  Status prepareSlot(StagingSlot &slot, size_t size);
  /// Waits for the slot's last transfer to finish.
  Status waitForSlot(StagingSlot &slot);

  std::shared_ptr<CudaContext> context_;
  CUstream stream_;
  // Two slots, used in turn, let memcpy into one overlap DMA out of the other.
  StagingSlot slots_[2];
  unsigned nextSlot_ = 0;
};

Status CudaQueue::initialize() {
  TGC_CU_ENTER(*context_);
  for (StagingSlot &slot : slots_)
    TGC_CU_TRY(*context_, cuEventCreate, &slot.lastUse,
               CU_EVENT_DISABLE_TIMING);
  return Status();
}

CudaQueue::~CudaQueue() {
  ContextScope scope(*context_);
  const DriverApi &api = context_->api;
  // Pinned memory must not be freed under a transfer still reading it.
  api.cuStreamSynchronize(stream_);
  for (StagingSlot &slot : slots_) {
    if (slot.memory)
      api.cuMemFreeHost(slot.memory);
    if (slot.lastUse)
      api.cuEventDestroy(slot.lastUse);
  }
  api.cuStreamDestroy(stream_);
}

Status CudaQueue::waitForSlot(StagingSlot &slot) {
  if (slot.inUse) {
    TGC_CU_TRY(*context_, cuEventSynchronize, slot.lastUse);
    slot.inUse = false;
  }
  return Status();
}

Status CudaQueue::prepareSlot(StagingSlot &slot, size_t size) {
  if (Status status = waitForSlot(slot); !status)
    return status;
  if (slot.capacity >= size)
    return Status();
  if (slot.memory) {
    TGC_CU_TRY(*context_, cuMemFreeHost, slot.memory);
    slot.memory = nullptr;
    slot.capacity = 0;
  }
  // Grow geometrically so a run of slightly larger copies does not pin and
  // unpin memory every time.
  size_t capacity =
      std::min(std::max(size, slot.capacity * 2), kStagingChunkBytes);
  capacity = (capacity + kStagingGranularity - 1) & ~(kStagingGranularity - 1);
  TGC_CU_TRY(*context_, cuMemHostAlloc, &slot.memory, capacity,
             CU_MEMHOSTALLOC_PORTABLE);
  slot.capacity = capacity;
  return Status();
}

Status CudaQueue::copyHostToDevice(const void *src, Buffer dst, size_t offset,
                                   size_t size) {
  if (Status status =
          checkRange(context_->label, "copyHostToDevice", dst, offset, size);
      !status)
    return status;
  TGC_CU_ENTER(*context_);
  const char *source = static_cast<const char *>(src);
  for (size_t done = 0; done < size;) {
    size_t chunk = std::min(size - done, kStagingChunkBytes);
    StagingSlot &slot = slots_[nextSlot_];
    nextSlot_ ^= 1;
    if (Status status = prepareSlot(slot, chunk); !status)
      return status;
    std::memcpy(slot.memory, source + done, chunk);
    TGC_CU_TRY(*context_, cuMemcpyHtoDAsync, dst.address + offset + done,
               slot.memory, chunk, stream_);
    TGC_CU_TRY(*context_, cuEventRecord, slot.lastUse, stream_);
    slot.inUse = true;
    done += chunk;
  }
  return Status();
}

Status CudaQueue::copyDeviceToHost(Buffer src, size_t offset, void *dst,
                                   size_t size) {
  if (Status status =
          checkRange(context_->label, "copyDeviceToHost", src, offset, size);
      !status)
    return status;
  TGC_CU_ENTER(*context_);
  char *destination = static_cast<char *>(dst);
  // Each chunk is copied out of its slot once the next one is on its way.
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
    TGC_CU_TRY(*context_, cuMemcpyDtoHAsync, slot.memory,
               src.address + offset + done, chunk, stream_);
    TGC_CU_TRY(*context_, cuEventRecord, slot.lastUse, stream_);
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

Status CudaQueue::copyDeviceToDevice(Buffer src, size_t srcOffset, Buffer dst,
                                     size_t dstOffset, size_t size) {
  if (Status status = checkRange(context_->label, "copyDeviceToDevice (source)",
                                 src, srcOffset, size);
      !status)
    return status;
  if (Status status =
          checkRange(context_->label, "copyDeviceToDevice (destination)", dst,
                     dstOffset, size);
      !status)
    return status;
  if (size == 0)
    return Status();
  TGC_CU_ENTER(*context_);
  TGC_CU_TRY(*context_, cuMemcpyDtoDAsync, dst.address + dstOffset,
             src.address + srcOffset, size, stream_);
  return Status();
}

Status CudaQueue::launch(void *kernel, const LaunchConfig &config,
                         const std::vector<uint64_t> &args) {
  if (!kernel)
    return Status::error(context_->label + ": launch: null kernel");
  auto function = static_cast<CUfunction>(kernel);
  TGC_CU_ENTER(*context_);
  if (config.sharedMemoryBytes > kDefaultSharedMemoryLimit)
    TGC_CU_TRY(*context_, cuFuncSetAttribute, function,
               CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
               static_cast<int>(config.sharedMemoryBytes));

  // cuLaunchKernel wants a pointer to each parameter's value; it copies the
  // values before returning, so pointing into `args` is enough.
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

  TGC_CU_TRY(*context_, cuLaunchKernel, function, config.grid[0],
             config.grid[1], config.grid[2], config.block[0], config.block[1],
             config.block[2], config.sharedMemoryBytes, stream_,
             args.empty() ? nullptr : params, nullptr);
  return Status();
}

Status CudaQueue::record(Event &event) {
  auto *cudaEvent = dynamic_cast<CudaEvent *>(&event);
  if (!cudaEvent || &cudaEvent->context() != context_.get())
    return Status::error(context_->label +
                         ": record: the event belongs to another device");
  TGC_CU_ENTER(*context_);
  TGC_CU_TRY(*context_, cuEventRecord, cudaEvent->handle(), stream_);
  cudaEvent->markRecorded();
  return Status();
}

Status CudaQueue::synchronize() {
  TGC_CU_ENTER(*context_);
  TGC_CU_TRY(*context_, cuStreamSynchronize, stream_);
  return Status();
}

//===----------------------------------------------------------------------===//
// The device
//===----------------------------------------------------------------------===//

class CudaDevice final : public Device {
public:
  CudaDevice(DeviceInfo info, std::shared_ptr<CudaContext> context)
      : info_(std::move(info)), context_(std::move(context)) {}

  const DeviceInfo &info() const override { return info_; }
  Status allocate(size_t size, Buffer &out) override;
  void free(Buffer buffer) override;
  Status createQueue(std::unique_ptr<Queue> &out) override;
  Status createEvent(std::unique_ptr<Event> &out) override;
  Status loadProgram(CodeFormat format, const void *bytes, size_t size,
                     const ProgramOptions &options,
                     std::unique_ptr<Program> &out) override;

private:
  /// Compiles PTX for this exact device through the driver's JIT.
  Status compilePtx(const void *ptx, size_t size, std::vector<uint8_t> &cubin);

  DeviceInfo info_;
  std::shared_ptr<CudaContext> context_;
};

Status CudaDevice::allocate(size_t size, Buffer &out) {
  TGC_CU_ENTER(*context_);
  CUdeviceptr address = 0;
  // cuMemAlloc rejects zero bytes; a zero-byte buffer still gets an address.
  CUresult result =
      context_->api.cuMemAlloc(&address, std::max<size_t>(size, 1));
  if (result != CUDA_SUCCESS)
    return context_->failure("cuMemAlloc", result,
                             std::to_string(size) + " bytes");
  out.address = address;
  out.size = size;
  return Status();
}

void CudaDevice::free(Buffer buffer) {
  if (!buffer.address)
    return;
  ContextScope scope(*context_);
  context_->api.cuMemFree(buffer.address);
}

Status CudaDevice::createQueue(std::unique_ptr<Queue> &out) {
  TGC_CU_ENTER(*context_);
  CUstream stream = nullptr;
  // Non-blocking: no implicit synchronization with the legacy default stream
  // that other code in the process may be using.
  TGC_CU_TRY(*context_, cuStreamCreate, &stream, CU_STREAM_NON_BLOCKING);
  auto queue = std::make_unique<CudaQueue>(context_, stream);
  if (Status status = queue->initialize(); !status)
    return status;
  out = std::move(queue);
  return Status();
}

Status CudaDevice::createEvent(std::unique_ptr<Event> &out) {
  TGC_CU_ENTER(*context_);
  CUevent event = nullptr;
  // Default flags keep timing on, which elapsedMs needs.
  TGC_CU_TRY(*context_, cuEventCreate, &event, CU_EVENT_DEFAULT);
  out = std::make_unique<CudaEvent>(context_, event);
  return Status();
}

Status CudaDevice::loadProgram(CodeFormat format, const void *bytes,
                               size_t size, const ProgramOptions &options,
                               std::unique_ptr<Program> &out) {
  if (format != CodeFormat::Ptx && format != CodeFormat::Cubin)
    return Status::error(context_->label + ": cannot load " +
                         describeCodeFormat(format) +
                         " code objects (a CUDA device loads PTX and cubin)");
  if (!bytes || size == 0)
    return Status::error(context_->label + ": loadProgram: empty " +
                         describeCodeFormat(format));
  if (format == CodeFormat::Ptx && options.compiledCodeCache) {
    // Compiled here rather than by cuModuleLoadDataEx so that the cubin can
    // be kept: the next start then skips the JIT.
    CompiledCodeCache::Key key{"ptx->cubin", bytes, size, info_.arch,
                               info_.driverVersion};
    std::vector<uint8_t> cubin;
    if (Status status = options.compiledCodeCache->getOrCompile(
            key,
            [&](std::vector<uint8_t> &result) {
              return compilePtx(bytes, size, result);
            },
            cubin);
        !status)
      return status;
    return loadProgram(CodeFormat::Cubin, cubin.data(), cubin.size(),
                       ProgramOptions(), out);
  }
  TGC_CU_ENTER(*context_);
  AlignedCodeCopy image(bytes, size);
  JitErrorLog log;
  CUmodule module = nullptr;
  CUresult result = context_->api.cuModuleLoadDataEx(
      &module, image.data(), log.count(), log.options(), log.values());
  if (result != CUDA_SUCCESS)
    return context_->failure("cuModuleLoadDataEx", result, log.text());
  out = std::make_unique<CudaProgram>(context_, module);
  return Status();
}

Status CudaDevice::compilePtx(const void *ptx, size_t size,
                              std::vector<uint8_t> &cubin) {
  TGC_CU_ENTER(*context_);
  const DriverApi &api = context_->api;
  JitErrorLog log;
  CUlinkState link = nullptr;
  TGC_CU_TRY(*context_, cuLinkCreate, log.count(), log.options(), log.values(),
             &link);
  struct LinkGuard {
    const DriverApi &api;
    CUlinkState link;
    ~LinkGuard() { api.cuLinkDestroy(link); }
  } guard{api, link};

  AlignedCodeCopy text(ptx, size);
  // The PTX is handed over as a C string: up to its first NUL, plus the NUL.
  size_t length = strnlen(static_cast<const char *>(text.data()), size) + 1;
  CUresult result =
      api.cuLinkAddData(link, CU_JIT_INPUT_PTX, const_cast<void *>(text.data()),
                        length, "tgc.ptx", 0, nullptr, nullptr);
  if (result != CUDA_SUCCESS)
    return context_->failure("cuLinkAddData", result, log.text());
  void *image = nullptr;
  size_t imageSize = 0;
  result = api.cuLinkComplete(link, &image, &imageSize);
  if (result != CUDA_SUCCESS)
    return context_->failure("cuLinkComplete", result, log.text());
  // The image belongs to the link state: copy it out before the guard runs.
  const auto *begin = static_cast<const uint8_t *>(image);
  cubin.assign(begin, begin + imageSize);
  return Status();
}

} // namespace

namespace tgc::hal {

Status listCudaDevices(std::vector<DeviceInfo> &out, std::string &note) {
  out.clear();
  note.clear();
  const LoadedDriver &loaded = driver();
  if (!loaded.problem.empty()) {
    note = loaded.problem;
    return Status();
  }
  const DriverApi &api = loaded.api;
  int count = 0;
  if (CUresult result = api.cuDeviceGetCount(&count))
    return Status::error("cuda: cuDeviceGetCount failed: " +
                         resultName(api, result));
  if (count == 0)
    note = "the CUDA driver reports no devices";
  for (int ordinal = 0; ordinal < count; ++ordinal) {
    DeviceInfo info;
    if (Status status = queryDeviceInfo(api, ordinal, info); !status)
      return status;
    out.push_back(std::move(info));
  }
  return Status();
}

Status openCudaDevice(int ordinal, std::unique_ptr<Device> &out) {
  std::string label = deviceLabel(ordinal);
  const LoadedDriver &loaded = driver();
  if (!loaded.problem.empty())
    return Status::error(label + ": " + loaded.problem);
  const DriverApi &api = loaded.api;
  int count = 0;
  if (CUresult result = api.cuDeviceGetCount(&count))
    return Status::error(
        label + ": cuDeviceGetCount failed: " + resultName(api, result));
  if (ordinal < 0 || ordinal >= count)
    return Status::error(label + ": no such device (the CUDA driver reports " +
                         std::to_string(count) + ")");
  DeviceInfo info;
  if (Status status = queryDeviceInfo(api, ordinal, info); !status)
    return status;
  CUdevice device = 0;
  if (CUresult result = api.cuDeviceGet(&device, ordinal))
    return Status::error(label +
                         ": cuDeviceGet failed: " + resultName(api, result));
  CUcontext context = nullptr;
  if (CUresult result = api.cuDevicePrimaryCtxRetain(&context, device))
    return Status::error(label + ": cuDevicePrimaryCtxRetain failed: " +
                         resultName(api, result));
  out = std::make_unique<CudaDevice>(
      std::move(info),
      std::make_shared<CudaContext>(api, device, context, label));
  return Status();
}

} // namespace tgc::hal
