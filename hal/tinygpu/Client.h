//===- Client.h - a client of the TinyGPU server ----------------*- C++ -*-===//
//
// The raw PCI device of an eGPU as TinyGPU.app serves it (Protocol.h): config
// space, BARs (read and written through the server, one round trip per
// read), DMA-able system memory (shared by file descriptor on a Unix socket,
// or read and written through the server), reset. Every reply is checked
// (status, sizes, bounds) and every read has a deadline, so a dead or
// misbehaving server is an error message, never a hang or a crash. After an
// error that leaves the byte stream out of step (timeout, short or malformed
// reply, closed connection) the client refuses further requests with the
// first reason instead of reading garbage.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_TINYGPU_CLIENT_H
#define TGC_HAL_TINYGPU_CLIENT_H

#include "hal/Device.h"
#include "hal/tinygpu/Protocol.h"
#include "hal/tinygpu/Socket.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tgc::hal::tinygpu {

struct ClientOptions {
  /// Connecting and each request's reply; a GSP-era GPU answers config reads
  /// in microseconds, so seconds mean the server is stuck.
  int timeoutMs = 5000;
  /// Which of the server's devices (TinyGPU.app serves one: 0).
  uint32_t deviceId = 0;
};

struct BarInfo {
  uint64_t address = 0; // where the server mapped it (its address space)
  uint64_t size = 0;
};

/// A contiguous run of bus addresses the device may DMA to.
struct BusRange {
  uint64_t address = 0;
  uint64_t size = 0;
};

/// System memory shared with the server through a file descriptor, mapped
/// here: the CPU writes it directly, the GPU reaches it at `busRanges()`.
/// Unmapped and closed when destroyed.
class SharedSysmem {
public:
  SharedSysmem(int fd, void *data, size_t size, uint64_t handle,
               std::vector<BusRange> ranges);
  ~SharedSysmem();
  SharedSysmem(const SharedSysmem &) = delete;
  SharedSysmem &operator=(const SharedSysmem &) = delete;
  void *data() const { return data_; }
  size_t size() const { return size_; }
  uint64_t handle() const { return handle_; }
  const std::vector<BusRange> &busRanges() const { return ranges_; }

private:
  int fd_;
  void *data_;
  size_t size_;
  uint64_t handle_;
  std::vector<BusRange> ranges_;
};

/// System memory the server owns, reached through SYSMEM_READ/WRITE (TCP).
struct RemoteSysmem {
  uint64_t handle = 0;
  uint64_t size = 0;
  std::vector<uint64_t> pageBusAddresses; // one per 4 KiB page
};

class Client {
public:
  /// `endpoint`: see parseEndpoint ("unix:/tmp/tinygpu.sock",
  /// "tcp:host:6667").
  static Status connect(const std::string &endpoint,
                        const ClientOptions &options,
                        std::unique_ptr<Client> &out);

  const Endpoint &endpoint() const { return endpoint_; }

  /// The devices of `vendor` (and PCI base class, 0: any) the server
  /// offers, by name. TinyGPU.app's server answers with an error: it serves
  /// exactly one device, 0.
  Status probe(uint16_t vendor, uint8_t baseClass,
               std::vector<std::string> &names);
  Status ping();
  /// `size` is 1, 2 or 4 and the access lies inside the 4 KiB config space.
  Status configRead(uint32_t offset, uint32_t size, uint64_t &value);
  Status configWrite(uint32_t offset, uint32_t size, uint64_t value);
  Status reset();
  /// Maps BAR `bar` in the server (once; remembered) and says where and how
  /// large it is. Reads and writes below check their range against it.
  Status mapBar(uint32_t bar, BarInfo &out);
  Status resizeBar(uint32_t bar);
  /// Any size: split into requests of at most kMaxBulkBytes.
  Status mmioRead(uint32_t bar, uint64_t offset, void *data, size_t size);
  /// Posted, as the server defines it: no reply, so a write the device
  /// rejects is not reported. Out-of-range writes are refused here.
  Status mmioWrite(uint32_t bar, uint64_t offset, const void *data,
                   size_t size);
  /// DMA memory shared by fd; Unix sockets only (SCM_RIGHTS).
  Status mapSysmemFd(uint64_t size, bool contiguous,
                     std::unique_ptr<SharedSysmem> &out);
  Status mapSysmem(uint64_t size, bool contiguous, RemoteSysmem &out);
  Status sysmemRead(const RemoteSysmem &memory, uint64_t offset, void *data,
                    size_t size);
  Status sysmemWrite(const RemoteSysmem &memory, uint64_t offset,
                     const void *data, size_t size);

  /// Empty while usable; otherwise why the connection was given up.
  const std::string &brokenReason() const { return broken_; }

private:
  Client(Endpoint endpoint, UniqueFd fd, ClientOptions options)
      : endpoint_(std::move(endpoint)), fd_(std::move(fd)), options_(options) {}

  /// Sends a request (and `payload`), reads the reply; an error reply
  /// becomes a Status carrying the server's message.
  Status call(Command command, uint32_t bar, uint64_t arg0, uint64_t arg1,
              uint64_t arg2, Reply &reply, int *passedFd = nullptr);
  Status send(Command command, uint32_t bar, uint64_t arg0, uint64_t arg1,
              uint64_t arg2, const void *payload, size_t payloadSize);
  Status read(void *data, size_t size, const std::string &what,
              int *passedFd = nullptr);
  /// Records the first reason the stream cannot be trusted any more.
  Status fail(const Status &status);
  Status checkUsable() const;
  Status error(const std::string &message) const;
  Status checkBarRange(uint32_t bar, uint64_t offset, uint64_t size,
                       const char *operation);

  Endpoint endpoint_;
  UniqueFd fd_;
  ClientOptions options_;
  std::map<uint32_t, BarInfo> bars_;
  std::string broken_;
};

/// Where TinyGPU.app's server listens unless told otherwise: tinygrad starts
/// it on "$TMPDIR/tinygpu.sock" (the per-user temp directory on macOS), or
/// "/tmp/tinygpu.sock" without TMPDIR.
std::string defaultSocketPath();

} // namespace tgc::hal::tinygpu

#endif // TGC_HAL_TINYGPU_CLIENT_H
