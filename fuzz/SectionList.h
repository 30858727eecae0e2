//===- SectionList.h - the bundle harness's section-list input form -------===//
//
// A compact form of a bundle's sections that mutations can change without
// breaking its container (the checksums are recomputed): byte 0 holds two
// flag bits per section (bit 2i: compress, bit 2i+1: constants rather than
// code, for sections after the first), then up to four [u32 size][bytes]
// records; section 0 is the FlatBuffers metadata. Shared by the
// tgc-fuzz-bundle harness and the reader's unit tests, which replay inputs
// the harness found.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_FUZZ_SECTIONLIST_H
#define TGC_FUZZ_SECTIONLIST_H

#include "format/BundleContainer.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace tgc::fuzz {

/// A valid container holding the sections `data` describes; empty if it
/// describes none.
inline std::vector<uint8_t> containerFromSectionList(const uint8_t *data,
                                                     size_t size) {
  using namespace tgc::format;
  if (size < 1)
    return {};
  uint8_t flags = data[0];
  size_t at = 1;
  std::vector<SectionInput> sections;
  while (sections.size() < 4 && at + 4 <= size) {
    uint32_t length;
    std::memcpy(&length, data + at, 4);
    at += 4;
    length = std::min<uint32_t>(length, size - at);
    unsigned i = sections.size();
    SectionKind kind = i == 0                       ? SectionKind::Metadata
                       : (flags >> (2 * i + 1)) & 1 ? SectionKind::Constants
                                                    : SectionKind::Code;
    sections.push_back({kind,
                        std::vector<uint8_t>(data + at, data + at + length),
                        bool((flags >> (2 * i)) & 1)});
    at += length;
  }
  if (sections.empty())
    return {};
  return writeContainer(sections, /*zstdLevel=*/1);
}

} // namespace tgc::fuzz

#endif // TGC_FUZZ_SECTIONLIST_H
