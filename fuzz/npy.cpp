//===- npy.cpp - libFuzzer harness for tg-run's tensor parsers ------------===//
//
// The .npy parser (tg-run --input=@x.npy) on the bytes, and the tensor text
// parser (--input="2x3xf32=1 2 3 ...") on them as a string, with a size cap
// so a valid "1000000000xf32" does not count as a leak of memory. Whatever
// parses is printed, written back as .npy and parsed again, which must
// reproduce it.
//
//===----------------------------------------------------------------------===//

#include "tools/common/TensorIO.h"

#include <cstdlib>
#include <cstring>

using namespace tgc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  Tensor tensor;
  if (io::parseNpy(data, size, tensor, error)) {
    (void)io::formatValues(tensor, 64);
    std::vector<uint8_t> bytes = io::writeNpy(tensor);
    Tensor again;
    if (!io::parseNpy(bytes.data(), bytes.size(), again, error) ||
        again.type() != tensor.type() ||
        (tensor.byteSize() > 0 &&
         std::memcmp(again.data(), tensor.data(), tensor.byteSize()) != 0))
      std::abort(); // writeNpy's output must parse back identically
  }
  std::string text(reinterpret_cast<const char *>(data), size);
  Tensor parsed;
  if (io::parseTensorText(text, parsed, error, /*maxBytes=*/1 << 20))
    (void)io::formatValues(parsed, 64);
  return 0;
}
