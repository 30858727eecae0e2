//===- GpuBackend.h - what the CUDA and HIP backends share ------*- C++ -*-===//
//
// Private to hal/. CUDA and HIP have the same shape: a device made current
// around each call, non-blocking streams, events, modules with functions,
// pinned host memory and asynchronous copies. The Device, Queue, Event and
// Program over that shape -- range checks, the pinned staging ring, launch
// arguments, event bookkeeping, who keeps what alive -- are written once in
// GpuBackend.cpp against GpuDriver, which each backend implements with its
// own entry points and error names; listing and opening share GpuPlatform
// the same way. What differs stays with the vendor: device enumeration and
// properties, the context or device selection, loading code objects (and
// CUDA's PTX JIT), and launch quirks.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_GPUBACKEND_H
#define TGC_HAL_GPUBACKEND_H

#include "hal/Device.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tgc::hal::detail {

/// One GPU device as the shared code drives it: one method per driver call.
/// Calls that can fail return a Status naming the device, the vendor's entry
/// point and its error ("cuda:0: cuEventSynchronize failed:
/// CUDA_ERROR_LAUNCH_FAILED"); callers make the device current first (see
/// CurrentDevice). Streams, events, modules and functions are the vendor's
/// handles. The device and everything made from it share the driver, so it
/// outlives them all whatever order the caller destroys them in.
class GpuDriver {
public:
  GpuDriver(DeviceKind kind, std::string label)
      : kind_(kind), label_(std::move(label)) {}
  virtual ~GpuDriver() = default;

  DeviceKind kind() const { return kind_; }
  /// "cuda:0", "hip:1": the start of every message.
  const std::string &label() const { return label_; }
  /// Success, or "<label>: <call> failed: <error name>[: <detail>]". Both
  /// driver APIs return an int that is 0 on success.
  Status check(const char *call, int result,
               const std::string &detail = std::string()) const;

  /// Makes the device current on the calling thread (CUDA: pushes its
  /// context; HIP: selects it), noting in `saved` what to restore.
  virtual Status makeCurrent(int &saved) const = 0;
  /// Undoes a successful makeCurrent.
  virtual void restoreCurrent(int saved) const = 0;

  virtual Status allocate(size_t size, uint64_t &address) const = 0;
  virtual void free(uint64_t address) const = 0;
  virtual Status allocateHost(size_t size, void *&memory) const = 0;
  virtual Status freeHost(void *memory) const = 0;

  /// A stream that does not synchronize with the legacy default stream that
  /// other code in the process may be using.
  virtual Status createStream(void *&stream) const = 0;
  virtual Status synchronizeStream(void *stream) const = 0;
  virtual void destroyStream(void *stream) const = 0;

  /// `timing`: whether elapsedMs may be asked of the event.
  virtual Status createEvent(bool timing, void *&event) const = 0;
  virtual Status recordEvent(void *event, void *stream) const = 0;
  virtual Status synchronizeEvent(void *event) const = 0;
  /// Makes later work on `stream` wait for the event's latest record
  /// (cuStreamWaitEvent, hipStreamWaitEvent); the host does not wait.
  virtual Status streamWaitEvent(void *stream, void *event) const = 0;
  virtual Status elapsedMs(void *start, void *end, float &ms) const = 0;
  virtual void destroyEvent(void *event) const = 0;

  virtual Status copyHostToDevice(uint64_t dst, const void *src, size_t size,
                                  void *stream) const = 0;
  virtual Status copyDeviceToHost(void *dst, uint64_t src, size_t size,
                                  void *stream) const = 0;
  virtual Status copyDeviceToDevice(uint64_t dst, uint64_t src, size_t size,
                                    void *stream) const = 0;

  /// Checks the format, loads the code object into a module and makes the
  /// device current for that itself (checks come first).
  virtual Status loadModule(const DeviceInfo &info, CodeFormat format,
                            const void *bytes, size_t size,
                            const ProgramOptions &options,
                            void *&module) const = 0;
  virtual Status getFunction(void *module, const char *symbol,
                             void *&function) const = 0;
  virtual void unloadModule(void *module) const = 0;
  /// `params` points at each argument's value, or is null for none.
  virtual Status launch(void *function, const LaunchConfig &config,
                        void **params, void *stream) const = 0;

protected:
  /// "CUDA_ERROR_INVALID_PTX", "hipErrorOutOfMemory".
  virtual std::string resultName(int result) const = 0;

private:
  DeviceKind kind_;
  std::string label_;
};

/// Makes a driver's device current for one scope and restores the caller's
/// choice afterwards, so that a host application's own context or current
/// device is left as it was.
class CurrentDevice {
public:
  explicit CurrentDevice(const GpuDriver &driver)
      : driver_(driver), status_(driver.makeCurrent(saved_)) {}
  ~CurrentDevice() {
    if (status_)
      driver_.restoreCurrent(saved_);
  }
  CurrentDevice(const CurrentDevice &) = delete;
  CurrentDevice &operator=(const CurrentDevice &) = delete;
  const Status &status() const { return status_; }

private:
  const GpuDriver &driver_;
  int saved_ = -1;
  Status status_;
};

/// Makes the device current for the rest of the enclosing function, or
/// returns why it cannot be.
#define TGC_GPU_ENTER(driver)                                                  \
  ::tgc::hal::detail::CurrentDevice currentDevice(driver);                     \
  if (!currentDevice.status())                                                 \
  return currentDevice.status()

#define TGC_GPU_TRY(expression)                                                \
  do {                                                                         \
    if (::tgc::hal::Status tgcStatus = (expression); !tgcStatus)               \
      return tgcStatus;                                                        \
  } while (false)

/// The Device over a driver: memory, queues with pinned staging, events, and
/// programs loaded through GpuDriver::loadModule.
std::unique_ptr<Device> makeGpuDevice(DeviceInfo info,
                                      std::shared_ptr<const GpuDriver> driver);

/// A vendor library as listing and opening see it.
class GpuPlatform {
public:
  /// `prefix` names the devices ("cuda" for "cuda:0"); `provider` speaks for
  /// the library in messages ("the CUDA driver").
  GpuPlatform(const char *prefix, const char *provider)
      : prefix_(prefix), provider_(provider) {}
  virtual ~GpuPlatform() = default;

  /// "cuda:0".
  std::string label(int ordinal) const;

  /// listCudaDevices, listHipDevices.
  Status list(std::vector<DeviceInfo> &out, std::string &note) const;
  /// The shared part of opening: checks that the library is usable and the
  /// device exists, and reads its info.
  Status find(int ordinal, DeviceInfo &info) const;

protected:
  /// On failure, "<call> failed: <error name>" for the caller to prefix.
  virtual Status deviceCount(int &count) const = 0;
  virtual Status deviceInfo(int ordinal, DeviceInfo &info) const = 0;

  /// Why the library cannot be used ("no CUDA driver (libcuda.so.1 not
  /// found)"): the note of an empty listing. Empty when it can.
  std::string problem_;

private:
  const char *prefix_;
  const char *provider_;
};

} // namespace tgc::hal::detail

#endif // TGC_HAL_GPUBACKEND_H
