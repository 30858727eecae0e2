//===- Pipeline.h - the tgc compilation pipeline ----------------*- C++ -*-===//
//
// The compiler as a library: tgc's command line and the JIT both call this.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_PIPELINE_H
#define TGC_COMPILER_PIPELINE_H

#include "compiler/bundle/BundleWriter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include <functional>
#include <string>
#include <vector>

namespace tgc {

/// Where compilation stops (tgc --emit=...).
enum class Stage { Tg, Linalg, Kernels, Llvm, Ptx, Cubin, Hsaco, Asm, Bundle };

struct CompileOptions {
  /// "host", a host triple ("aarch64-linux-gnu"), "sm_XX", "gfxNNNN".
  std::vector<std::string> targets = {"host", "sm_80", "sm_90", "gfx1100"};
  unsigned optLevel = 2;
  Stage stopAfter = Stage::Bundle;
  /// Host CPU name; empty = a portable baseline for the triple.
  std::string hostCpu;
  /// Write every intermediate stage (IR and code objects) here when set.
  std::string dumpDirectory;
  bool verbose = false;
  /// Applied to every PassManager (IR printing options); may be empty.
  std::function<void(mlir::PassManager &)> configurePassManager;
  /// When set, each stage and target back end is timed under this scope.
  mlir::TimingScope *timing = nullptr;
};

struct CompileResult {
  /// Textual output of stages before the bundle (IR, PTX, assembly).
  std::string text;
  /// Binary output: the bundle, a cubin or an HSACO.
  std::vector<uint8_t> bytes;
  /// Steps skipped because an optional tool is missing (e.g. cubin without
  /// ptxas); the caller reports them as warnings.
  std::vector<std::string> skipped;
};

/// "tgc <version> (LLVM <version>)": recorded in bundles, part of cache keys.
std::string producerString();

/// Registers every dialect the pipeline parses or produces.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Validates the target list; emits a diagnostic naming a bad entry.
mlir::LogicalResult validateTargets(const std::vector<std::string> &targets,
                                    mlir::Location loc);

/// Compiles a verified module of tg ops in place. On failure a located
/// diagnostic has been emitted.
mlir::LogicalResult compile(mlir::ModuleOp module, const CompileOptions &options,
                            CompileResult &result);

} // namespace tgc

#endif // TGC_COMPILER_PIPELINE_H
