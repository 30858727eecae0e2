//===- Inspect.cpp - tgc --inspect ----------------------------------------===//

#include "tools/tgc/Inspect.h"

#include "format/BundleContainer.h"
#include "format/bundle_generated.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace tgc::format;

static const char *dtypeName(DType d) {
  switch (d) {
  case DType::f32:
    return "f32";
  case DType::f16:
    return "f16";
  case DType::bf16:
    return "bf16";
  case DType::i32:
    return "i32";
  case DType::i8:
    return "i8";
  case DType::i1:
    return "i1";
  }
  return "?";
}

static std::string typeString(const TensorType *t) {
  std::string s = "tensor<";
  if (t->shape())
    for (int64_t d : *t->shape())
      s += std::to_string(d) + "x";
  return s + dtypeName(t->dtype()) + ">";
}

static std::string sizeString(uint64_t bytes) {
  if (bytes < 10 * 1024)
    return std::to_string(bytes) + " B";
  if (bytes < 10 * 1024 * 1024)
    return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes / (1024 * 1024)) + " MiB";
}

int tgc::inspectBundle(llvm::StringRef path, llvm::raw_ostream &os) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    llvm::errs() << "tgc: error: cannot read '" << path
                 << "': " << file.getError().message() << "\n";
    return 1;
  }
  const auto *data =
      reinterpret_cast<const uint8_t *>((*file)->getBufferStart());
  Container container;
  std::string error;
  std::vector<uint8_t> metadata;
  if (!container.parse(data, (*file)->getBufferSize(), error) ||
      !container.readSection(0, metadata, error)) {
    llvm::errs() << "tgc: error: " << path << ": " << error << "\n";
    return 1;
  }
  flatbuffers::Verifier verifier(metadata.data(), metadata.size());
  if (!VerifyModuleBuffer(verifier)) {
    llvm::errs() << "tgc: error: " << path
                 << ": metadata section is not a valid tgc module\n";
    return 1;
  }
  const Module *module = GetModule(metadata.data());
  os << "bundle " << path << ": " << sizeString((*file)->getBufferSize())
     << ", format version " << container.version() << ", produced by "
     << (module->producer() ? module->producer()->str() : "?") << "\n";

  os << "functions:\n";
  if (module->functions())
    for (const Function *f : *module->functions()) {
      os << "  " << (f->name() ? f->name()->str() : "?") << "(";
      if (f->inputs())
        for (unsigned i = 0; i < f->inputs()->size(); ++i)
          os << (i ? ", " : "") << typeString(f->inputs()->Get(i));
      os << ") -> (";
      if (f->outputs())
        for (unsigned i = 0; i < f->outputs()->size(); ++i)
          os << (i ? ", " : "") << typeString(f->outputs()->Get(i));
      uint64_t scratch = 0;
      unsigned numScratch = 0;
      if (f->buffers())
        for (const Buffer *b : *f->buffers())
          if (b->kind() == BufferKind::scratch) {
            scratch += b->size();
            ++numScratch;
          }
      unsigned dispatches = 0, copies = 0;
      if (f->steps())
        for (const Step *s : *f->steps())
          (s->kind() == StepKind::dispatch ? dispatches : copies)++;
      os << ")\n    " << dispatches << " dispatches, " << copies
         << " copies, " << numScratch << " scratch buffers ("
         << sizeString(scratch) << ")\n";
    }

  unsigned numKernels = module->kernels() ? module->kernels()->size() : 0;
  os << "kernels: " << numKernels << "\n";
  for (unsigned i = 0; i < numKernels; ++i) {
    const Kernel *k = module->kernels()->Get(i);
    os << "  [" << i << "] " << (k->name() ? k->name()->str() : "?") << " ("
       << k->num_bindings() << " bindings)\n";
  }

  os << "code objects:\n";
  if (module->code_objects())
    for (const CodeObject *c : *module->code_objects()) {
      const char *target = EnumNameTargetKind(c->target());
      const char *format = EnumNameCodeFormat(c->format());
      os << "  " << llvm::left_justify(target, 5) << " "
         << llvm::left_justify(c->arch() ? c->arch()->str() : "?", 26) << " "
         << llvm::left_justify(format, 17);
      if (c->section() < container.numSections()) {
        const SectionEntry &s = container.section(c->section());
        os << sizeString(s.rawSize) << " (" << sizeString(s.storedSize)
           << " stored)";
        if (c->cpu())
          os << ", cpu " << c->cpu()->str();
      } else {
        os << "invalid section " << c->section();
      }
      os << "\n";
    }

  unsigned numConstants = module->constants() ? module->constants()->size() : 0;
  uint64_t constantBytes = 0;
  for (unsigned i = 0; i < numConstants; ++i)
    constantBytes += module->constants()->Get(i)->size();
  os << "constants: " << numConstants << " (" << sizeString(constantBytes)
     << ")\n";
  return 0;
}
