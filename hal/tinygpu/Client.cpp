//===- Client.cpp - a client of the TinyGPU server ------------------------===//

#include "hal/tinygpu/Client.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tgc::hal::tinygpu {

namespace {
constexpr uint64_t kPageBytes = 4096;
constexpr uint32_t kConfigSpaceBytes = 4096;
} // namespace

SharedSysmem::SharedSysmem(int fd, void *data, size_t size, uint64_t handle,
                           std::vector<BusRange> ranges)
    : fd_(fd), data_(data), size_(size), handle_(handle),
      ranges_(std::move(ranges)) {}

SharedSysmem::~SharedSysmem() {
  if (data_)
    ::munmap(data_, size_);
  if (fd_ >= 0)
    ::close(fd_);
}

std::string defaultSocketPath() {
  const char *tmp = std::getenv("TMPDIR");
  std::string dir = tmp && *tmp ? tmp : "/tmp";
  if (dir.back() != '/')
    dir += '/';
  return dir + "tinygpu.sock";
}

Status Client::connect(const std::string &endpointText,
                       const ClientOptions &options,
                       std::unique_ptr<Client> &out) {
  Endpoint endpoint;
  if (Status s = parseEndpoint(endpointText, endpoint); !s)
    return s;
  UniqueFd fd;
  if (Status s = connectEndpoint(endpoint, options.timeoutMs, fd); !s)
    return s;
  out.reset(new Client(std::move(endpoint), std::move(fd), options));
  return Status();
}

Status Client::error(const std::string &message) const {
  return Status::error("TinyGPU server at " + endpoint_.text() + ": " +
                       message);
}

Status Client::checkUsable() const {
  if (!broken_.empty())
    return Status::error("TinyGPU server at " + endpoint_.text() +
                         ": the connection is unusable after an earlier "
                         "error (" +
                         broken_ + ")");
  return Status();
}

Status Client::fail(const Status &status) {
  if (broken_.empty())
    broken_ = status.message();
  fd_.reset();
  return status;
}

Status Client::send(Command command, uint32_t bar, uint64_t arg0, uint64_t arg1,
                    uint64_t arg2, const void *payload, size_t payloadSize) {
  if (Status s = checkUsable(); !s)
    return s;
  Request request;
  request.command = static_cast<uint8_t>(command);
  request.deviceId = options_.deviceId;
  request.bar = bar;
  request.arg[0] = arg0;
  request.arg[1] = arg1;
  request.arg[2] = arg2;
  uint8_t bytes[kRequestBytes];
  encodeRequest(request, bytes);
  int64_t deadline = nowMs() + options_.timeoutMs;
  std::string what = std::string("the ") + commandName(request.command) +
                     " request to " + endpoint_.text();
  if (Status s = writeFull(fd_.get(), bytes, sizeof(bytes), deadline, what); !s)
    return fail(error(s.message()));
  if (payloadSize) {
    if (Status s = writeFull(fd_.get(), payload, payloadSize, deadline, what);
        !s)
      return fail(error(s.message()));
  }
  return Status();
}

Status Client::read(void *data, size_t size, const std::string &what,
                    int *passedFd) {
  int64_t deadline = nowMs() + options_.timeoutMs;
  if (Status s = readFull(fd_.get(), data, size, deadline, what, passedFd); !s)
    return fail(error(s.message() +
                      " (did the server stop, the eGPU disconnect, or "
                      "another program hold the server, which serves "
                      "one client at a time?)"));
  return Status();
}

Status Client::call(Command command, uint32_t bar, uint64_t arg0, uint64_t arg1,
                    uint64_t arg2, Reply &reply, int *passedFd) {
  if (Status s = send(command, bar, arg0, arg1, arg2, nullptr, 0); !s)
    return s;
  const char *name = commandName(static_cast<uint8_t>(command));
  uint8_t bytes[kReplyBytes];
  if (Status s = read(bytes, sizeof(bytes), std::string("the reply to ") + name,
                      passedFd);
      !s)
    return s;
  reply = decodeReply(bytes);
  if (reply.status == kStatusOk)
    return Status();
  if (passedFd && *passedFd >= 0) {
    ::close(*passedFd);
    *passedFd = -1;
  }
  if (reply.status != kStatusError)
    return fail(error(std::string("the reply to ") + name +
                      " has an unknown status " +
                      std::to_string(reply.status)));
  // An error reply carries the length of a message that follows.
  uint64_t length = reply.value[0];
  if (length > kMaxErrorMessageBytes)
    return fail(error(std::string(name) + " failed with a message of " +
                      std::to_string(length) +
                      " bytes, more than a server sends: the stream is "
                      "out of step"));
  std::string message(length, '\0');
  if (length &&
      !read(&message[0], length, std::string("the error message of ") + name))
    return Status::error(broken_);
  return error(std::string(name) + " failed: " +
               (message.empty() ? "the server gave no reason" : message));
}

Status Client::probe(uint16_t vendor, uint8_t baseClass,
                     std::vector<std::string> &names) {
  names.clear();
  Reply reply;
  if (Status s = call(Command::Probe, baseClass, 0, vendor, 0, reply); !s)
    return s;
  uint64_t length = reply.value[0];
  if (length > kMaxErrorMessageBytes)
    return fail(error("PROBE announced a device list of " +
                      std::to_string(length) + " bytes"));
  std::string text(length, '\0');
  if (length && !read(&text[0], length, "the device list of PROBE"))
    return Status::error(broken_);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start)
      names.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return Status();
}

Status Client::ping() {
  Reply reply;
  return call(Command::Ping, 0, 0, 0, 0, reply);
}

Status Client::configRead(uint32_t offset, uint32_t size, uint64_t &value) {
  if ((size != 1 && size != 2 && size != 4) || offset >= kConfigSpaceBytes ||
      size > kConfigSpaceBytes - offset)
    return error("config read of " + std::to_string(size) +
                 " bytes at offset " + std::to_string(offset) +
                 " is outside the 4 KiB config space or not 1, 2 or 4 bytes");
  Reply reply;
  if (Status s = call(Command::ConfigRead, 0, offset, size, 0, reply); !s)
    return s;
  if (size < 8 && (reply.value[0] >> (8 * size)) != 0)
    return error("config read of " + std::to_string(size) +
                 " bytes returned a wider value " +
                 std::to_string(reply.value[0]));
  value = reply.value[0];
  return Status();
}

Status Client::configWrite(uint32_t offset, uint32_t size, uint64_t value) {
  if ((size != 1 && size != 2 && size != 4) || offset >= kConfigSpaceBytes ||
      size > kConfigSpaceBytes - offset)
    return error("config write of " + std::to_string(size) +
                 " bytes at offset " + std::to_string(offset) +
                 " is outside the 4 KiB config space or not 1, 2 or 4 bytes");
  if ((value >> (8 * size)) != 0)
    return error("config write value does not fit in " + std::to_string(size) +
                 " bytes");
  Reply reply;
  return call(Command::ConfigWrite, 0, offset, size, value, reply);
}

Status Client::reset() {
  Reply reply;
  if (Status s = call(Command::Reset, 0, 0, 0, 0, reply); !s)
    return s;
  // A reset may move BARs.
  bars_.clear();
  return Status();
}

Status Client::mapBar(uint32_t bar, BarInfo &out) {
  if (bar >= kMaxBars)
    return error("BAR " + std::to_string(bar) + " does not exist (0-" +
                 std::to_string(kMaxBars - 1) + ")");
  auto known = bars_.find(bar);
  if (known != bars_.end()) {
    out = known->second;
    return Status();
  }
  Reply reply;
  if (Status s = call(Command::MapBar, bar, 0, 0, 0, reply); !s)
    return s;
  if (reply.value[1] == 0)
    return error("BAR " + std::to_string(bar) + " has size 0");
  out = BarInfo{reply.value[0], reply.value[1]};
  bars_[bar] = out;
  return Status();
}

Status Client::resizeBar(uint32_t bar) {
  if (bar >= kMaxBars)
    return error("BAR " + std::to_string(bar) + " does not exist");
  Reply reply;
  if (Status s = call(Command::ResizeBar, bar, 0, 0, 0, reply); !s)
    return s;
  bars_.erase(bar);
  return Status();
}

Status Client::checkBarRange(uint32_t bar, uint64_t offset, uint64_t size,
                             const char *operation) {
  BarInfo info;
  if (Status s = mapBar(bar, info); !s)
    return s;
  if (offset > info.size || size > info.size - offset)
    return error(std::string(operation) + " of " + std::to_string(size) +
                 " bytes at offset " + std::to_string(offset) +
                 " is outside BAR " + std::to_string(bar) + " (" +
                 std::to_string(info.size) + " bytes)");
  return Status();
}

Status Client::mmioRead(uint32_t bar, uint64_t offset, void *data,
                        size_t size) {
  if (Status s = checkBarRange(bar, offset, size, "MMIO read"); !s)
    return s;
  auto *bytes = static_cast<uint8_t *>(data);
  for (size_t done = 0; done < size;) {
    uint64_t chunk = std::min<uint64_t>(size - done, kMaxBulkBytes);
    Reply reply;
    if (Status s = call(Command::MmioRead, bar, offset + done, chunk, 0, reply);
        !s)
      return s;
    if (reply.value[0] != chunk)
      return fail(error("MMIO_READ of " + std::to_string(chunk) +
                        " bytes announced " + std::to_string(reply.value[0])));
    if (Status s = read(bytes + done, chunk, "the data of MMIO_READ"); !s)
      return s;
    done += chunk;
  }
  return Status();
}

Status Client::mmioWrite(uint32_t bar, uint64_t offset, const void *data,
                         size_t size) {
  if (Status s = checkBarRange(bar, offset, size, "MMIO write"); !s)
    return s;
  const auto *bytes = static_cast<const uint8_t *>(data);
  for (size_t done = 0; done < size;) {
    uint64_t chunk = std::min<uint64_t>(size - done, kMaxBulkBytes);
    if (Status s = send(Command::MmioWrite, bar, offset + done, chunk, 0,
                        bytes + done, chunk);
        !s)
      return s;
    done += chunk;
  }
  return Status();
}

Status Client::mapSysmemFd(uint64_t size, bool contiguous,
                           std::unique_ptr<SharedSysmem> &out) {
  if (endpoint_.kind != Endpoint::Kind::Unix)
    return error("MAP_SYSMEM_FD passes a file descriptor, which needs a "
                 "Unix socket; over TCP use MAP_SYSMEM");
  if (size == 0)
    return error("MAP_SYSMEM_FD of 0 bytes");
  Reply reply;
  int received = -1;
  if (Status s = call(Command::MapSysmemFd, 0, size, contiguous ? 1 : 0, 0,
                      reply, &received);
      !s)
    return s;
  UniqueFd fd(received);
  uint64_t mapped = reply.value[0];
  if (!fd)
    return error("MAP_SYSMEM_FD succeeded but passed no file descriptor");
  if (mapped < size || mapped % kPageBytes != 0 ||
      mapped > size + (64ull << 20) + kPageBytes * 16)
    return error("MAP_SYSMEM_FD of " + std::to_string(size) +
                 " bytes returned a mapping of " + std::to_string(mapped) +
                 " bytes");
  // Pages of a mapping past the end of the file fault (SIGBUS) when
  // touched: a server that claims more than it passed must be an error.
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || st.st_size < 0 ||
      static_cast<uint64_t>(st.st_size) < mapped)
    return error("MAP_SYSMEM_FD announced " + std::to_string(mapped) +
                 " bytes but passed a file of " +
                 std::to_string(static_cast<long long>(st.st_size)) + " bytes");
  void *data =
      ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (data == MAP_FAILED)
    return error(
        "cannot map the " + std::to_string(mapped) +
        "-byte system memory the server passed: " + std::strerror(errno));
  // The mapping starts with (bus address, size) pairs ended by (0, 0).
  std::vector<BusRange> ranges;
  const auto *words = static_cast<const uint8_t *>(data);
  uint64_t covered = 0;
  bool ended = false;
  for (uint64_t at = 0; at + 16 <= mapped; at += 16) {
    uint64_t address, length;
    std::memcpy(&address, words + at, 8);
    std::memcpy(&length, words + at + 8, 8);
    if (length == 0) {
      ended = true;
      break;
    }
    ranges.push_back(BusRange{address, length});
    covered += length;
  }
  if (!ended || covered < size) {
    ::munmap(data, mapped);
    return error(std::string("the system memory from MAP_SYSMEM_FD ") +
                 (!ended ? "has no end to its bus address list"
                         : "lists bus addresses for only " +
                               std::to_string(covered) + " of " +
                               std::to_string(size) + " bytes"));
  }
  out = std::make_unique<SharedSysmem>(fd.release(), data, mapped,
                                       reply.value[1], std::move(ranges));
  return Status();
}

Status Client::mapSysmem(uint64_t size, bool contiguous, RemoteSysmem &out) {
  if (size == 0)
    return error("MAP_SYSMEM of 0 bytes");
  Reply reply;
  if (Status s =
          call(Command::MapSysmem, 0, size, contiguous ? 1 : 0, 0, reply);
      !s)
    return s;
  uint64_t pages = (size + kPageBytes - 1) / kPageBytes;
  uint64_t length = reply.value[0];
  // Exactly one address per page: anything else leaves unread bytes in the
  // stream or the caller without addresses.
  if (length != pages * 8)
    return fail(error("MAP_SYSMEM of " + std::to_string(size) +
                      " bytes announced " + std::to_string(length) +
                      " bytes of bus addresses, expected " +
                      std::to_string(pages * 8)));
  std::vector<uint8_t> raw(length);
  if (Status s = read(raw.data(), length, "the bus addresses of MAP_SYSMEM");
      !s)
    return s;
  out.handle = reply.value[1];
  out.size = size;
  out.pageBusAddresses.resize(pages);
  std::memcpy(out.pageBusAddresses.data(), raw.data(), length);
  return Status();
}

Status Client::sysmemRead(const RemoteSysmem &memory, uint64_t offset,
                          void *data, size_t size) {
  if (offset > memory.size || size > memory.size - offset)
    return error("SYSMEM_READ outside the system memory");
  auto *bytes = static_cast<uint8_t *>(data);
  for (size_t done = 0; done < size;) {
    uint64_t chunk = std::min<uint64_t>(size - done, kMaxBulkBytes);
    Reply reply;
    if (Status s =
            call(Command::SysmemRead, static_cast<uint32_t>(memory.handle),
                 offset + done, chunk, 0, reply);
        !s)
      return s;
    if (reply.value[0] != chunk)
      return fail(error("SYSMEM_READ of " + std::to_string(chunk) +
                        " bytes announced " + std::to_string(reply.value[0])));
    if (Status s = read(bytes + done, chunk, "the data of SYSMEM_READ"); !s)
      return s;
    done += chunk;
  }
  return Status();
}

Status Client::sysmemWrite(const RemoteSysmem &memory, uint64_t offset,
                           const void *data, size_t size) {
  if (offset > memory.size || size > memory.size - offset)
    return error("SYSMEM_WRITE outside the system memory");
  const auto *bytes = static_cast<const uint8_t *>(data);
  for (size_t done = 0; done < size;) {
    uint64_t chunk = std::min<uint64_t>(size - done, kMaxBulkBytes);
    if (Status s =
            send(Command::SysmemWrite, static_cast<uint32_t>(memory.handle),
                 offset + done, chunk, 0, bytes + done, chunk);
        !s)
      return s;
    done += chunk;
  }
  return Status();
}

} // namespace tgc::hal::tinygpu
