//===- Target.cpp - parsing and resolving targets -------------------------===//

#include "compiler/targets/Target.h"

#include "mlir/Dialect/AMDGPU/Utils/Chipset.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace tgc;

static bool isNvidiaChip(StringRef chip) {
  return chip.consume_front("sm_") && !chip.empty() && llvm::isDigit(chip[0]);
}

static bool isAmdChip(StringRef chip) {
  return succeeded(amdgpu::Chipset::parse(chip));
}

/// Something LLVM reads as a triple; whether tgc generates code for it is
/// checked when resolving, with a message saying what is supported.
static bool isHostTripleSpelling(StringRef spelling) {
  return spelling.contains('-') &&
         llvm::Triple(llvm::Triple::normalize(spelling)).getArch() !=
             llvm::Triple::UnknownArch;
}

bool Target::isTargetSpelling(StringRef spelling) {
  return spelling == "host" || isNvidiaChip(spelling) || isAmdChip(spelling) ||
         isHostTripleSpelling(spelling);
}

bool Target::isDarwin() const {
  return isHost() && llvm::Triple(triple_).isOSDarwin();
}

/// The triple, CPU and features of host code for `spelling` ("host" or a
/// triple), or a diagnostic at `loc` for an unsupported target.
static LogicalResult resolveHost(StringRef spelling, Location loc,
                                 const HostCpuOptions &options,
                                 std::string &tripleName, std::string &cpu,
                                 std::string &features) {
  std::string hostTriple = llvm::sys::getDefaultTargetTriple();
  llvm::Triple triple(
      llvm::Triple::normalize(spelling == "host" ? hostTriple : spelling));
  tripleName = triple.str();
  if (!triple.isX86_64() && !triple.isAArch64())
    return emitError(loc) << "host code for '" << tripleName
                          << "' is not supported (x86_64 and aarch64 are)";
  if (!triple.isOSLinux() && !triple.isOSDarwin())
    return emitError(loc) << "host code for '" << tripleName
                          << "' is not supported (Linux and macOS are)";
  if (triple.isOSDarwin() && !triple.isAArch64())
    return emitError(loc) << "host code for '" << tripleName
                          << "' is not supported (macOS on arm64 only)";

  if (options.native || options.cpu == "native") {
    llvm::Triple host(llvm::Triple::normalize(hostTriple));
    if (host.getArch() != triple.getArch() || host.getOS() != triple.getOS())
      return emitError(loc)
             << "native CPU requested for '" << tripleName
             << "', which is not this machine (" << host.str() << ")";
    if (!options.cpu.empty() && options.cpu != "native")
      return emitError(loc) << "native CPU and an explicit CPU ('"
                            << options.cpu << "') are exclusive";
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features += (feature.second ? "+" : "-") + feature.first().str() + ",";
    features += options.features;
    if (!features.empty() && features.back() == ',')
      features.pop_back();
    return success();
  }
  cpu = options.cpu;
  features = options.features;
  if (cpu.empty()) {
    // The library may run on another machine than the compiler (a bundle is
    // copied around), so the default is a baseline, not this CPU. On x86-64
    // that is x86-64-v3 (Haswell / Zen 1 and later, RHEL 10's baseline):
    // it brings F16C, without which f16 conversions become compiler-rt
    // calls the library cannot have, FMA, which the math approximations
    // are tuned for, and AVX2 for vectorized loops. Pre-2013 CPUs and
    // Atom-class parts without AVX need an explicit cpu = "x86-64-v2".
    // On AArch64 every Apple Mac is at least an M1; Linux gets plain ARMv8.
    if (triple.isX86_64())
      cpu = "x86-64-v3";
    else if (triple.isOSDarwin())
      cpu = "apple-m1";
    else
      cpu = "generic";
  }
  return success();
}

FailureOr<Target> Target::parse(StringRef spelling, Location loc,
                                const HostCpuOptions &host) {
  Target target;
  if (isNvidiaChip(spelling)) {
    target.kind_ = TargetKind::Cuda;
    target.name_ = target.cpu_ = spelling.str();
    target.triple_ = "nvptx64-nvidia-cuda";
    return target;
  }
  if (isAmdChip(spelling)) {
    target.kind_ = TargetKind::Hip;
    target.name_ = target.cpu_ = spelling.str();
    target.triple_ = "amdgcn-amd-amdhsa";
    return target;
  }
  if (spelling != "host" && !isHostTripleSpelling(spelling))
    return emitError(loc) << "unknown target '" << spelling
                          << "' (expected host, a host triple such as "
                             "aarch64-linux-gnu, sm_XX or gfxNNNN)";
  target.kind_ = TargetKind::Host;
  if (failed(resolveHost(spelling, loc, host, target.triple_, target.cpu_,
                         target.features_)))
    return failure();
  target.name_ = target.triple_;
  return target;
}

SmallVector<CodeFormat, 2> Target::codeFormats() const {
  switch (kind_) {
  case TargetKind::Cuda:
    return {CodeFormat::Ptx, CodeFormat::Cubin};
  case TargetKind::Hip:
    return {CodeFormat::Hsaco};
  case TargetKind::Host:
    break;
  }
  return {isDarwin() ? CodeFormat::HostDylib : CodeFormat::HostSharedLibrary};
}

FailureOr<std::vector<Target>>
tgc::parseTargets(ArrayRef<std::string> spellings, Location loc,
                  const HostCpuOptions &host) {
  if (spellings.empty())
    return emitError(loc, "no targets given");
  std::vector<Target> targets;
  for (const std::string &spelling : spellings) {
    FailureOr<Target> target = Target::parse(spelling, loc, host);
    if (failed(target))
      return failure();
    // x86-64 host code for no particular CPU comes twice: for AVX-512
    // CPUs (x86-64-v4, first, so the runtime prefers it where it runs) and
    // for the portable baseline.
    if (target->isHost() && host.cpu.empty() && !host.native &&
        llvm::Triple(target->triple()).isX86_64()) {
      HostCpuOptions v4 = host;
      v4.cpu = "x86-64-v4";
      FailureOr<Target> avx512 = Target::parse(spelling, loc, v4);
      if (failed(avx512))
        return failure();
      targets.push_back(std::move(*avx512));
    }
    targets.push_back(std::move(*target));
  }
  return targets;
}

std::vector<std::string> tgc::defaultTargetSpellings() {
  return {"host", "sm_80", "sm_90", "gfx1100"};
}

StringRef tgc::codeFormatExtension(CodeFormat format) {
  switch (format) {
  case CodeFormat::Ptx:
    return "ptx";
  case CodeFormat::Cubin:
    return "cubin";
  case CodeFormat::Hsaco:
    return "hsaco";
  case CodeFormat::HostSharedLibrary:
    return "so";
  case CodeFormat::HostDylib:
    break;
  }
  return "dylib";
}
