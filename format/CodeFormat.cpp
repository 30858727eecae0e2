//===- CodeFormat.cpp - names of code object kinds -------------------------===//

#include "format/CodeFormat.h"

#include "format/bundle_generated.h"

namespace fb = tgc::format;

// The plain enums carry the schema's values, so the reader and writer convert
// with a cast once the range is checked.
static_assert(uint8_t(tgc::TargetKind::Host) == uint8_t(fb::TargetKind::host));
static_assert(uint8_t(tgc::TargetKind::Cuda) == uint8_t(fb::TargetKind::cuda));
static_assert(uint8_t(tgc::TargetKind::Hip) == uint8_t(fb::TargetKind::hip));
static_assert(uint8_t(fb::TargetKind::MAX) == tgc::kMaxTargetKind);
static_assert(uint8_t(tgc::CodeFormat::Ptx) == uint8_t(fb::CodeFormat::ptx));
static_assert(uint8_t(tgc::CodeFormat::Cubin) ==
              uint8_t(fb::CodeFormat::cubin));
static_assert(uint8_t(tgc::CodeFormat::Hsaco) ==
              uint8_t(fb::CodeFormat::hsaco));
static_assert(uint8_t(tgc::CodeFormat::HostSharedLibrary) ==
              uint8_t(fb::CodeFormat::host_elf_so));
static_assert(uint8_t(tgc::CodeFormat::HostDylib) ==
              uint8_t(fb::CodeFormat::host_macho_dylib));
static_assert(uint8_t(fb::CodeFormat::MAX) == tgc::kMaxCodeFormat);

const char *tgc::targetKindName(TargetKind kind) {
  const char *name = fb::EnumNameTargetKind(fb::TargetKind(kind));
  return *name ? name : "?";
}

const char *tgc::codeFormatName(CodeFormat format) {
  const char *name = fb::EnumNameCodeFormat(fb::CodeFormat(format));
  return *name ? name : "?";
}
