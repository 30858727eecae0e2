//===- LinkBandwidth.h - host<->device bandwidth, measured once -*- C++ -*-===//
//
// Over a Thunderbolt/USB4 eGPU link (PCIe Gen3/4 x4, a few GB/s) copies can
// cost more than the kernels, so `tg-run --benchmark` shows each call's
// transfers against what the link can do. What it can do is measured, not
// looked up: the PCIe generation and width say little about an enclosure's
// real throughput. Measuring costs a few hundred milliseconds, so the result
// is kept per device in the user cache (DiskCache, under
// <cache root>/links) and measured again only when the device, its driver
// or its details (TinyGPU: the PCIe link) change. On the host device the
// figure is memory copy bandwidth: there is no link.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_LINKBANDWIDTH_H
#define TGC_RUNTIME_LINKBANDWIDTH_H

#include "hal/Device.h"
#include "support/Status.h"

#include <cstdint>
#include <string>

namespace tgc::rt {

struct LinkBandwidth {
  double hostToDeviceBytesPerSecond = 0;
  double deviceToHostBytesPerSecond = 0;
  uint64_t transferBytes = 0; // the size of each timed copy
  bool hostMemory = false;    // the host device: memory copies, no link
  bool fromCache = false;     // read from the cache, not measured now
};

struct LinkBandwidthOptions {
  /// TGC_LINK_CACHE=0 measures every time and keeps nothing.
  bool useCache = true;
  /// The cache's directory: <cache root>/links.
  std::string directory;
  /// TGC_LINK_MEASURE_BYTES (e.g. "16M"); default 64 MiB, at most an eighth
  /// of the device's memory.
  uint64_t transferBytes = 64ull << 20;

  static LinkBandwidthOptions fromEnvironment();
};

/// Times copies of `options.transferBytes` each way on a new queue of
/// `device` (best of 5 after a warm-up: the peak, not the average) and
/// fills `out`; ignores the cache.
Status measureLinkBandwidth(hal::Device &device,
                            const LinkBandwidthOptions &options,
                            LinkBandwidth &out);

/// The cached figure for `device` if there is one, else measures and keeps
/// it. `deviceId` ("cuda:0") is part of the key.
Status linkBandwidth(hal::Device &device, const std::string &deviceId,
                     const LinkBandwidthOptions &options, LinkBandwidth &out);

} // namespace tgc::rt

#endif // TGC_RUNTIME_LINKBANDWIDTH_H
