//===- safetensors.cpp - libFuzzer harness for safetensors headers --------===//
//
// The runtime's check of a weights file's JSON header (tgc
// --weights=external): the input is the header, in a file that has as many
// data bytes after it as the input's length says in its first byte (so
// offsets both within and past the data are reached). Whatever it accepts
// must lie within the file and overlap nothing.
//
//===----------------------------------------------------------------------===//

#include "runtime/Weights.h"

#include <algorithm>
#include <cstdlib>

using namespace tgc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint64_t dataBytes = size ? uint64_t(data[0]) * 16 : 0;
  uint64_t fileSize = 8 + size + dataBytes;
  std::map<std::string, rt::SafetensorsTensor> tensors;
  if (!rt::parseSafetensorsHeader(reinterpret_cast<const char *>(data), size,
                                  fileSize, tensors)
           .isOk())
    return 0;
  uint64_t end = 0;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto &[name, t] : tensors) {
    if (t.begin < 8 + size || t.begin > t.end || t.end > fileSize)
      std::abort();
    if (t.begin < t.end)
      ranges.push_back({t.begin, t.end});
  }
  std::sort(ranges.begin(), ranges.end());
  for (const auto &[begin, stop] : ranges) {
    if (begin < end)
      std::abort(); // accepted overlapping tensors
    end = stop;
  }
  return 0;
}
