//===- Socket.cpp - stream sockets with deadlines and fd passing ----------===//

#include "hal/tinygpu/Socket.h"
#include "hal/tinygpu/Protocol.h"

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace tgc::hal::tinygpu {

namespace {

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0; // macOS: SO_NOSIGPIPE is set on the socket
#endif

void noSigPipe(int fd) {
#ifdef SO_NOSIGPIPE
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#else
  (void)fd;
#endif
}

std::string errnoText() { return std::strerror(errno); }

/// Waits until `fd` is ready for `events` or the deadline passes.
Status waitFor(int fd, short events, int64_t deadlineMs,
               const std::string &what) {
  for (;;) {
    int64_t left = deadlineMs - nowMs();
    if (left <= 0)
      return Status::error("timed out waiting for " + what);
    pollfd pfd{fd, events, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready > 0)
      return Status();
    if (ready < 0 && errno != EINTR)
      return Status::error("poll failed on " + what + ": " + errnoText());
  }
}

Status unixAddress(const std::string &path, sockaddr_un &addr) {
  std::memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path))
    return Status::error("Unix socket path '" + path +
                         "' is empty or longer than " +
                         std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return Status();
}

} // namespace

std::string Endpoint::text() const {
  if (kind == Kind::Unix)
    return "unix:" + path;
  return "tcp:" + host + ":" + std::to_string(port);
}

Status parseEndpoint(const std::string &text, Endpoint &out) {
  out = Endpoint();
  auto startsWith = [&](const char *prefix) {
    return text.compare(0, std::strlen(prefix), prefix) == 0;
  };
  std::string rest = text;
  bool tcp = false;
  if (startsWith("unix:")) {
    out.kind = Endpoint::Kind::Unix;
    out.path = text.substr(5);
    if (out.path.empty())
      return Status::error("TinyGPU endpoint '" + text + "' names no path");
    return Status();
  }
  if (startsWith("tcp:")) {
    rest = text.substr(4);
    tcp = true;
  } else if (text.find('/') == std::string::npos &&
             text.find(':') != std::string::npos) {
    tcp = true;
  }
  if (!tcp) {
    out.kind = Endpoint::Kind::Unix;
    out.path = text;
    if (out.path.empty())
      return Status::error("TinyGPU endpoint is empty");
    return Status();
  }
  out.kind = Endpoint::Kind::Tcp;
  size_t colon = rest.rfind(':');
  std::string portText =
      colon == std::string::npos ? "" : rest.substr(colon + 1);
  out.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  if (out.host.empty())
    return Status::error("TinyGPU endpoint '" + text + "' names no host");
  if (portText.empty()) {
    out.port = kDefaultTcpPort;
    return Status();
  }
  char *end = nullptr;
  errno = 0;
  unsigned long port = std::strtoul(portText.c_str(), &end, 10);
  // Port 0 is for listening: any free port.
  if (errno || *end || port > 65535)
    return Status::error("TinyGPU endpoint '" + text + "' has no valid port");
  out.port = static_cast<uint16_t>(port);
  return Status();
}

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept {
  if (this != &other)
    reset(other.release());
  return *this;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = fd;
}

int64_t nowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Status connectEndpoint(const Endpoint &endpoint, int timeoutMs, UniqueFd &out) {
  int64_t deadline = nowMs() + timeoutMs;
  std::string where = "TinyGPU server at " + endpoint.text();
  auto connectOne = [&](int family, const sockaddr *addr,
                        socklen_t length) -> Status {
    UniqueFd fd(::socket(family, SOCK_STREAM, 0));
    if (!fd)
      return Status::error("cannot create a socket for " + where + ": " +
                           errnoText());
    ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
    noSigPipe(fd.get());
    int flags = ::fcntl(fd.get(), F_GETFL);
    ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
    if (::connect(fd.get(), addr, length) != 0) {
      if (errno != EINPROGRESS && errno != EAGAIN)
        return Status::error("cannot connect to " + where + ": " + errnoText());
      if (Status s =
              waitFor(fd.get(), POLLOUT, deadline, "a connection to " + where);
          !s)
        return s;
      int error = 0;
      socklen_t errorLength = sizeof(error);
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &errorLength);
      if (error)
        return Status::error("cannot connect to " + where + ": " +
                             std::strerror(error));
    }
    if (family != AF_UNIX) {
      int one = 1;
      ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    out = std::move(fd);
    return Status();
  };

  if (endpoint.kind == Endpoint::Kind::Unix) {
    sockaddr_un addr;
    if (Status s = unixAddress(endpoint.path, addr); !s)
      return s;
    return connectOne(AF_UNIX, reinterpret_cast<sockaddr *>(&addr),
                      sizeof(addr));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo *list = nullptr;
  std::string port = std::to_string(endpoint.port);
  if (int rc =
          ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &list))
    return Status::error("cannot resolve " + where + ": " + gai_strerror(rc));
  Status last = Status::error("no address for " + where);
  for (addrinfo *ai = list; ai; ai = ai->ai_next) {
    last = connectOne(ai->ai_family, ai->ai_addr, ai->ai_addrlen);
    if (last)
      break;
  }
  ::freeaddrinfo(list);
  return last;
}

Status listenEndpoint(const Endpoint &endpoint, UniqueFd &out,
                      uint16_t &boundPort) {
  boundPort = 0;
  if (endpoint.kind == Endpoint::Kind::Unix) {
    sockaddr_un addr;
    if (Status s = unixAddress(endpoint.path, addr); !s)
      return s;
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    if (!fd)
      return Status::error("cannot create a socket: " + errnoText());
    ::unlink(endpoint.path.c_str());
    if (::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) ||
        ::listen(fd.get(), 8))
      return Status::error("cannot listen on " + endpoint.text() + ": " +
                           errnoText());
    ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
    out = std::move(fd);
    return Status();
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo *list = nullptr;
  std::string port = std::to_string(endpoint.port);
  if (int rc =
          ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &list))
    return Status::error("cannot resolve " + endpoint.text() + ": " +
                         gai_strerror(rc));
  Status last = Status::error("no address for " + endpoint.text());
  for (addrinfo *ai = list; ai; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, SOCK_STREAM, 0));
    if (!fd)
      continue;
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) ||
        ::listen(fd.get(), 8)) {
      last = Status::error("cannot listen on " + endpoint.text() + ": " +
                           errnoText());
      continue;
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    ::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&bound), &length);
    boundPort = ntohs(bound.ss_family == AF_INET6
                          ? reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port
                          : reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
    ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
    out = std::move(fd);
    last = Status();
    break;
  }
  ::freeaddrinfo(list);
  return last;
}

Status readFull(int fd, void *data, size_t size, int64_t deadlineMs,
                const std::string &what, int *passedFd) {
  if (passedFd)
    *passedFd = -1;
  auto *bytes = static_cast<uint8_t *>(data);
  size_t done = 0;
  while (done < size) {
    if (Status s = waitFor(fd, POLLIN, deadlineMs, what); !s)
      return s;
    iovec iov{bytes + done, size - done};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t got = ::recvmsg(fd, &msg, MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
        continue;
      return Status::error("reading " + what + " failed: " + errnoText());
    }
    // Descriptors that arrive are ours to close, wanted or not.
    for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        continue;
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int passed;
        std::memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        if (passedFd && *passedFd < 0)
          *passedFd = passed;
        else
          ::close(passed);
      }
    }
    if (got == 0)
      return Status::error("the connection closed after " +
                           std::to_string(done) + " of " +
                           std::to_string(size) + " bytes of " + what);
    done += static_cast<size_t>(got);
  }
  return Status();
}

static Status writeMessage(int fd, const void *data, size_t size, int passFd,
                           int64_t deadlineMs, const std::string &what) {
  const auto *bytes = static_cast<const uint8_t *>(data);
  size_t done = 0;
  while (done < size) {
    if (Status s = waitFor(fd, POLLOUT, deadlineMs, "sending " + what); !s)
      return s;
    iovec iov{const_cast<uint8_t *>(bytes + done), size - done};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (passFd >= 0 && done == 0) {
      std::memset(control, 0, sizeof(control));
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      cmsghdr *c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(c), &passFd, sizeof(int));
    }
    ssize_t sent = ::sendmsg(fd, &msg, kSendFlags | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
        continue;
      return Status::error("sending " + what + " failed: " + errnoText());
    }
    done += static_cast<size_t>(sent);
  }
  return Status();
}

Status writeFull(int fd, const void *data, size_t size, int64_t deadlineMs,
                 const std::string &what) {
  return writeMessage(fd, data, size, -1, deadlineMs, what);
}

Status writeWithFd(int fd, const void *data, size_t size, int passFd,
                   int64_t deadlineMs, const std::string &what) {
  return writeMessage(fd, data, size, passFd, deadlineMs, what);
}

} // namespace tgc::hal::tinygpu
