//===- Device.h - the tgc device interface ----------------------*- C++ -*-===//
//
// Shaped like a hardware command queue so that it fits CUDA and HIP today and
// a vendor-driver-free backend (e.g. an eGPU behind TinyGPU) later: devices
// with properties, device and host-visible staging memory, in-order queues of
// copies and launches, events to wait on and time with, and programs loaded
// from code objects. Depends on the OS only: no LLVM, no vendor headers.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_DEVICE_H
#define TGC_HAL_DEVICE_H

#include "format/CodeFormat.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tgc::hal {

/// Success or a message naming what failed and where. Backends never throw.
class Status {
public:
  Status() = default;
  static Status error(std::string message) {
    Status s;
    s.failed_ = true;
    s.message_ = std::move(message);
    return s;
  }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string &message() const { return message_; }

private:
  bool failed_ = false;
  std::string message_;
};

/// TinyGpu: a GPU behind TinyGPU.app's socket server (an eGPU on macOS),
/// listed from its PCI config space; it cannot run kernels until tgc has a
/// userspace bring-up for it (docs/egpu.md).
enum class DeviceKind { Host, Cuda, Hip, TinyGpu };

/// Programs load from the code objects the compiler writes into bundles.
using ::tgc::CodeFormat;

struct DeviceInfo {
  DeviceKind kind;
  int ordinal = 0;  // cuda:N / hip:N; 0 for the host
  std::string name; // "NVIDIA H100 80GB HBM3", "host (16 threads)"
  std::string arch; // "sm_90", "gfx1100", "x86_64"
  uint64_t memoryBytes = 0;
  int computeUnits = 0; // SMs, CUs, or host threads
  int warpSize = 1;
  int maxThreadsPerBlock = 1;
  uint64_t maxSharedMemoryPerBlock = 0;
  /// The largest launch a bundle may ask of the device, per dimension: grid
  /// in blocks (host: workgroups, grid[0] only) and block in threads. The
  /// runtime refuses a bundle's launches beyond them before anything runs.
  uint32_t maxGrid[3] = {1, 1, 1};
  uint32_t maxBlock[3] = {1, 1, 1};
  std::string driverVersion; // e.g. "12080" for CUDA 12.8; "" for the host
  /// Facts that fit no field above, for listings: for TinyGPU the PCI id,
  /// server, BAR sizes and PCIe link. Empty for the other kinds.
  std::string details;
};

/// Device memory. Owned by the caller; freed by Device::free.
struct Buffer {
  uint64_t address = 0; // device address (host: a plain pointer)
  size_t size = 0;
};

class Event {
public:
  virtual ~Event() = default;
  virtual Status wait() = 0;
  /// Milliseconds between two recorded events on the same queue.
  virtual Status elapsedMs(const Event &start, float &ms) const = 0;
};

struct LaunchConfig {
  uint32_t grid[3] = {1, 1, 1};
  uint32_t block[3] = {1, 1, 1};
  uint32_t sharedMemoryBytes = 0;
};

class Program {
public:
  virtual ~Program() = default;
  /// Resolves an entry point; the returned handle stays valid while the
  /// program lives.
  virtual Status getKernel(const std::string &symbol, void *&kernel) = 0;
};

/// An in-order stream of copies and launches.
class Queue {
public:
  virtual ~Queue() = default;
  virtual Status copyHostToDevice(const void *src, Buffer dst, size_t offset,
                                  size_t size) = 0;
  virtual Status copyDeviceToHost(Buffer src, size_t offset, void *dst,
                                  size_t size) = 0;
  virtual Status copyDeviceToDevice(Buffer src, size_t srcOffset, Buffer dst,
                                    size_t dstOffset, size_t size) = 0;
  /// `args` holds one device address per kernel binding, in order.
  virtual Status launch(void *kernel, const LaunchConfig &config,
                        const std::vector<uint64_t> &args) = 0;
  virtual Status record(Event &event) = 0;
  /// Makes work enqueued on this queue from now on wait until everything
  /// enqueued (on any queue of the same device) before `event`'s latest
  /// record() has finished; the host does not wait. An event never recorded
  /// is an error, so that a missing record cannot pass for a finished one.
  virtual Status waitFor(const Event &event) = 0;
  virtual Status synchronize() = 0;
};

/// Where a backend keeps code that it compiles for one exact device while
/// loading a program (CUDA: PTX to a cubin through the driver's JIT), so that
/// the caller can keep it across runs and skip the compile next time. The HAL
/// stores nothing itself; the runtime's kernel cache implements this on disk.
class CompiledCodeCache {
public:
  /// Everything the compiled bytes depend on, as far as the backend knows;
  /// an implementation adds its own (the runtime adds tgc's version).
  struct Key {
    /// What is made of what ("ptx->cubin"): one source, several products.
    const char *kind;
    /// The code being compiled.
    const void *source;
    size_t sourceSize;
    /// The device's ("sm_90") and the driver's, which holds the compiler.
    std::string arch;
    std::string driverVersion;
  };
  using CompileFn = std::function<Status(std::vector<uint8_t> &out)>;

  virtual ~CompiledCodeCache() = default;
  /// Fills `out` with the bytes kept for `key`, or runs `compile` and keeps
  /// what it produced. Returns `compile`'s error if it fails; a cache that
  /// cannot keep anything still hands back the compiled bytes.
  virtual Status getOrCompile(const Key &key, const CompileFn &compile,
                              std::vector<uint8_t> &out) = 0;
};

struct ProgramOptions {
  /// Consulted by a backend that compiles code while loading it: CUDA
  /// compiles PTX for the device through cuLink* and loads the cubin. Null:
  /// the code goes to the driver as it is (CUDA's cuModuleLoadDataEx
  /// JIT-compiles PTX itself, and nothing of that is kept by tgc).
  CompiledCodeCache *compiledCodeCache = nullptr;
};

class Device {
public:
  virtual ~Device() = default;
  virtual const DeviceInfo &info() const = 0;
  virtual Status allocate(size_t size, Buffer &out) = 0;
  virtual void free(Buffer buffer) = 0;
  virtual Status createQueue(std::unique_ptr<Queue> &out) = 0;
  virtual Status createEvent(std::unique_ptr<Event> &out) = 0;
  /// Loads a code object. `bytes` need not outlive the call.
  virtual Status loadProgram(CodeFormat format, const void *bytes, size_t size,
                             const ProgramOptions &options,
                             std::unique_ptr<Program> &out) = 0;
  Status loadProgram(CodeFormat format, const void *bytes, size_t size,
                     std::unique_ptr<Program> &out) {
    return loadProgram(format, bytes, size, ProgramOptions(), out);
  }
};

/// Enumerates devices of one backend. A missing driver library is not an
/// error: the list is empty and `note` says why ("no CUDA driver
/// (libcuda.so.1 not found)").
Status listHostDevices(std::vector<DeviceInfo> &out);
Status listCudaDevices(std::vector<DeviceInfo> &out, std::string &note);
Status listHipDevices(std::vector<DeviceInfo> &out, std::string &note);
/// The GPUs behind TinyGPU servers: those named by TGC_TINYGPU_SOCKET
/// (comma-separated endpoints, see tinygpu/Socket.h) or, on macOS without
/// it, TinyGPU.app's default socket if it exists. A server that does not
/// answer is a note, not an error; each listed device adds a note that it
/// cannot run kernels yet.
Status listTinyGpuDevices(std::vector<DeviceInfo> &out,
                          std::vector<std::string> &notes);

Status openHostDevice(std::unique_ptr<Device> &out);
Status openCudaDevice(int ordinal, std::unique_ptr<Device> &out);
Status openHipDevice(int ordinal, std::unique_ptr<Device> &out);
/// Always an error for now, saying why: there is no userspace bring-up
/// (firmware boot, page tables, queues) for TinyGPU devices yet.
Status openTinyGpuDevice(int ordinal, std::unique_ptr<Device> &out);

/// The host kernel ABI: the compiler emits one such function per kernel in
/// the host shared library; the host backend calls it for contiguous ranges
/// of workgroups [begin, end) from its thread pool.
using HostKernelFn = void (*)(void *const *bindings, int64_t begin,
                              int64_t end);

} // namespace tgc::hal

#endif // TGC_HAL_DEVICE_H
