//===- PciInfo.h - what config space says about a TinyGPU device -*- C++
//-*-===//
//
// Identifies the GPU behind a TinyGPU server from its PCI config space and
// BARs alone (no driver runs yet): vendor and device id, the chip family
// from small id tables, BAR sizes, and the PCIe link from the PCI Express
// capability, which says whether Thunderbolt/USB4 gives it Gen3 x4 or less.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_TINYGPU_PCIINFO_H
#define TGC_HAL_TINYGPU_PCIINFO_H

#include "hal/Device.h"
#include "hal/tinygpu/Client.h"

#include <cstdint>
#include <string>

namespace tgc::hal::tinygpu {

struct ChipFamily {
  std::string vendor; // "NVIDIA", "AMD", or the id in hex
  std::string family; // "Ampere", "Ada", "Blackwell", "RDNA3", "RDNA4", ""
  std::string arch;   // "sm_86", "gfx1100"; "" when unknown
  /// TinyGPU supports NVIDIA Ampere and newer consumer chips, AMD RDNA3 and
  /// newer.
  bool supportedByTinyGpu = false;
};

/// From the id tables; unknown ids give an empty family.
ChipFamily identifyChip(uint16_t vendorId, uint16_t deviceId);

struct PcieLink {
  bool present = false; // the device has a PCI Express capability
  int generation = 0;   // 1..6 from the current link speed; 0 unknown
  int width = 0;        // lanes
  int maxGeneration = 0;
  int maxWidth = 0;
};

struct PciDeviceInfo {
  uint16_t vendorId = 0;
  uint16_t deviceId = 0;
  uint32_t classCode = 0; // base class, subclass, interface
  ChipFamily chip;
  uint64_t barSizes[kMaxBars] = {};
  PcieLink link;
};

/// Reads config space and maps the BARs through `client`. BARs the server
/// cannot map count as absent (size 0).
Status describePciDevice(Client &client, PciDeviceInfo &out);

/// "10de:2684".
std::string hexId(uint16_t vendorId, uint16_t deviceId);

} // namespace tgc::hal::tinygpu

#endif // TGC_HAL_TINYGPU_PCIINFO_H
