//===- Emulator.h - a TinyGPU server with a pretend PCI device --*- C++ -*-===//
//
// Serves TinyGPU.app's protocol (hal/tinygpu/Protocol.h) on a Unix socket or
// TCP port for a PCI device described by a small key=value file: ids, class,
// BAR sizes, a PCI Express capability with a link speed and width, and raw
// config-space bytes. BARs and system memory are ordinary memory, so the
// transport and discovery are tested end to end without an eGPU. Like the
// real server it serves one client at a time and drops a client's system
// memory when it disconnects.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_TOOLS_TINYGPU_EMU_EMULATOR_H
#define TGC_TOOLS_TINYGPU_EMU_EMULATOR_H

#include "hal/Device.h"
#include "hal/tinygpu/Protocol.h"
#include "hal/tinygpu/Socket.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tgc::tinygpu_emu {

using hal::Status;

struct DeviceDescription {
  std::string name;
  uint16_t vendorId = 0;
  uint16_t deviceId = 0;
  uint32_t classCode = 0x030000; // VGA controller
  uint8_t revision = 0;
  uint64_t barSizes[hal::tinygpu::kMaxBars] = {};
  bool pcieCapability = true;
  int linkGeneration = 3, linkWidth = 4;        // what Thunderbolt gives
  int maxLinkGeneration = 4, maxLinkWidth = 16; // what the card could do
  /// Raw bytes written over the generated config space last.
  std::vector<std::pair<uint32_t, std::vector<uint8_t>>> configBytes;
};

/// Parses the key=value description (see tools/tinygpu-emu/README or the
/// files in test/tools/tinygpu/Inputs). `error` names the line at fault.
bool parseDescription(const std::string &text, DeviceDescription &out,
                      std::string &error);

struct EmulatorOptions {
  /// Test hook: after reading a request with this command, stop answering
  /// (as a server that hangs or is about to be killed). -1: never.
  int stallOnCommand = -1;
};

class Emulator {
public:
  Emulator(DeviceDescription description, EmulatorOptions options = {});
  ~Emulator();
  Emulator(const Emulator &) = delete;
  Emulator &operator=(const Emulator &) = delete;

  /// Binds `endpoint` ("unix:/path", "/path", "tcp:127.0.0.1:0"...).
  Status listen(const std::string &endpoint);
  /// The endpoint clients should use (TCP: with the port actually bound).
  std::string endpoint() const { return endpoint_.text(); }
  /// Serves clients until stop().
  void serve();
  /// Async-signal-safe: serve() returns within about 100 ms.
  void stop() { stopping_ = true; }

private:
  struct Sysmem {
    int fd = -1;
    uint8_t *data = nullptr;
    uint64_t size = 0;
    uint64_t busAddress = 0;
  };

  void serveClient(int fd);
  /// Returns false when the connection must end.
  bool handle(int fd, const hal::tinygpu::Request &request);
  bool reply(int fd, const hal::tinygpu::Reply &reply,
             const void *data = nullptr, size_t size = 0, int passFd = -1);
  bool replyError(int fd, const std::string &message);
  void resetConfig();
  void dropSysmem();
  Status allocateSysmem(uint64_t size, Sysmem &out);

  DeviceDescription description_;
  EmulatorOptions options_;
  hal::tinygpu::Endpoint endpoint_;
  hal::tinygpu::UniqueFd listener_;
  std::atomic<bool> stopping_{false};
  std::vector<uint8_t> config_;
  uint8_t *bars_[hal::tinygpu::kMaxBars] = {};
  std::vector<Sysmem> sysmem_;
  uint64_t nextBusAddress_ = 0x100000000ull;
};

} // namespace tgc::tinygpu_emu

#endif // TGC_TOOLS_TINYGPU_EMU_EMULATOR_H
