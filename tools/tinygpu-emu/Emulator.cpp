//===- Emulator.cpp - a TinyGPU server with a pretend PCI device ----------===//

#include "tools/tinygpu-emu/Emulator.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tgc::tinygpu_emu {

using namespace hal::tinygpu;

namespace {

constexpr uint64_t kPageBytes = 4096;
constexpr uint32_t kConfigBytes = 4096;
constexpr uint32_t kPcieCapabilityAt = 0x40;
/// Bus addresses of system memory are handed out in runs of this size, so
/// that clients see (and must handle) more than one range.
constexpr uint64_t kBusRunBytes = 2ull << 20;
constexpr int64_t kPayloadTimeoutMs = 10000;

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool parseNumber(const std::string &text, uint64_t &out) {
  if (text.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text.c_str(), &end, 0);
  if (errno)
    return false;
  uint64_t scale = 1;
  std::string suffix = end;
  if (suffix == "K")
    scale = 1ull << 10;
  else if (suffix == "M")
    scale = 1ull << 20;
  else if (suffix == "G")
    scale = 1ull << 30;
  else if (!suffix.empty())
    return false;
  out = value * scale;
  return true;
}

void put(std::vector<uint8_t> &bytes, uint32_t at, uint64_t value, int size) {
  for (int i = 0; i < size; ++i)
    bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t get(const std::vector<uint8_t> &bytes, uint32_t at, int size) {
  uint64_t value = 0;
  for (int i = 0; i < size; ++i)
    value |= static_cast<uint64_t>(bytes[at + i]) << (8 * i);
  return value;
}

/// Memory shareable by file descriptor, like the server's shm_open.
int createSharedMemory(uint64_t size) {
#ifdef __linux__
  int fd = ::memfd_create("tinygpu-emu-sysmem", MFD_CLOEXEC);
#else
  char name[64];
  static std::atomic<unsigned> counter{0};
  std::snprintf(name, sizeof(name), "/tinygpu-emu-%d-%u", ::getpid(),
                counter++);
  int fd = ::shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
  if (fd >= 0)
    ::shm_unlink(name);
#endif
  if (fd < 0)
    return -1;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

bool parseDescription(const std::string &text, DeviceDescription &out,
                      std::string &error) {
  out = DeviceDescription();
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  bool haveVendor = false, haveDevice = false;
  while (std::getline(lines, line)) {
    ++number;
    size_t hash = line.find('#');
    if (hash != std::string::npos)
      line.resize(hash);
    line = trim(line);
    if (line.empty())
      continue;
    size_t eq = line.find('=');
    auto fail = [&](const std::string &why) {
      error = "line " + std::to_string(number) + ": " + why;
      return false;
    };
    if (eq == std::string::npos)
      return fail("expected key = value, got '" + line + "'");
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    uint64_t n = 0;
    bool numeric = parseNumber(value, n);
    auto needNumber = [&](uint64_t max) { return numeric && n <= max; };
    if (key == "name") {
      out.name = value;
    } else if (key == "vendor" && needNumber(0xffff)) {
      out.vendorId = static_cast<uint16_t>(n);
      haveVendor = true;
    } else if (key == "device" && needNumber(0xffff)) {
      out.deviceId = static_cast<uint16_t>(n);
      haveDevice = true;
    } else if (key == "class" && needNumber(0xffffff)) {
      out.classCode = static_cast<uint32_t>(n);
    } else if (key == "revision" && needNumber(0xff)) {
      out.revision = static_cast<uint8_t>(n);
    } else if (key.size() == 4 && key.compare(0, 3, "bar") == 0 &&
               key[3] >= '0' && key[3] < '0' + int(kMaxBars)) {
      if (!numeric || (n & (n - 1)) != 0 || (n && n < kPageBytes) ||
          n > (64ull << 30))
        return fail(key + " must be 0 or a power of two from 4K to 64G");
      out.barSizes[key[3] - '0'] = n;
    } else if (key == "pcie") {
      if (value != "yes" && value != "no")
        return fail("pcie must be yes or no");
      out.pcieCapability = value == "yes";
    } else if (key == "link_gen" && needNumber(6) && n >= 1) {
      out.linkGeneration = static_cast<int>(n);
    } else if (key == "link_width" && needNumber(32) && n >= 1) {
      out.linkWidth = static_cast<int>(n);
    } else if (key == "max_link_gen" && needNumber(6) && n >= 1) {
      out.maxLinkGeneration = static_cast<int>(n);
    } else if (key == "max_link_width" && needNumber(32) && n >= 1) {
      out.maxLinkWidth = static_cast<int>(n);
    } else if (key.compare(0, 7, "config@") == 0) {
      uint64_t at = 0;
      if (!parseNumber(key.substr(7), at) || at >= kConfigBytes)
        return fail("config@OFFSET needs an offset below 4096");
      std::vector<uint8_t> bytes;
      std::istringstream words(value);
      std::string word;
      while (words >> word) {
        uint64_t b = 0;
        if (!parseNumber("0x" + word, b) || b > 0xff || word.size() > 2)
          return fail("config bytes are two-digit hex bytes, got '" + word +
                      "'");
        bytes.push_back(static_cast<uint8_t>(b));
      }
      if (bytes.empty() || at + bytes.size() > kConfigBytes)
        return fail("config bytes must be given and fit in 4096 bytes");
      out.configBytes.emplace_back(static_cast<uint32_t>(at), bytes);
    } else {
      return fail("unknown key or bad value: '" + line + "'");
    }
  }
  if (!haveVendor || !haveDevice) {
    error = "the description needs vendor and device";
    return false;
  }
  return true;
}

Emulator::Emulator(DeviceDescription description, EmulatorOptions options)
    : description_(std::move(description)), options_(options) {
  resetConfig();
  for (uint32_t bar = 0; bar < kMaxBars; ++bar) {
    uint64_t size = description_.barSizes[bar];
    if (!size)
      continue;
    // Untouched pages cost nothing, so BARs of real sizes are fine.
    void *memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS
#ifdef MAP_NORESERVE
                              | MAP_NORESERVE
#endif
                          ,
                          -1, 0);
    bars_[bar] =
        memory == MAP_FAILED ? nullptr : static_cast<uint8_t *>(memory);
    if (!bars_[bar])
      description_.barSizes[bar] = 0;
  }
}

Emulator::~Emulator() {
  dropSysmem();
  for (uint32_t bar = 0; bar < kMaxBars; ++bar)
    if (bars_[bar])
      ::munmap(bars_[bar], description_.barSizes[bar]);
  if (listener_ && endpoint_.kind == Endpoint::Kind::Unix)
    ::unlink(endpoint_.path.c_str());
}

void Emulator::resetConfig() {
  const DeviceDescription &d = description_;
  config_.assign(kConfigBytes, 0);
  put(config_, 0x00, d.vendorId, 2);
  put(config_, 0x02, d.deviceId, 2);
  put(config_, 0x04, 0x0006, 2); // memory space and bus master enabled
  put(config_, 0x06, d.pcieCapability ? 0x0010 : 0, 2);
  put(config_, 0x08, d.revision, 1);
  put(config_, 0x09, d.classCode, 3);
  // 32-bit memory BARs at made-up addresses: sizes come from MAP_BAR.
  for (uint32_t bar = 0; bar < kMaxBars; ++bar)
    if (d.barSizes[bar])
      put(config_, 0x10 + 4 * bar, 0xa0000000u + 0x01000000u * bar, 4);
  if (d.pcieCapability) {
    uint32_t at = kPcieCapabilityAt;
    put(config_, 0x34, at, 1);
    put(config_, at + 0x00, 0x10, 1);   // PCI Express, last capability
    put(config_, at + 0x02, 0x0002, 2); // version 2, endpoint
    put(config_, at + 0x0c,
        static_cast<uint64_t>(d.maxLinkGeneration) |
            (static_cast<uint64_t>(d.maxLinkWidth) << 4),
        4);
    put(config_, at + 0x12,
        static_cast<uint64_t>(d.linkGeneration) |
            (static_cast<uint64_t>(d.linkWidth) << 4),
        2);
  }
  for (const auto &[at, bytes] : d.configBytes)
    for (size_t i = 0; i < bytes.size(); ++i)
      config_[at + i] = bytes[i];
}

void Emulator::dropSysmem() {
  for (Sysmem &m : sysmem_) {
    if (m.data)
      ::munmap(m.data, m.size);
    if (m.fd >= 0)
      ::close(m.fd);
  }
  sysmem_.clear();
}

Status Emulator::listen(const std::string &endpointText) {
  if (Status s = parseEndpoint(endpointText, endpoint_); !s)
    return s;
  uint16_t port = 0;
  if (Status s = listenEndpoint(endpoint_, listener_, port); !s)
    return s;
  if (endpoint_.kind == Endpoint::Kind::Tcp)
    endpoint_.port = port;
  return Status();
}

void Emulator::serve() {
  while (!stopping_) {
    pollfd pfd{listener_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0)
      continue;
    int client = ::accept(listener_.get(), nullptr, nullptr);
    if (client < 0)
      continue;
#ifdef SO_NOSIGPIPE
    // macOS has no MSG_NOSIGNAL: a client that leaves must not kill the
    // emulator (or the test process it runs in) with SIGPIPE.
    int one = 1;
    ::setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
    serveClient(client);
    ::close(client);
    dropSysmem();
  }
}

void Emulator::serveClient(int fd) {
  while (!stopping_) {
    pollfd pfd{fd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 100);
    if (ready == 0)
      continue;
    if (ready < 0 && errno == EINTR)
      continue;
    uint8_t bytes[kRequestBytes];
    if (ready < 0 || !readFull(fd, bytes, sizeof(bytes),
                               nowMs() + kPayloadTimeoutMs, "a request"))
      return; // the client left
    Request request = decodeRequest(bytes);
    if (request.command == options_.stallOnCommand) {
      while (!stopping_)
        ::usleep(20000);
      return;
    }
    if (!handle(fd, request))
      return;
  }
}

bool Emulator::reply(int fd, const Reply &r, const void *data, size_t size,
                     int passFd) {
  uint8_t bytes[kReplyBytes];
  encodeReply(r, bytes);
  int64_t deadline = nowMs() + kPayloadTimeoutMs;
  Status s =
      passFd >= 0
          ? writeWithFd(fd, bytes, sizeof(bytes), passFd, deadline, "a reply")
          : writeFull(fd, bytes, sizeof(bytes), deadline, "a reply");
  if (s && size)
    s = writeFull(fd, data, size, deadline, "reply data");
  return s.ok();
}

bool Emulator::replyError(int fd, const std::string &message) {
  Reply r;
  r.status = kStatusError;
  r.value[0] = message.size();
  return reply(fd, r, message.data(), message.size());
}

Status Emulator::allocateSysmem(uint64_t size, Sysmem &out) {
  // Like the server: whole pages, at least 16 KiB.
  uint64_t bytes = (size + kPageBytes - 1) / kPageBytes * kPageBytes;
  if (bytes < 0x4000)
    bytes = 0x4000;
  int fd = createSharedMemory(bytes);
  if (fd < 0)
    return Status::error(std::string("cannot create shared memory: ") +
                         std::strerror(errno));
  void *data =
      ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) {
    ::close(fd);
    return Status::error(std::string("cannot map shared memory: ") +
                         std::strerror(errno));
  }
  out.fd = fd;
  out.data = static_cast<uint8_t *>(data);
  out.size = bytes;
  out.busAddress = nextBusAddress_;
  // MAP_SYSMEM_FD spreads the runs over twice the size (see handle).
  nextBusAddress_ += 2 * bytes + kBusRunBytes;
  return Status();
}

bool Emulator::handle(int fd, const Request &q) {
  Reply r;
  auto payloadCheck = [&](uint64_t size) { return size <= kMaxBulkBytes; };
  switch (static_cast<Command>(q.command)) {
  case Command::Probe: {
    // The payload (vendor/device filters) is read and not needed: the
    // emulator has one device, 0.
    if (q.arg[0] > kMaxErrorMessageBytes)
      return false;
    std::vector<uint8_t> payload(q.arg[0]);
    if (q.arg[0] && !readFull(fd, payload.data(), payload.size(),
                              nowMs() + kPayloadTimeoutMs, "the PROBE payload"))
      return false;
    std::string list = "0";
    r.value[0] = list.size();
    return reply(fd, r, list.data(), list.size());
  }
  case Command::Ping:
    return reply(fd, r);
  case Command::MapBar:
    if (q.bar >= kMaxBars || !description_.barSizes[q.bar])
      return replyError(fd, "BAR " + std::to_string(q.bar) +
                                " is not implemented by the device");
    r.value[0] = 0xa0000000u + 0x01000000u * q.bar;
    r.value[1] = description_.barSizes[q.bar];
    return reply(fd, r);
  case Command::ResizeBar:
    if (q.bar >= kMaxBars || !description_.barSizes[q.bar])
      return replyError(fd, "BAR " + std::to_string(q.bar) +
                                " is not implemented by the device");
    return reply(fd, r);
  case Command::ConfigRead:
  case Command::ConfigWrite: {
    uint64_t offset = q.arg[0], size = q.arg[1];
    if ((size != 1 && size != 2 && size != 4) || offset >= kConfigBytes ||
        size > kConfigBytes - offset)
      return replyError(fd, "config access of " + std::to_string(size) +
                                " bytes at " + std::to_string(offset) +
                                " is invalid");
    if (q.command == static_cast<uint8_t>(Command::ConfigRead)) {
      r.value[0] =
          get(config_, static_cast<uint32_t>(offset), static_cast<int>(size));
    } else if (offset >= 4) { // vendor and device ids are read-only
      put(config_, static_cast<uint32_t>(offset), q.arg[2],
          static_cast<int>(size));
    }
    return reply(fd, r);
  }
  case Command::Reset:
    resetConfig();
    return reply(fd, r);
  case Command::MmioRead:
  case Command::SysmemRead: {
    bool mmio = q.command == static_cast<uint8_t>(Command::MmioRead);
    uint8_t *base = nullptr;
    uint64_t limit = 0;
    if (mmio && q.bar < kMaxBars && bars_[q.bar]) {
      base = bars_[q.bar];
      limit = description_.barSizes[q.bar];
    } else if (!mmio && q.bar < sysmem_.size()) {
      base = sysmem_[q.bar].data;
      limit = sysmem_[q.bar].size;
    }
    uint64_t offset = q.arg[0], size = q.arg[1];
    if (!base || !payloadCheck(size) || offset > limit || size > limit - offset)
      return replyError(fd, std::string(commandName(q.command)) + " of " +
                                std::to_string(size) + " bytes at " +
                                std::to_string(offset) +
                                " is outside the memory");
    r.value[0] = size;
    return reply(fd, r, base + offset, size);
  }
  case Command::MmioWrite:
  case Command::SysmemWrite: {
    // Posted: no reply. A size the server's buffer cannot hold leaves the
    // stream unreadable, so the connection ends.
    bool mmio = q.command == static_cast<uint8_t>(Command::MmioWrite);
    uint64_t offset = q.arg[0], size = q.arg[1];
    if (!payloadCheck(size))
      return false;
    std::vector<uint8_t> payload(size);
    if (size && !readFull(fd, payload.data(), size, nowMs() + kPayloadTimeoutMs,
                          "write data"))
      return false;
    uint8_t *base = nullptr;
    uint64_t limit = 0;
    if (mmio && q.bar < kMaxBars && bars_[q.bar]) {
      base = bars_[q.bar];
      limit = description_.barSizes[q.bar];
    } else if (!mmio && q.bar < sysmem_.size()) {
      base = sysmem_[q.bar].data;
      limit = sysmem_[q.bar].size;
    }
    // Like the server, an out-of-range write is dropped silently.
    if (base && offset <= limit && size <= limit - offset && size)
      std::memcpy(base + offset, payload.data(), size);
    return true;
  }
  case Command::MapSysmemFd:
  case Command::MapSysmem: {
    uint64_t size = q.arg[0];
    if (size == 0 || size > (4ull << 30))
      return replyError(fd, "cannot allocate " + std::to_string(size) +
                                " bytes of system memory");
    Sysmem m;
    if (Status s = allocateSysmem(size, m); !s)
      return replyError(fd, s.message());
    sysmem_.push_back(m);
    uint64_t handle = sysmem_.size() - 1;
    if (q.command == static_cast<uint8_t>(Command::MapSysmemFd)) {
      // (bus address, size) pairs in runs, ended by (0, 0), at the start.
      uint64_t at = 0;
      for (uint64_t done = 0; done < m.size; done += kBusRunBytes, at += 16) {
        uint64_t run = std::min(kBusRunBytes, m.size - done);
        uint64_t address = m.busAddress + done * 2; // runs are not adjacent
        std::memcpy(m.data + at, &address, 8);
        std::memcpy(m.data + at + 8, &run, 8);
      }
      std::memset(m.data + at, 0, 16);
      r.value[0] = m.size;
      r.value[1] = handle;
      return reply(fd, r, nullptr, 0, m.fd);
    }
    uint64_t pages = (size + kPageBytes - 1) / kPageBytes;
    std::vector<uint64_t> addresses(pages);
    for (uint64_t p = 0; p < pages; ++p)
      addresses[p] = m.busAddress + p * kPageBytes;
    r.value[0] = pages * 8;
    r.value[1] = handle;
    return reply(fd, r, addresses.data(), pages * 8);
  }
  }
  return replyError(fd, "unknown command " + std::to_string(q.command));
}

} // namespace tgc::tinygpu_emu
