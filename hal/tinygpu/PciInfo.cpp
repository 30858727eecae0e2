//===- PciInfo.cpp - what config space says about a TinyGPU device --------===//

#include "hal/tinygpu/PciInfo.h"

#include <cstdio>

namespace tgc::hal::tinygpu {

namespace {

constexpr uint16_t kNvidia = 0x10de;
constexpr uint16_t kAmd = 0x1002;

// NVIDIA allocates device ids to chips in blocks, so ranges name the family.
// Hopper (GH100) sits inside the Ampere block and is listed first.
struct NvidiaRange {
  uint16_t first, last;
  const char *family, *arch;
  bool consumer;
};
const NvidiaRange kNvidiaRanges[] = {
    {0x2320, 0x234f, "Hopper", "sm_90", false},
    {0x20b0, 0x20ff, "Ampere", "sm_80", false}, // GA100
    {0x2200, 0x231f, "Ampere", "sm_86", true},  // GA102, GA103
    {0x2400, 0x25ff, "Ampere", "sm_86", true},  // GA103-GA107
    {0x2600, 0x28ff, "Ada", "sm_89", true},     // AD102-AD107
    {0x2900, 0x29ff, "Blackwell", "sm_100", false},
    {0x2b80, 0x2fff, "Blackwell", "sm_120", true}, // GB202-GB207
};

// AMD's ids are not in family blocks (an Instinct chip sits among Navi
// ids), so the table lists the chips TinyGPU supports one by one.
struct AmdChip {
  uint16_t id;
  const char *family, *arch;
};
const AmdChip kAmdChips[] = {
    {0x744c, "RDNA3", "gfx1100"}, // Navi 31: RX 7900 XT/XTX/GRE
    {0x7448, "RDNA3", "gfx1100"}, // Navi 31: Radeon PRO W7900
    {0x745e, "RDNA3", "gfx1100"}, // Navi 31: Radeon PRO W7800
    {0x747e, "RDNA3", "gfx1101"}, // Navi 32: RX 7800 XT / 7700 XT
    {0x7470, "RDNA3", "gfx1101"}, // Navi 32: Radeon PRO W7700
    {0x7480, "RDNA3", "gfx1102"}, // Navi 33: RX 7600 / 7600 XT
    {0x7483, "RDNA3", "gfx1102"}, // Navi 33
    {0x7489, "RDNA3", "gfx1102"}, // Navi 33: Radeon PRO W7500/W7600
    {0x7550, "RDNA4", "gfx1201"}, // Navi 48: RX 9070 / 9070 XT
    {0x7551, "RDNA4", "gfx1201"}, // Navi 48: Radeon AI PRO R9700
    {0x7590, "RDNA4", "gfx1200"}, // Navi 44: RX 9060 XT
};

// Config space layout (PCI Local Bus 3.0, PCI Express Base 6.0).
constexpr uint32_t kStatusRegister = 0x06;
constexpr uint32_t kStatusCapabilityList = 1u << 4;
constexpr uint32_t kCapabilityPointer = 0x34;
constexpr uint8_t kPcieCapabilityId = 0x10;
constexpr uint32_t kLinkCapabilities = 0x0c; // from the capability
constexpr uint32_t kLinkStatus = 0x12;

} // namespace

std::string hexId(uint16_t vendorId, uint16_t deviceId) {
  char text[16];
  std::snprintf(text, sizeof(text), "%04x:%04x", vendorId, deviceId);
  return text;
}

ChipFamily identifyChip(uint16_t vendorId, uint16_t deviceId) {
  ChipFamily chip;
  if (vendorId == kNvidia) {
    chip.vendor = "NVIDIA";
    for (const NvidiaRange &r : kNvidiaRanges)
      if (deviceId >= r.first && deviceId <= r.last) {
        chip.family = r.family;
        chip.arch = r.arch;
        chip.supportedByTinyGpu = r.consumer;
        break;
      }
    return chip;
  }
  if (vendorId == kAmd) {
    chip.vendor = "AMD";
    for (const AmdChip &c : kAmdChips)
      if (c.id == deviceId) {
        chip.family = c.family;
        chip.arch = c.arch;
        chip.supportedByTinyGpu = true;
        break;
      }
    return chip;
  }
  char text[8];
  std::snprintf(text, sizeof(text), "%04x", vendorId);
  chip.vendor = text;
  return chip;
}

static Status readLink(Client &client, PcieLink &link) {
  uint64_t status = 0;
  if (Status s = client.configRead(kStatusRegister, 2, status); !s)
    return s;
  if (!(status & kStatusCapabilityList))
    return Status();
  uint64_t pointer = 0;
  if (Status s = client.configRead(kCapabilityPointer, 1, pointer); !s)
    return s;
  // The list lives in the first 256 bytes; a bound on the walk keeps a
  // looping list (broken bridges exist) from hanging discovery.
  for (int hops = 0; hops < 48 && pointer >= 0x40 && pointer < 0x100; ++hops) {
    pointer &= ~3ull;
    uint64_t header = 0;
    if (Status s = client.configRead(static_cast<uint32_t>(pointer), 2, header);
        !s)
      return s;
    if ((header & 0xff) == kPcieCapabilityId) {
      uint64_t caps = 0, current = 0;
      uint32_t base = static_cast<uint32_t>(pointer);
      if (Status s = client.configRead(base + kLinkCapabilities, 4, caps); !s)
        return s;
      if (Status s = client.configRead(base + kLinkStatus, 2, current); !s)
        return s;
      link.present = true;
      link.maxGeneration = static_cast<int>(caps & 0xf);
      link.maxWidth = static_cast<int>((caps >> 4) & 0x3f);
      link.generation = static_cast<int>(current & 0xf);
      link.width = static_cast<int>((current >> 4) & 0x3f);
      return Status();
    }
    pointer = (header >> 8) & 0xff;
  }
  return Status();
}

Status describePciDevice(Client &client, PciDeviceInfo &out) {
  out = PciDeviceInfo();
  uint64_t ids = 0, classWord = 0;
  if (Status s = client.configRead(0x00, 4, ids); !s)
    return s;
  out.vendorId = static_cast<uint16_t>(ids & 0xffff);
  out.deviceId = static_cast<uint16_t>(ids >> 16);
  if (out.vendorId == 0xffff || out.vendorId == 0)
    return Status::error("TinyGPU server at " + client.endpoint().text() +
                         ": config space reads vendor id " +
                         hexId(out.vendorId, out.deviceId).substr(0, 4) +
                         ": no device answers (is the eGPU powered and "
                         "connected?)");
  if (Status s = client.configRead(0x08, 4, classWord); !s)
    return s;
  out.classCode = static_cast<uint32_t>(classWord >> 8);
  out.chip = identifyChip(out.vendorId, out.deviceId);
  for (uint32_t bar = 0; bar < kMaxBars; ++bar) {
    BarInfo info;
    Status s = client.mapBar(bar, info);
    if (s)
      out.barSizes[bar] = info.size;
    else if (!client.brokenReason().empty())
      return s; // the server went away, not just an absent BAR
  }
  return readLink(client, out.link);
}

} // namespace tgc::hal::tinygpu
