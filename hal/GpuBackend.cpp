//===- GpuBackend.cpp - what the CUDA and HIP backends share --------------===//

#include "hal/GpuBackend.h"

#include "hal/BackendSupport.h"

#include <algorithm>
#include <cstring>

using namespace tgc::hal;
using namespace tgc::hal::detail;

namespace {

// Largest piece a copy is split into: two of these are pinned per queue,
// and while one is moved by DMA the next is filled by memcpy.
constexpr size_t kStagingChunkBytes = size_t(32) << 20;
constexpr size_t kStagingGranularity = size_t(64) << 10;

//===----------------------------------------------------------------------===//
// Events, programs, queues
//===----------------------------------------------------------------------===//

/// A vendor handle and the driver that releases it, with the device
/// current, when the owner goes.
template <void (GpuDriver::*Release)(void *) const> class DriverHandle {
public:
  DriverHandle(std::shared_ptr<const GpuDriver> driver, void *handle)
      : driver_(std::move(driver)), handle_(handle) {}
  ~DriverHandle() {
    CurrentDevice scope(*driver_);
    ((*driver_).*Release)(handle_);
  }
  DriverHandle(const DriverHandle &) = delete;
  DriverHandle &operator=(const DriverHandle &) = delete;

  const GpuDriver &driver() const { return *driver_; }
  void *get() const { return handle_; }

private:
  std::shared_ptr<const GpuDriver> driver_;
  void *handle_;
};

class GpuEvent final : public Event {
public:
  GpuEvent(std::shared_ptr<const GpuDriver> driver, void *event)
      : event_(std::move(driver), event) {}
  Status wait() override {
    TGC_GPU_ENTER(driver());
    return driver().synchronizeEvent(handle());
  }
  Status elapsedMs(const Event &start, float &ms) const override {
    // Only another backend's event is refused here; one of another device
    // of this backend is left to the driver to judge.
    const auto *startEvent = dynamic_cast<const GpuEvent *>(&start);
    if (!startEvent || startEvent->driver().kind() != driver().kind())
      return Status::error(driver().label() +
                           ": elapsedMs: the start event belongs to another "
                           "device");
    if (!recorded_ || !startEvent->recorded_)
      return Status::error(driver().label() +
                           ": elapsedMs: event was never recorded");
    TGC_GPU_ENTER(driver());
    return driver().elapsedMs(startEvent->handle(), handle(), ms);
  }
  void *handle() const { return event_.get(); }
  const GpuDriver &driver() const { return event_.driver(); }
  void markRecorded() { recorded_ = true; }
  bool recorded() const { return recorded_; }

private:
  DriverHandle<&GpuDriver::destroyEvent> event_;
  bool recorded_ = false;
};

class GpuProgram final : public Program {
public:
  GpuProgram(std::shared_ptr<const GpuDriver> driver, void *module)
      : module_(std::move(driver), module) {}
  Status getKernel(const std::string &symbol, void *&kernel) override {
    const GpuDriver &driver = module_.driver();
    TGC_GPU_ENTER(driver);
    void *function = nullptr;
    if (Status status =
            driver.getFunction(module_.get(), symbol.c_str(), function);
        !status)
      return Status::error(status.message() + ": kernel '" + symbol + "'");
    kernel = function;
    return Status();
  }

private:
  DriverHandle<&GpuDriver::unloadModule> module_;
};

/// Pinned host memory that copies pass through, and the event that says when
/// the last transfer using it has finished.
struct StagingSlot {
  void *memory = nullptr;
  size_t capacity = 0;
  void *lastUse = nullptr;
  bool inUse = false;
};

class GpuQueue final : public Queue {
public:
  GpuQueue(std::shared_ptr<const GpuDriver> driver, void *stream)
      : driver_(std::move(driver)), stream_(stream) {}
  ~GpuQueue() override;
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
  Status waitFor(const Event &event) override;
  Status synchronize() override;

private:
  /// Waits until the slot's last transfer is done and makes it hold `size`.
  Status prepareSlot(StagingSlot &slot, size_t size);
  /// Waits for the slot's last transfer to finish.
  Status waitForSlot(StagingSlot &slot);

  std::shared_ptr<const GpuDriver> driver_;
  void *stream_;
  // Two slots, used in turn, let memcpy into one overlap DMA out of the other.
  StagingSlot slots_[2];
  unsigned nextSlot_ = 0;
};

Status GpuQueue::initialize() {
  TGC_GPU_ENTER(*driver_);
  for (StagingSlot &slot : slots_)
    TGC_GPU_TRY(driver_->createEvent(/*timing=*/false, slot.lastUse));
  return Status();
}

GpuQueue::~GpuQueue() {
  CurrentDevice scope(*driver_);
  // Pinned memory must not be freed under a transfer still reading it.
  (void)driver_->synchronizeStream(stream_);
  for (StagingSlot &slot : slots_) {
    if (slot.memory)
      (void)driver_->freeHost(slot.memory);
    if (slot.lastUse)
      driver_->destroyEvent(slot.lastUse);
  }
  driver_->destroyStream(stream_);
}

Status GpuQueue::waitForSlot(StagingSlot &slot) {
  if (slot.inUse) {
    TGC_GPU_TRY(driver_->synchronizeEvent(slot.lastUse));
    slot.inUse = false;
  }
  return Status();
}

Status GpuQueue::prepareSlot(StagingSlot &slot, size_t size) {
  TGC_GPU_TRY(waitForSlot(slot));
  if (slot.capacity >= size)
    return Status();
  if (slot.memory) {
    TGC_GPU_TRY(driver_->freeHost(slot.memory));
    slot.memory = nullptr;
    slot.capacity = 0;
  }
  // Grow geometrically so a run of slightly larger copies does not pin and
  // unpin memory every time.
  size_t capacity =
      std::min(std::max(size, slot.capacity * 2), kStagingChunkBytes);
  capacity = (capacity + kStagingGranularity - 1) & ~(kStagingGranularity - 1);
  TGC_GPU_TRY(driver_->allocateHost(capacity, slot.memory));
  slot.capacity = capacity;
  return Status();
}

Status GpuQueue::copyHostToDevice(const void *src, Buffer dst, size_t offset,
                                  size_t size) {
  TGC_GPU_TRY(
      checkRange(driver_->label(), "copyHostToDevice", dst, offset, size));
  TGC_GPU_ENTER(*driver_);
  const char *source = static_cast<const char *>(src);
  for (size_t done = 0; done < size;) {
    size_t chunk = std::min(size - done, kStagingChunkBytes);
    StagingSlot &slot = slots_[nextSlot_];
    nextSlot_ ^= 1;
    TGC_GPU_TRY(prepareSlot(slot, chunk));
    std::memcpy(slot.memory, source + done, chunk);
    TGC_GPU_TRY(driver_->copyHostToDevice(dst.address + offset + done,
                                          slot.memory, chunk, stream_));
    TGC_GPU_TRY(driver_->recordEvent(slot.lastUse, stream_));
    slot.inUse = true;
    done += chunk;
  }
  return Status();
}

Status GpuQueue::copyDeviceToHost(Buffer src, size_t offset, void *dst,
                                  size_t size) {
  TGC_GPU_TRY(
      checkRange(driver_->label(), "copyDeviceToHost", src, offset, size));
  TGC_GPU_ENTER(*driver_);
  char *destination = static_cast<char *>(dst);
  // Each chunk is copied out of its slot once the next one is on its way.
  StagingSlot *pendingSlot = nullptr;
  size_t pendingOffset = 0, pendingSize = 0;
  auto drainPending = [&]() -> Status {
    if (!pendingSlot)
      return Status();
    TGC_GPU_TRY(waitForSlot(*pendingSlot));
    std::memcpy(destination + pendingOffset, pendingSlot->memory, pendingSize);
    pendingSlot = nullptr;
    return Status();
  };
  for (size_t done = 0; done < size;) {
    size_t chunk = std::min(size - done, kStagingChunkBytes);
    StagingSlot &slot = slots_[nextSlot_];
    nextSlot_ ^= 1;
    TGC_GPU_TRY(prepareSlot(slot, chunk));
    TGC_GPU_TRY(driver_->copyDeviceToHost(
        slot.memory, src.address + offset + done, chunk, stream_));
    TGC_GPU_TRY(driver_->recordEvent(slot.lastUse, stream_));
    slot.inUse = true;
    TGC_GPU_TRY(drainPending());
    pendingSlot = &slot;
    pendingOffset = done;
    pendingSize = chunk;
    done += chunk;
  }
  return drainPending();
}

Status GpuQueue::copyDeviceToDevice(Buffer src, size_t srcOffset, Buffer dst,
                                    size_t dstOffset, size_t size) {
  TGC_GPU_TRY(checkRange(driver_->label(), "copyDeviceToDevice (source)", src,
                         srcOffset, size));
  TGC_GPU_TRY(checkRange(driver_->label(), "copyDeviceToDevice (destination)",
                         dst, dstOffset, size));
  if (size == 0)
    return Status();
  TGC_GPU_ENTER(*driver_);
  return driver_->copyDeviceToDevice(dst.address + dstOffset,
                                     src.address + srcOffset, size, stream_);
}

Status GpuQueue::launch(void *kernel, const LaunchConfig &config,
                        const std::vector<uint64_t> &args) {
  if (!kernel)
    return Status::error(driver_->label() + ": launch: null kernel");
  TGC_GPU_ENTER(*driver_);
  // The driver wants a pointer to each parameter's value; it copies the
  // values before returning, so pointing into `args` is enough.
  PointerArray params(args.size());
  for (size_t i = 0; i < args.size(); ++i)
    params.data()[i] = const_cast<uint64_t *>(&args[i]);
  return driver_->launch(kernel, config, args.empty() ? nullptr : params.data(),
                         stream_);
}

Status GpuQueue::record(Event &event) {
  auto *gpuEvent = dynamic_cast<GpuEvent *>(&event);
  if (!gpuEvent || &gpuEvent->driver() != driver_.get())
    return Status::error(driver_->label() +
                         ": record: the event belongs to another device");
  TGC_GPU_ENTER(*driver_);
  TGC_GPU_TRY(driver_->recordEvent(gpuEvent->handle(), stream_));
  gpuEvent->markRecorded();
  return Status();
}

Status GpuQueue::waitFor(const Event &event) {
  const auto *gpuEvent = dynamic_cast<const GpuEvent *>(&event);
  if (!gpuEvent || &gpuEvent->driver() != driver_.get())
    return Status::error(driver_->label() +
                         ": waitFor: the event belongs to another device");
  if (!gpuEvent->recorded())
    return Status::error(driver_->label() +
                         ": waitFor: event was never recorded");
  TGC_GPU_ENTER(*driver_);
  return driver_->streamWaitEvent(stream_, gpuEvent->handle());
}

Status GpuQueue::synchronize() {
  TGC_GPU_ENTER(*driver_);
  return driver_->synchronizeStream(stream_);
}

//===----------------------------------------------------------------------===//
// The device
//===----------------------------------------------------------------------===//

class GpuDevice final : public Device {
public:
  GpuDevice(DeviceInfo info, std::shared_ptr<const GpuDriver> driver)
      : info_(std::move(info)), driver_(std::move(driver)) {}

  const DeviceInfo &info() const override { return info_; }
  Status allocate(size_t size, Buffer &out) override;
  void free(Buffer buffer) override;
  Status createQueue(std::unique_ptr<Queue> &out) override;
  Status createEvent(std::unique_ptr<Event> &out) override;
  Status loadProgram(CodeFormat format, const void *bytes, size_t size,
                     const ProgramOptions &options,
                     std::unique_ptr<Program> &out) override;

private:
  DeviceInfo info_;
  std::shared_ptr<const GpuDriver> driver_;
};

Status GpuDevice::allocate(size_t size, Buffer &out) {
  TGC_GPU_ENTER(*driver_);
  uint64_t address = 0;
  // Drivers reject zero bytes; a zero-byte buffer still gets an address.
  if (Status status = driver_->allocate(std::max<size_t>(size, 1), address);
      !status)
    return Status::error(status.message() + ": " + std::to_string(size) +
                         " bytes");
  out.address = address;
  out.size = size;
  return Status();
}

void GpuDevice::free(Buffer buffer) {
  if (!buffer.address)
    return;
  CurrentDevice scope(*driver_);
  driver_->free(buffer.address);
}

Status GpuDevice::createQueue(std::unique_ptr<Queue> &out) {
  TGC_GPU_ENTER(*driver_);
  void *stream = nullptr;
  TGC_GPU_TRY(driver_->createStream(stream));
  auto queue = std::make_unique<GpuQueue>(driver_, stream);
  TGC_GPU_TRY(queue->initialize());
  out = std::move(queue);
  return Status();
}

Status GpuDevice::createEvent(std::unique_ptr<Event> &out) {
  TGC_GPU_ENTER(*driver_);
  void *event = nullptr;
  TGC_GPU_TRY(driver_->createEvent(/*timing=*/true, event));
  out = std::make_unique<GpuEvent>(driver_, event);
  return Status();
}

Status GpuDevice::loadProgram(CodeFormat format, const void *bytes, size_t size,
                              const ProgramOptions &options,
                              std::unique_ptr<Program> &out) {
  void *module = nullptr;
  TGC_GPU_TRY(driver_->loadModule(info_, format, bytes, size, options, module));
  out = std::make_unique<GpuProgram>(driver_, module);
  return Status();
}

} // namespace

namespace tgc::hal::detail {

Status GpuDriver::check(const char *call, int result,
                        const std::string &detail) const {
  if (result == 0)
    return Status();
  return Status::error(label_ + ": " + call + " failed: " + resultName(result) +
                       (detail.empty() ? "" : ": " + detail));
}

std::unique_ptr<Device> makeGpuDevice(DeviceInfo info,
                                      std::shared_ptr<const GpuDriver> driver) {
  return std::make_unique<GpuDevice>(std::move(info), std::move(driver));
}

std::string GpuPlatform::label(int ordinal) const {
  return std::string(prefix_) + ":" + std::to_string(ordinal);
}

Status GpuPlatform::list(std::vector<DeviceInfo> &out,
                         std::string &note) const {
  out.clear();
  note.clear();
  if (!problem_.empty()) {
    note = problem_;
    return Status();
  }
  int count = 0;
  if (Status status = deviceCount(count); !status)
    return Status::error(std::string(prefix_) + ": " + status.message());
  if (count == 0)
    note = std::string(provider_) + " reports no devices";
  for (int ordinal = 0; ordinal < count; ++ordinal) {
    DeviceInfo info;
    TGC_GPU_TRY(deviceInfo(ordinal, info));
    out.push_back(std::move(info));
  }
  return Status();
}

Status GpuPlatform::find(int ordinal, DeviceInfo &info) const {
  std::string name = label(ordinal);
  if (!problem_.empty())
    return Status::error(name + ": " + problem_);
  int count = 0;
  if (Status status = deviceCount(count); !status)
    return Status::error(name + ": " + status.message());
  if (ordinal < 0 || ordinal >= count)
    return Status::error(name + ": no such device (" + provider_ + " reports " +
                         std::to_string(count) + ")");
  return deviceInfo(ordinal, info);
}

} // namespace tgc::hal::detail
