//===- CodeFormat.h - code object kinds, shared by every layer --*- C++ -*-===//
//
// The one definition of what a code object is: the compiler's back ends
// produce these, the bundle records them, the runtime selects by them and the
// HAL loads them. Plain enums with the values of bundle.fbs (checked in
// BundleContainer.cpp), so this header needs nothing, not even FlatBuffers.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_FORMAT_CODEFORMAT_H
#define TGC_FORMAT_CODEFORMAT_H

#include <cstdint>

namespace tgc {

/// The device family a code object runs on.
enum class TargetKind : uint8_t { Host = 0, Cuda = 1, Hip = 2 };

/// How the bytes of a code object are loaded.
enum class CodeFormat : uint8_t {
  Ptx = 0,               // NVIDIA PTX text, JIT-compiled by the CUDA driver
  Cubin = 1,             // NVIDIA ELF for exactly one sm_XX
  Hsaco = 2,             // AMD code object for exactly one gfxNNNN
  HostSharedLibrary = 3, // host ELF shared library (docs/host-abi.md)
  HostDylib = 4,         // host Mach-O dylib (macOS; same ABI)
};
inline constexpr uint8_t kMaxTargetKind = uint8_t(TargetKind::Hip);
inline constexpr uint8_t kMaxCodeFormat = uint8_t(CodeFormat::HostDylib);

/// The family that runs code of `format`.
constexpr TargetKind targetKindOf(CodeFormat format) {
  switch (format) {
  case CodeFormat::Ptx:
  case CodeFormat::Cubin:
    return TargetKind::Cuda;
  case CodeFormat::Hsaco:
    return TargetKind::Hip;
  case CodeFormat::HostSharedLibrary:
  case CodeFormat::HostDylib:
    break;
  }
  return TargetKind::Host;
}

constexpr bool isHostFormat(CodeFormat format) {
  return targetKindOf(format) == TargetKind::Host;
}

/// A name for messages: "PTX", "cubin", "HSACO", "host shared library",
/// "host dylib".
constexpr const char *describeCodeFormat(CodeFormat format) {
  switch (format) {
  case CodeFormat::Ptx:
    return "PTX";
  case CodeFormat::Cubin:
    return "cubin";
  case CodeFormat::Hsaco:
    return "HSACO";
  case CodeFormat::HostSharedLibrary:
    return "host shared library";
  case CodeFormat::HostDylib:
    return "host dylib";
  }
  return "unknown code format";
}

/// The bundle's names: "host", "cuda", "hip".
const char *targetKindName(TargetKind kind);
/// The bundle's names: "ptx", "cubin", "hsaco", "host_elf_so",
/// "host_macho_dylib".
const char *codeFormatName(CodeFormat format);

} // namespace tgc

#endif // TGC_FORMAT_CODEFORMAT_H
