//===- Protocol.h - the TinyGPU server's wire format ------------*- C++ -*-===//
//
// TinyGPU.app serves the raw PCI device of an eGPU over a stream socket (Unix
// or TCP). Each request is a fixed 33-byte little-endian record, optionally
// followed by payload bytes; each reply is a fixed 17-byte record, optionally
// followed by bytes (read data, an error message) and, for MAP_SYSMEM_FD, a
// file descriptor passed with SCM_RIGHTS. Shared by the client (Client.h) and
// the test emulator (tools/tinygpu-emu) so that both agree on every byte.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_TINYGPU_PROTOCOL_H
#define TGC_HAL_TINYGPU_PROTOCOL_H

#include <cstddef>
#include <cstdint>

namespace tgc::hal::tinygpu {

/// Command numbers as the server knows them. Arguments per command:
///  Probe        bar=PCI base class, arg0=payload bytes, arg1=vendor; reply
///               value0 = bytes of a '\n'-separated device list that follow.
///  MapBar       bar=index; reply (address in the server, size).
///  MapSysmemFd  arg0=size, arg1=contiguous; reply (mapped size, handle) and
///               a file descriptor; the mapping starts with (bus address,
///               size) u64 pairs ended by (0, 0).
///  ConfigRead   arg0=offset, arg1=size; reply value0 = the value.
///  ConfigWrite  arg0=offset, arg1=size, arg2=value.
///  Reset        -
///  MmioRead     bar=index, arg0=offset, arg1=size; reply value0 = size and
///               `size` bytes follow.
///  MmioWrite    bar=index, arg0=offset, arg1=size, `size` bytes follow the
///               request; posted: there is no reply.
///  MapSysmem    arg0=size, arg1=contiguous; reply (bytes of u64 page bus
///               addresses that follow, handle).
///  SysmemRead   bar=handle, like MmioRead.
///  SysmemWrite  bar=handle, like MmioWrite (posted).
///  ResizeBar    bar=index.
///  Ping         -
enum class Command : uint8_t {
  Probe = 0,
  MapBar = 1,
  MapSysmemFd = 2,
  ConfigRead = 3,
  ConfigWrite = 4,
  Reset = 5,
  MmioRead = 6,
  MmioWrite = 7,
  MapSysmem = 8,
  SysmemRead = 9,
  SysmemWrite = 10,
  ResizeBar = 11,
  Ping = 12,
};

/// The name of a command for messages ("MMIO_READ"), "command N" if unknown.
const char *commandName(uint8_t command);

constexpr size_t kRequestBytes = 33;
constexpr size_t kReplyBytes = 17;
constexpr uint8_t kStatusOk = 0;
constexpr uint8_t kStatusError = 1;
/// The server moves bulk data through one buffer of this size: larger
/// transfers are split by the client.
constexpr uint64_t kMaxBulkBytes = 64ull << 20;
/// An error reply's message longer than this is a broken server, not a
/// message worth reading.
constexpr uint64_t kMaxErrorMessageBytes = 64 << 10;
/// TinyGPU.app's server has six BARs.
constexpr uint32_t kMaxBars = 6;
/// The port tinygrad's remote PCI client uses when none is given.
constexpr uint16_t kDefaultTcpPort = 6667;

struct Request {
  uint8_t command = 0;
  uint32_t deviceId = 0;
  uint32_t bar = 0;
  uint64_t arg[3] = {0, 0, 0};
};

struct Reply {
  uint8_t status = kStatusOk;
  uint64_t value[2] = {0, 0};
};

void encodeRequest(const Request &request, uint8_t out[kRequestBytes]);
Request decodeRequest(const uint8_t in[kRequestBytes]);
void encodeReply(const Reply &reply, uint8_t out[kReplyBytes]);
Reply decodeReply(const uint8_t in[kReplyBytes]);

} // namespace tgc::hal::tinygpu

#endif // TGC_HAL_TINYGPU_PROTOCOL_H
