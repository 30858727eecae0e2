//===- Pipeline.h - the tgc compilation pipeline ----------------*- C++ -*-===//
//
// The compiler as a library: tgc's command line and the JIT both call this.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_PIPELINE_H
#define TGC_COMPILER_PIPELINE_H

#include "compiler/ExternalWeights.h"
#include "compiler/targets/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include <functional>
#include <string>
#include <vector>

namespace tgc {

/// The IR stages compilation can stop after.
enum class IrStage {
  Tg,      // tg after decomposition
  Linalg,  // linalg on tensors
  Kernels, // kernel functions and the generated GPU and host kernels
  Llvm,    // each target's kernels lowered to the LLVM dialect
};

/// What a compilation produces (tgc --emit).
struct Output {
  enum class Kind {
    Ir,         // the module at `stage`, as text
    Schedule,   // the host schedule of every entry function, as text
    Assembly,   // assembly of each target that has one (AMDGPU, host)
    CodeObject, // the code objects of `format` (PTX as text, else bytes)
    Bundle,     // the bundle
  };
  Kind kind = Kind::Bundle;
  IrStage stage = IrStage::Tg;
  CodeFormat format = CodeFormat::Ptx;

  static Output ir(IrStage stage) { return {Kind::Ir, stage}; }
  static Output schedule() { return {Kind::Schedule}; }
  static Output assembly() { return {Kind::Assembly}; }
  static Output code(CodeFormat format) {
    return {Kind::CodeObject, IrStage::Tg, format};
  }
  static Output bundle() { return {}; }
  /// Whether the result is `bytes` (else `text`).
  bool isBinary() const {
    return kind == Kind::Bundle ||
           (kind == Kind::CodeObject && format != CodeFormat::Ptx);
  }
};

struct CompileOptions {
  /// Parsed by the caller (tgc's --targets, the JIT): see Target::parse.
  std::vector<Target> targets;
  unsigned optLevel = 2;
  Output output = Output::bundle();
  /// Write every intermediate stage (IR and code objects) here when set.
  std::string dumpDirectory;
  bool verbose = false;
  /// f16/bf16 matmuls on GPU matrix instructions (BackendOptions).
  bool gpuMatrixCores = false;
  /// f32 matmuls on tf32 tensor cores (BackendOptions).
  bool allowTf32 = false;
  /// Attention as one kernel with GPU targets too (tgc-fuse-attention; it
  /// always runs when every target is a host target).
  bool gpuFusedAttention = false;
  /// Row kernels read their row once (BackendOptions::gpuRegisterRows).
  bool gpuRegisterRows = false;
  /// Told as each stage starts ("linalg", "lowering for host", "code
  /// generation", "bundle"), with the number of kernels formed so far: tgc
  /// shows it on a terminal. May be empty.
  std::function<void(llvm::StringRef stage, size_t kernels)> progress;
  /// Applied to every PassManager (IR printing options); may be empty.
  std::function<void(mlir::PassManager &)> configurePassManager;
  /// When set, each stage and target back end is timed under this scope.
  mlir::TimingScope *timing = nullptr;
  /// Applied to a bundle as soon as it is written, before anything else
  /// sees it (dumps included): tgc and the JIT sign it here. Returns an
  /// error message, empty on success.
  std::function<std::string(std::vector<uint8_t> &bundle)> sealBundle;
  /// Weights the bundle refers to rather than holds (tgc --weights=external;
  /// filled by the front end). Null: every constant is in the bundle.
  const ExternalWeights *externalWeights = nullptr;
};

struct CompileResult {
  /// Textual output (IR, assembly, PTX).
  std::string text;
  /// Binary output: the bundle, a cubin or an HSACO.
  std::vector<uint8_t> bytes;
  /// Code objects not made because an optional tool is missing (e.g. cubin
  /// without ptxas); the caller reports them as warnings.
  std::vector<std::string> skipped;
};

/// "tgc <version> (LLVM <version>)": recorded in bundles, part of cache keys.
std::string producerString();

/// Registers every dialect the pipeline parses or produces.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Compiles a verified module of tg ops in place. On failure a located
/// diagnostic has been emitted.
mlir::LogicalResult compile(mlir::ModuleOp module,
                            const CompileOptions &options,
                            CompileResult &result);

} // namespace tgc

#endif // TGC_COMPILER_PIPELINE_H
