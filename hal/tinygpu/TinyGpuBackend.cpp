//===- TinyGpuBackend.cpp - TinyGPU devices in the device list ------------===//
//
// Discovery only: each configured TinyGPU server is asked for its device's
// config space and BARs, which say what the GPU is and how it is connected.
// Running kernels needs a userspace driver (firmware boot, page tables,
// command queues) that tgc does not have yet, so opening one is an error
// that says so rather than a fallback to another device.
//
//===----------------------------------------------------------------------===//

#include "hal/Device.h"
#include "hal/tinygpu/Client.h"
#include "hal/tinygpu/PciInfo.h"

#include <cstdio>
#include <cstdlib>

#include <sys/stat.h>

namespace tgc::hal {

namespace {

/// Listing must not stall a tool for long when a server is stuck.
constexpr int kListTimeoutMs = 2000;

const char *kBringUpMissing =
    "running kernels on it needs the userspace GPU bring-up (firmware boot, "
    "page tables, command queues), which tgc does not have yet "
    "(docs/egpu.md)";

std::vector<std::string> configuredEndpoints() {
  std::vector<std::string> endpoints;
  const char *env = std::getenv("TGC_TINYGPU_SOCKET");
  if (env && *env) {
    std::string list = env;
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos)
        comma = list.size();
      if (comma > start)
        endpoints.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
    return endpoints;
  }
#ifdef __APPLE__
  // Only a socket that exists: listing devices must not start TinyGPU.app.
  struct stat st;
  std::string path = tinygpu::defaultSocketPath();
  if (::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode))
    endpoints.push_back(path);
#endif
  return endpoints;
}

std::string mib(uint64_t bytes) {
  char text[32];
  if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
    std::snprintf(text, sizeof(text), "%llu GiB",
                  static_cast<unsigned long long>(bytes >> 30));
  else if (bytes >= (1ull << 20))
    std::snprintf(text, sizeof(text), "%llu MiB",
                  static_cast<unsigned long long>(bytes >> 20));
  else
    std::snprintf(text, sizeof(text), "%llu KiB",
                  static_cast<unsigned long long>(bytes >> 10));
  return text;
}

DeviceInfo toDeviceInfo(int ordinal, const tinygpu::Client &client,
                        const tinygpu::PciDeviceInfo &pci) {
  DeviceInfo info;
  info.kind = DeviceKind::TinyGpu;
  info.ordinal = ordinal;
  const tinygpu::ChipFamily &chip = pci.chip;
  info.name = chip.vendor + " " +
              (chip.family.empty() ? "(unknown chip)" : chip.family);
  info.arch = chip.arch.empty() ? "unknown" : chip.arch;
  std::string d = tinygpu::hexId(pci.vendorId, pci.deviceId);
  if (!chip.family.empty() && !chip.supportedByTinyGpu)
    d += " (not a chip TinyGPU supports)";
  d += ", via " + client.endpoint().text() + ", BARs";
  bool anyBar = false;
  for (uint32_t bar = 0; bar < tinygpu::kMaxBars; ++bar)
    if (pci.barSizes[bar]) {
      d += " " + std::to_string(bar) + "=" + mib(pci.barSizes[bar]);
      anyBar = true;
    }
  if (!anyBar)
    d += " none";
  const tinygpu::PcieLink &link = pci.link;
  if (link.present && link.generation > 0)
    d += ", PCIe Gen" + std::to_string(link.generation) + " x" +
         std::to_string(link.width) + " (device: Gen" +
         std::to_string(link.maxGeneration) + " x" +
         std::to_string(link.maxWidth) + ")";
  else
    d += ", PCIe link unknown";
  info.details = d;
  return info;
}

} // namespace

Status listTinyGpuDevices(std::vector<DeviceInfo> &out,
                          std::vector<std::string> &notes) {
  out.clear();
  notes.clear();
  std::vector<std::string> endpoints = configuredEndpoints();
  for (size_t i = 0; i < endpoints.size(); ++i) {
    std::string id = "tinygpu:" + std::to_string(out.size());
    tinygpu::ClientOptions options;
    options.timeoutMs = kListTimeoutMs;
    std::unique_ptr<tinygpu::Client> client;
    tinygpu::PciDeviceInfo pci;
    Status s = tinygpu::Client::connect(endpoints[i], options, client);
    if (s)
      s = tinygpu::describePciDevice(*client, pci);
    if (!s) {
      notes.push_back("TinyGPU: " + s.message());
      continue;
    }
    out.push_back(toDeviceInfo(static_cast<int>(out.size()), *client, pci));
    notes.push_back(id + ": listed only; " + kBringUpMissing);
  }
  return Status();
}

Status openTinyGpuDevice(int ordinal, std::unique_ptr<Device> &out) {
  out.reset();
  return Status::error("tinygpu:" + std::to_string(ordinal) +
                       " cannot run kernels: " + kBringUpMissing);
}

} // namespace tgc::hal
