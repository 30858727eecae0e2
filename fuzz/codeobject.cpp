//===- codeobject.cpp - libFuzzer harness for the code-object loaders -----===//
//
// The cubin and HSACO loaders (hal/codeobject/) on arbitrary bytes: a
// TinyGPU backend runs them on code objects from bundles, so a corrupt one
// must be an error, never a crash or a read outside the buffer. Whatever
// loads is formatted too, which walks every field the loaders filled in.
// The bytes are copied to a buffer of exactly their size so AddressSanitizer
// sees any read past the end.
//
//===----------------------------------------------------------------------===//

#include "hal/codeobject/CodeObject.h"

#include <cstdlib>
#include <cstring>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);
  if (size)
    std::memcpy(copy.get(), data, size);
  tgc::hal::CodeObjectDescription description;
  if (tgc::hal::describeCodeObject(copy.get(), size, description)) {
    (void)tgc::hal::formatCodeObjectDescription(description);
    for (const tgc::hal::KernelLaunchDescription &kernel : description.kernels)
      if (kernel.codeSize > size ||
          kernel.codeFileOffset > size - kernel.codeSize ||
          kernel.entryOffset >= kernel.codeSize)
        std::abort(); // the loaders promise code that lies within the bytes
  }
  return 0;
}
