//===- Inspect.cpp - tgc --inspect ----------------------------------------===//
//
// Prints what the runtime's reader (runtime/Bundle.h) decoded, so a bundle is
// judged by the same checks as when it is run: one the runtime would reject
// is reported with the runtime's message and exit status 1, and every line
// printed comes from validated metadata. Every section's checksum is verified
// too (the runtime checks code and constants only when it loads them), so a
// corrupted code object for any target is found here.
//
// A bundle's signature must verify (every section is checked against it),
// but its signer need not be trusted: inspecting a bundle is how one decides
// whether to trust it. The report says whether tg-run would run it.
//
//===----------------------------------------------------------------------===//

#include "tools/tgc/Inspect.h"

#include "format/CodeFormat.h"
#include "runtime/Bundle.h"

#include "llvm/Support/Format.h"

using namespace tgc;
using namespace tgc::rt;

static std::string sizeString(uint64_t bytes) {
  if (bytes < 10 * 1024)
    return std::to_string(bytes) + " B";
  if (bytes < 10 * 1024 * 1024)
    return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes / (1024 * 1024)) + " MiB";
}

static void printTypes(const std::vector<TensorType> &types,
                       llvm::raw_ostream &os) {
  for (size_t i = 0; i < types.size(); ++i)
    os << (i ? ", " : "") << types[i].str();
}

int tgc::inspectBundle(llvm::StringRef path, llvm::raw_ostream &os) {
  std::shared_ptr<Bundle> bundle;
  trust::TrustPolicy anySigner;
  anySigner.allowUnsigned = true;
  Status status = Bundle::openFile(path.str(), bundle, &anySigner);
  if (status)
    status = bundle->verifySections();
  if (!status) {
    llvm::errs() << "tgc: error: " << status.message() << "\n";
    return 1;
  }
  const ModuleDesc &module = bundle->desc();
  os << "bundle " << path << ": " << sizeString(bundle->fileSize())
     << ", format version " << bundle->formatVersion() << ", produced by "
     << (module.producer.empty() ? "?" : module.producer) << "\n";
  // Whether tg-run and the runtime would run it, under this environment.
  trust::TrustPolicy policy = trust::TrustPolicy::fromEnvironment();
  std::string trustedAs;
  Status trusted = trust::checkSigner(
      policy, bundle->isSigned() ? &bundle->signer() : nullptr, &trustedAs);
  if (!bundle->isSigned())
    os << "signature: none";
  else
    os << "signature: key " << trust::fingerprint(bundle->signer());
  bool allowed = trustedAs.find("allowed") != std::string::npos;
  if (trusted)
    os << " (" << (allowed ? "" : "trusted: ") << trustedAs << ")\n";
  else
    os << ", not trusted here: tg-run refuses it (see `tgc trust`)\n";

  os << "functions:\n";
  for (const FunctionDesc &f : module.functions) {
    os << "  " << f.name << "(";
    printTypes(f.inputs, os);
    os << ") -> (";
    printTypes(f.outputs, os);
    uint64_t scratch = 0;
    unsigned numScratch = 0;
    for (const BufferDesc &b : f.buffers)
      if (b.kind == BufferKind::Scratch) {
        scratch += b.size;
        ++numScratch;
      }
    unsigned dispatches = 0, copies = 0;
    for (const StepDesc &s : f.steps)
      (s.kind == StepKind::Dispatch ? dispatches : copies)++;
    os << ")\n    " << dispatches << " dispatches, " << copies << " copies, "
       << numScratch << " scratch buffers (" << sizeString(scratch) << ")\n";
  }

  os << "kernels: " << module.kernels.size() << "\n";
  for (size_t i = 0; i < module.kernels.size(); ++i)
    os << "  [" << i << "] " << module.kernels[i].name << " ("
       << module.kernels[i].numBindings << " bindings)\n";

  os << "code objects:\n";
  for (const CodeObjectDesc &c : module.codeObjects) {
    // The reader checked that c.section is a code section of the table.
    const format::SectionEntry &s = bundle->section(c.section);
    os << "  " << llvm::left_justify(targetKindName(c.target), 5) << " "
       << llvm::left_justify(c.arch, 26) << " "
       << llvm::left_justify(codeFormatName(c.format), 17)
       << sizeString(s.rawSize) << " (" << sizeString(s.storedSize)
       << " stored)";
    if (!c.cpu.empty())
      os << ", cpu " << c.cpu;
    os << "\n";
  }

  uint64_t constantBytes = 0;
  std::vector<uint64_t> externalCount(module.weightFiles.size()),
      externalBytes(module.weightFiles.size());
  for (const ConstantDesc &c : module.constants) {
    constantBytes += c.size;
    if (c.external) {
      ++externalCount[c.external->file];
      externalBytes[c.external->file] += c.size;
    }
  }
  os << "constants: " << module.constants.size() << " ("
     << sizeString(constantBytes) << ")\n";
  // External weights are not part of the bundle (nor of its signature): the
  // runtime reads them from these files, beside the bundle.
  for (size_t f = 0; f < module.weightFiles.size(); ++f)
    os << "  external: " << externalCount[f] << " in '" << module.weightFiles[f]
       << "' (" << sizeString(externalBytes[f])
       << ", safetensors, not signed)\n";
  return 0;
}
