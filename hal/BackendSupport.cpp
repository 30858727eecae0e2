//===- BackendSupport.cpp - helpers shared by the device backends ---------===//

#include "hal/BackendSupport.h"

#include <cstring>
#include <dlfcn.h>

namespace tgc::hal::detail {

Status checkRange(const std::string &device, const char *operation,
                  const Buffer &buffer, size_t offset, size_t size) {
  // Written so that no sum can wrap around.
  if (offset <= buffer.size && size <= buffer.size - offset)
    return Status();
  return Status::error(
      device + ": " + operation + ": bytes [" + std::to_string(offset) + ", " +
      std::to_string(offset) + " + " + std::to_string(size) +
      ") lie outside the buffer of " + std::to_string(buffer.size) + " bytes");
}

void *openFirstLibrary(std::initializer_list<const char *> names) {
  for (const char *name : names)
    if (void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL))
      return library;
  return nullptr;
}

void *findFirstSymbol(void *library,
                      std::initializer_list<const char *> candidates) {
  for (const char *name : candidates)
    if (void *address = dlsym(library, name))
      return address;
  return nullptr;
}

AlignedCodeCopy::AlignedCodeCopy(const void *bytes, size_t size)
    : storage_(new uint64_t[size / sizeof(uint64_t) + 1]()), size_(size) {
  if (size)
    std::memcpy(storage_.get(), bytes, size);
}

} // namespace tgc::hal::detail
