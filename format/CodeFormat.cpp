//===- CodeFormat.cpp - names of code object kinds and element types ------===//

#include "format/CodeFormat.h"
#include "format/DType.h"
#include "format/ScheduleKinds.h"

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

// Likewise for DType.h, which has no .cpp of its own. Its names are checked
// against the schema's in test/unit/runtime/BundleReaderTest.cpp (the
// generated name table is not constexpr).
static_assert(uint8_t(tgc::DType::F32) == uint8_t(fb::DType::f32));
static_assert(uint8_t(tgc::DType::F16) == uint8_t(fb::DType::f16));
static_assert(uint8_t(tgc::DType::BF16) == uint8_t(fb::DType::bf16));
static_assert(uint8_t(tgc::DType::I32) == uint8_t(fb::DType::i32));
static_assert(uint8_t(tgc::DType::I8) == uint8_t(fb::DType::i8));
static_assert(uint8_t(tgc::DType::I1) == uint8_t(fb::DType::i1));
static_assert(uint8_t(fb::DType::MAX) + 1 == tgc::kNumDTypes);
static_assert(uint8_t(tgc::BufferKind::Input) ==
              uint8_t(fb::BufferKind::input));
static_assert(uint8_t(tgc::BufferKind::Output) ==
              uint8_t(fb::BufferKind::output));
static_assert(uint8_t(tgc::BufferKind::Constant) ==
              uint8_t(fb::BufferKind::constant));
static_assert(uint8_t(tgc::BufferKind::Scratch) ==
              uint8_t(fb::BufferKind::scratch));
static_assert(uint8_t(fb::BufferKind::MAX) == tgc::kMaxBufferKind);
static_assert(uint8_t(tgc::StepKind::Dispatch) ==
              uint8_t(fb::StepKind::dispatch));
static_assert(uint8_t(tgc::StepKind::Copy) == uint8_t(fb::StepKind::copy));
static_assert(uint8_t(fb::StepKind::MAX) == tgc::kMaxStepKind);

const char *tgc::targetKindName(TargetKind kind) {
  const char *name = fb::EnumNameTargetKind(fb::TargetKind(kind));
  return *name ? name : "?";
}

const char *tgc::codeFormatName(CodeFormat format) {
  const char *name = fb::EnumNameCodeFormat(fb::CodeFormat(format));
  return *name ? name : "?";
}
