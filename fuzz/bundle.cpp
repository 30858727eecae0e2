//===- bundle.cpp - libFuzzer harness for the bundle reader ---------------===//
//
// Feeds bytes to the runtime's bundle reader through the C API: open,
// verify every section, list the code objects. Nothing is loaded onto a
// device (that would dlopen host code from the input).
//
// Two input forms, so that mutations reach past the checksums:
//  - a whole bundle (starts with the magic "TGCBUNDL"), taken as is;
//  - anything else is a list of sections, written into a valid container
//    (correct table and checksums) first: byte 0 holds two flag bits per
//    section (bit 2i: compress, bit 2i+1: constants rather than code for
//    sections after the first), then up to four [u32 size][bytes] records;
//    section 0 is the FlatBuffers metadata.
//
//===----------------------------------------------------------------------===//

#include "BundleContainer.h"
#include "tgc/runtime.h"

#include <cstring>
#include <vector>

namespace {

void consume(tgc_status_t status) {
  if (status) {
    (void)std::strlen(tgc_status_message(status));
    tgc_status_free(status);
  }
}

void readBundle(const uint8_t *data, size_t size) {
  tgc_bundle_t *bundle = nullptr;
  tgc_status_t status = tgc_bundle_open_memory(data, size, "fuzz", &bundle);
  if (status) {
    consume(status);
    return;
  }
  (void)std::strlen(tgc_bundle_producer(bundle));
  for (size_t i = 0; i < tgc_bundle_code_object_count(bundle); ++i)
    (void)std::strlen(tgc_bundle_code_object(bundle, i));
  consume(tgc_bundle_verify(bundle));
  tgc_bundle_destroy(bundle);
}

std::vector<uint8_t> containerFromSections(const uint8_t *data, size_t size) {
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
    SectionKind kind = i == 0 ? SectionKind::Metadata
                       : (flags >> (2 * i + 1)) & 1 ? SectionKind::Constants
                                                    : SectionKind::Code;
    sections.push_back(
        {kind, std::vector<uint8_t>(data + at, data + at + length),
         bool((flags >> (2 * i)) & 1)});
    at += length;
  }
  if (sections.empty())
    return {};
  return writeContainer(sections, /*zstdLevel=*/1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size >= 8 && std::memcmp(data, "TGCBUNDL", 8) == 0) {
    readBundle(data, size);
    return 0;
  }
  std::vector<uint8_t> bundle = containerFromSections(data, size);
  if (!bundle.empty())
    readBundle(bundle.data(), bundle.size());
  return 0;
}
