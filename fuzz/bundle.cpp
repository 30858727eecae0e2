//===- bundle.cpp - libFuzzer harness for the bundle reader ---------------===//
//
// Feeds bytes to the runtime's bundle reader through the C API: open,
// verify every section, list the code objects. Nothing is loaded onto a
// device (that would dlopen host code from the input). Bundles are opened
// as tg-run --allow-unsigned would, so that unsigned inputs reach the
// metadata checks; signatures themselves are fuzzed by tgc-fuzz-signed-
// bundle (signed-bundle.cpp), which signs every input.
//
// Two input forms, so that mutations reach past the checksums:
//  - a whole bundle (starts with the magic "TGCBUNDL"), taken as is;
//  - anything else is a list of sections (SectionList.h), written into a
//    valid container (correct table and checksums) first.
//
//===----------------------------------------------------------------------===//

#include "fuzz/SectionList.h"
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
  tgc_bundle_options_t options;
  tgc_bundle_options_init(&options);
  options.allow_unsigned = true;
  tgc_bundle_t *bundle = nullptr;
  tgc_status_t status = tgc_bundle_open_memory_with_options(data, size, "fuzz",
                                                            &options, &bundle);
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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size >= 8 && std::memcmp(data, "TGCBUNDL", 8) == 0) {
    readBundle(data, size);
    return 0;
  }
  std::vector<uint8_t> bundle = tgc::fuzz::containerFromSectionList(data, size);
  if (!bundle.empty())
    readBundle(bundle.data(), bundle.size());
  return 0;
}
