//===- Target.h - what the compiler generates code for ----------*- C++ -*-===//
//
// A target is parsed once, where a user names it (tgc's --targets, the JIT's
// device or options), and passed as this value everywhere else: no pass,
// back end or cache re-parses a spelling.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_TARGETS_TARGET_H
#define TGC_COMPILER_TARGETS_TARGET_H

#include "format/CodeFormat.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

namespace tgc {

/// How host targets choose their CPU (tgc --host-cpu, the JIT's host_cpu).
struct HostCpuOptions {
  /// LLVM CPU name; empty means the portable baseline of the triple:
  /// x86-64-v3 (and x86-64-v4 code too) on x86-64, generic on AArch64
  /// Linux, apple-m1 on Darwin; "native" is the same as `native`.
  std::string cpu;
  /// Extra LLVM target features ("+avx512f,..."), appended to the CPU's.
  std::string features;
  /// The CPU and features of the machine tgc runs on (like -march=native);
  /// only for this machine's triple. The code may not run elsewhere.
  bool native = false;
};

class Target {
public:
  /// Parses "host" (this machine), a host triple ("aarch64-linux-gnu",
  /// "aarch64-apple-darwin"), "sm_NN[a]" or "gfxNNNN". Host targets come out
  /// resolved: a normalized triple and the CPU and features `host` asks for.
  /// Emits a diagnostic at `loc` for anything else.
  static mlir::FailureOr<Target> parse(llvm::StringRef spelling,
                                       mlir::Location loc,
                                       const HostCpuOptions &host = {});
  /// Whether `spelling` names a target at all (no diagnostic).
  static bool isTargetSpelling(llvm::StringRef spelling);

  TargetKind kind() const { return kind_; }
  bool isHost() const { return kind_ == TargetKind::Host; }
  bool isNvidia() const { return kind_ == TargetKind::Cuda; }
  bool isAmd() const { return kind_ == TargetKind::Hip; }
  /// The host triple is Darwin: its library is a Mach-O dylib.
  bool isDarwin() const;

  /// What bundles record as the code object's arch: "sm_90", "gfx1100", or
  /// the normalized host triple "x86_64-unknown-linux-gnu".
  const std::string &name() const { return name_; }
  /// The LLVM triple code is generated with.
  const std::string &triple() const { return triple_; }
  /// The LLVM CPU: the chip on GPUs ("sm_90"), "x86-64-v3" etc. on the host.
  const std::string &cpu() const { return cpu_; }
  /// Extra LLVM target features.
  const std::string &features() const { return features_; }

  /// The code objects a bundle gets for this target, in bundle order: NVIDIA
  /// PTX then cubin (cubin needs ptxas, so it may be skipped), an AMD HSACO,
  /// a host ELF shared library or Mach-O dylib.
  llvm::SmallVector<CodeFormat, 2> codeFormats() const;

private:
  TargetKind kind_ = TargetKind::Host;
  std::string name_, triple_, cpu_, features_;
};

/// Parses every spelling (see Target::parse); stops at the first error.
mlir::FailureOr<std::vector<Target>>
parseTargets(llvm::ArrayRef<std::string> spellings, mlir::Location loc,
             const HostCpuOptions &host = {});

/// What tgc compiles for when not told: host, sm_80, sm_90, gfx1100.
std::vector<std::string> defaultTargetSpellings();

/// File name extension of a code object: "ptx", "cubin", "hsaco", "so",
/// "dylib".
llvm::StringRef codeFormatExtension(CodeFormat format);

} // namespace tgc

#endif // TGC_COMPILER_TARGETS_TARGET_H
