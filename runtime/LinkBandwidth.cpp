//===- LinkBandwidth.cpp - host<->device bandwidth, measured once ---------===//

#include "runtime/LinkBandwidth.h"

#include "runtime/HalStatus.h"
#include "support/DiskCache.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

using namespace tgc;
using namespace tgc::rt;

namespace {

constexpr int kTimedCopies = 5;
// Below this a copy is dominated by its fixed cost and says nothing about
// the link.
constexpr uint64_t kMinTransferBytes = 64 << 10;

std::string env(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

/// The best of kTimedCopies after one warm-up, in bytes per second.
template <typename Copy>
Status timeCopies(const Copy &copy, hal::Queue &queue, uint64_t bytes,
                  const char *what, double &bytesPerSecond) {
  double best = 0;
  for (int i = 0; i <= kTimedCopies; ++i) {
    auto start = std::chrono::steady_clock::now();
    TGC_RETURN_IF_ERROR(fromHal(copy(), what));
    TGC_RETURN_IF_ERROR(fromHal(queue.synchronize(), what));
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (i > 0 && seconds > 0)
      best = std::max(best, double(bytes) / seconds);
  }
  bytesPerSecond = best;
  return Status::ok();
}

/// The size of each timed copy on this device: the requested size, at most
/// an eighth of its memory, at least kMinTransferBytes.
uint64_t transferBytesFor(const hal::DeviceInfo &info, uint64_t requested) {
  uint64_t bytes = requested;
  if (info.memoryBytes > 0)
    bytes = std::min<uint64_t>(bytes, info.memoryBytes / 8);
  return std::max<uint64_t>(bytes, kMinTransferBytes);
}

std::string cacheKey(const hal::DeviceInfo &info, const std::string &deviceId,
                     uint64_t transferBytes) {
  return "tgc link bandwidth v1\ndevice=" + deviceId + "\nname=" + info.name +
         "\narch=" + info.arch +
         "\nmemory=" + std::to_string(info.memoryBytes) +
         "\ndriver=" + info.driverVersion + "\ndetails=" + info.details +
         "\nbytes=" + std::to_string(transferBytes) + "\n";
}

std::vector<uint8_t> encode(const LinkBandwidth &link) {
  char text[128];
  int n = std::snprintf(text, sizeof(text), "h2d=%.17g\nd2h=%.17g\n",
                        link.hostToDeviceBytesPerSecond,
                        link.deviceToHostBytesPerSecond);
  return std::vector<uint8_t>(text, text + n);
}

bool decode(const std::vector<uint8_t> &payload, LinkBandwidth &link) {
  std::string text(payload.begin(), payload.end());
  double h2d = 0, d2h = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "h2d=%lg\nd2h=%lg\n%n", &h2d, &d2h,
                  &consumed) != 2 ||
      size_t(consumed) != text.size() || !(h2d > 0) || !(d2h > 0))
    return false;
  link.hostToDeviceBytesPerSecond = h2d;
  link.deviceToHostBytesPerSecond = d2h;
  return true;
}

} // namespace

LinkBandwidthOptions LinkBandwidthOptions::fromEnvironment() {
  LinkBandwidthOptions options;
  std::string cache = env("TGC_LINK_CACHE");
  if (cache == "0" || cache == "off" || cache == "false")
    options.useCache = false;
  std::string root = defaultCacheRoot();
  if (root.empty())
    options.useCache = false; // nowhere to keep it
  else
    options.directory = root + "/links";
  std::string bytes = env("TGC_LINK_MEASURE_BYTES");
  uint64_t value = 0;
  if (!bytes.empty()) {
    if (parseByteSize(bytes, value) && value >= kMinTransferBytes)
      options.transferBytes = value;
    else
      std::fprintf(stderr,
                   "tgc: warning: TGC_LINK_MEASURE_BYTES='%s' is not a byte "
                   "count of at least 64K; measuring with %s\n",
                   bytes.c_str(),
                   formatByteSize(options.transferBytes).c_str());
  }
  return options;
}

Status rt::measureLinkBandwidth(hal::Device &device,
                                const LinkBandwidthOptions &options,
                                LinkBandwidth &out) {
  const hal::DeviceInfo &info = device.info();
  uint64_t bytes = transferBytesFor(info, options.transferBytes);
  out = LinkBandwidth();
  out.transferBytes = bytes;
  out.hostMemory = info.kind == hal::DeviceKind::Host;

  std::unique_ptr<hal::Queue> queue;
  TGC_RETURN_IF_ERROR(
      fromHal(device.createQueue(queue), "measuring link bandwidth"));
  hal::Buffer buffer;
  TGC_RETURN_IF_ERROR(fromHal(device.allocate(size_t(bytes), buffer),
                              "measuring link bandwidth"));
  struct Free {
    hal::Device &device;
    hal::Buffer buffer;
    ~Free() { device.free(buffer); }
  } freeBuffer{device, buffer};
  std::unique_ptr<uint8_t[]> host(new (std::nothrow) uint8_t[bytes]);
  if (!host)
    return Status(TGC_STATUS_RESOURCE_EXHAUSTED,
                  "measuring link bandwidth: cannot allocate " +
                      formatByteSize(bytes) + " of host memory");
  // Touch every page so that page faults are not timed.
  std::memset(host.get(), 0x5a, bytes);

  hal::Queue &q = *queue;
  TGC_RETURN_IF_ERROR(timeCopies(
      [&] { return q.copyHostToDevice(host.get(), buffer, 0, bytes); }, q,
      bytes, "measuring link bandwidth: host->device",
      out.hostToDeviceBytesPerSecond));
  TGC_RETURN_IF_ERROR(timeCopies(
      [&] { return q.copyDeviceToHost(buffer, 0, host.get(), bytes); }, q,
      bytes, "measuring link bandwidth: device->host",
      out.deviceToHostBytesPerSecond));
  return Status::ok();
}

Status rt::linkBandwidth(hal::Device &device, const std::string &deviceId,
                         const LinkBandwidthOptions &options,
                         LinkBandwidth &out) {
  if (!options.useCache)
    return measureLinkBandwidth(device, options, out);
  DiskCacheOptions cacheOptions;
  cacheOptions.directory = options.directory;
  cacheOptions.maxBytes = 1 << 20; // entries are a few hundred bytes
  cacheOptions.name = "link bandwidth cache";
  DiskCache cache(cacheOptions);
  const hal::DeviceInfo &info = device.info();
  uint64_t bytes = transferBytesFor(info, options.transferBytes);
  std::string key = cacheKey(info, deviceId, bytes);
  std::vector<uint8_t> payload;
  if (cache.lookup(key, payload)) {
    LinkBandwidth cached;
    if (decode(payload, cached)) {
      out = cached;
      out.transferBytes = bytes;
      out.hostMemory = info.kind == hal::DeviceKind::Host;
      out.fromCache = true;
      return Status::ok();
    }
    cache.remove(key); // authentic but unreadable: measure again
  }
  TGC_RETURN_IF_ERROR(measureLinkBandwidth(device, options, out));
  cache.store(key, encode(out)); // a cache that cannot store has warned
  return Status::ok();
}
