//===- Socket.h - stream sockets with deadlines and fd passing --*- C++ -*-===//
//
// The little socket layer under the TinyGPU client and emulator: endpoints
// ("unix:/path", "/path", "tcp:host:port", "host:port"), whole-buffer reads
// and writes that poll with a deadline so that a silent peer is an error and
// never a hang, and SCM_RIGHTS file descriptor passing on Unix sockets.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_TINYGPU_SOCKET_H
#define TGC_HAL_TINYGPU_SOCKET_H

#include "hal/Device.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace tgc::hal::tinygpu {

struct Endpoint {
  enum class Kind { Unix, Tcp } kind = Kind::Unix;
  std::string path; // Unix
  std::string host; // TCP
  uint16_t port = 0;
  /// As a user would write it, for messages.
  std::string text() const;
};

/// Parses "unix:/path", "tcp:host:port", "host:port" or a bare path (which
/// is a Unix socket: it contains a '/' or no ':').
Status parseEndpoint(const std::string &text, Endpoint &out);

/// A file descriptor closed when it goes out of scope.
class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
  UniqueFd &operator=(UniqueFd &&other) noexcept;
  UniqueFd(const UniqueFd &) = delete;
  UniqueFd &operator=(const UniqueFd &) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);
  explicit operator bool() const { return fd_ >= 0; }

private:
  int fd_ = -1;
};

/// Connects within `timeoutMs`.
Status connectEndpoint(const Endpoint &endpoint, int timeoutMs, UniqueFd &out);
/// Binds and listens (a stale Unix socket file is replaced). For TCP, port 0
/// picks a free port: `boundPort` says which.
Status listenEndpoint(const Endpoint &endpoint, UniqueFd &out,
                      uint16_t &boundPort);

/// Milliseconds on a monotonic clock; deadlines below are in these.
int64_t nowMs();

/// Reads exactly `size` bytes before `deadlineMs`. `what` names the data for
/// messages ("the reply to MMIO_READ"). If `passedFd` is not null, a file
/// descriptor passed with the bytes is stored there (-1 if none); any other
/// passed descriptor is closed.
Status readFull(int fd, void *data, size_t size, int64_t deadlineMs,
                const std::string &what, int *passedFd = nullptr);
/// Writes all of `size` bytes before `deadlineMs`; never raises SIGPIPE.
Status writeFull(int fd, const void *data, size_t size, int64_t deadlineMs,
                 const std::string &what);
/// Writes `size` bytes with `passFd` attached (SCM_RIGHTS), Unix sockets
/// only.
Status writeWithFd(int fd, const void *data, size_t size, int passFd,
                   int64_t deadlineMs, const std::string &what);

} // namespace tgc::hal::tinygpu

#endif // TGC_HAL_TINYGPU_SOCKET_H
