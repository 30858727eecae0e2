//===- BackendSupport.h - helpers shared by the device backends -*- C++ -*-===//
//
// Private to hal/: argument checks and run-time library loading that
// every backend needs, so that each one reports the same mistakes the same
// way.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_BACKENDSUPPORT_H
#define TGC_HAL_BACKENDSUPPORT_H

#include "hal/Device.h"

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace tgc::hal::detail {

/// Checks that [offset, offset + size) lies inside `buffer`, so that a bad
/// copy is an error message instead of a corrupted heap or a device fault.
Status checkRange(const std::string &device, const char *operation,
                  const Buffer &buffer, size_t offset, size_t size);

/// dlopens the first of `names` that loads (RTLD_NOW | RTLD_LOCAL). Returns
/// null when none does. Vendor libraries are never closed again: drivers
/// install atexit handlers and threads that do not survive an unload.
void *openFirstLibrary(std::initializer_list<const char *> names);

/// The address of the first exported name of `candidates`, or null.
void *findFirstSymbol(void *library,
                      std::initializer_list<const char *> candidates);

/// Resolves the first exported name of `candidates` (newest ABI first, e.g.
/// {"cuMemAlloc_v2", "cuMemAlloc"}) into `slot`. Returns false when none is
/// exported.
template <typename FunctionPointer>
bool bindSymbol(void *library, FunctionPointer &slot,
                std::initializer_list<const char *> candidates) {
  slot =
      reinterpret_cast<FunctionPointer>(findFirstSymbol(library, candidates));
  return slot != nullptr;
}

/// Binds a library's entry points one call at a time and collects the names
/// of those it does not export, so that a library that is too old is
/// reported with everything it lacks.
class SymbolBinder {
public:
  explicit SymbolBinder(void *library) : library_(library) {}
  /// Resolves the first exported name of `candidates` into `slot`, see
  /// bindSymbol.
  template <typename FunctionPointer>
  void operator()(FunctionPointer &slot,
                  std::initializer_list<const char *> candidates) {
    if (!bindSymbol(library_, slot, candidates))
      missing_ +=
          std::string(missing_.empty() ? "" : ", ") + *candidates.begin();
  }
  /// The first candidate of each entry point not found, comma-separated;
  /// empty when all were.
  const std::string &missing() const { return missing_; }

private:
  void *library_;
  std::string missing_;
};

/// `count` pointers, kept off the heap for the handful a kernel launch
/// usually passes.
class PointerArray {
public:
  explicit PointerArray(size_t count) {
    if (count > kInline)
      heap_.resize(count);
  }
  void **data() { return heap_.empty() ? inline_ : heap_.data(); }

private:
  static constexpr size_t kInline = 16;
  void *inline_[kInline];
  std::vector<void *> heap_;
};

/// Bytes copied into 8-byte aligned storage with a terminating NUL: drivers
/// parse code objects in place (ELF headers want alignment, PTX wants a C
/// string) while the caller's bytes may sit at any offset in a bundle.
class AlignedCodeCopy {
public:
  AlignedCodeCopy(const void *bytes, size_t size);
  const void *data() const { return storage_.get(); }
  /// Size of the code without the terminating NUL.
  size_t size() const { return size_; }

private:
  std::unique_ptr<uint64_t[]> storage_;
  size_t size_;
};

} // namespace tgc::hal::detail

#endif // TGC_HAL_BACKENDSUPPORT_H
