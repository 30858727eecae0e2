//===- TargetUtils.h - Shared pieces of the tgc back ends -------*- C++ -*-===//
//
// Internal to compiler/targets: the math lowering every target shares, the
// LLVM code generation steps, and running external tools (ptxas, ld.lld).
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_TARGETS_TARGETUTILS_H
#define TGC_COMPILER_TARGETS_TARGETUTILS_H

#include "compiler/targets/Targets.h"

#include "mlir/IR/Location.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CodeGen.h"

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir {
class LLVMTypeConverter;
class RewritePatternSet;
} // namespace mlir

namespace tgc {
namespace detail {

//===----------------------------------------------------------------------===//
// Math and the common MLIR lowering steps
//===----------------------------------------------------------------------===//

/// Adds the pattern lowering the math ops left by tgc-lower-math to LLVM
/// intrinsics. With `nativeFma` false, math.fma becomes llvm.fmuladd so that a
/// CPU without FMA gets mul+add instead of a call to libm's fmaf.
void populateNativeMathToLLVMPatterns(mlir::LLVMTypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      bool nativeFma);

/// Adds what every target's kernel code converts to LLVM with: arith, cf,
/// func, memref, vector, index, ub and the native math ops.
void populateKernelToLLVMPatterns(mlir::LLVMTypeConverter &converter,
                                  mlir::RewritePatternSet &patterns,
                                  bool nativeFma);

/// Fails, at the first one, if any op outside the LLVM, NVVM and ROCDL
/// dialects is left under `root` (other than `root` itself).
mlir::LogicalResult verifyFullyLowered(mlir::Operation *root,
                                       llvm::StringRef what);

/// Loads the LLVM IR translation interfaces of the dialects we produce.
void registerTranslations(mlir::MLIRContext *context);

//===----------------------------------------------------------------------===//
// LLVM code generation
//===----------------------------------------------------------------------===//

/// Initializes the LLVM targets tgc uses (X86, AArch64, NVPTX, AMDGPU),
/// once per process.
void initializeLlvmTargets();

/// A TargetMachine for the triple/CPU/features or a diagnostic at `loc`.
mlir::FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(mlir::Location loc, llvm::StringRef triple,
                    llvm::StringRef cpu, llvm::StringRef features,
                    unsigned optLevel, bool pic);

/// Translates `op` (a gpu.module or builtin.module in the LLVM dialect) to LLVM
/// IR with the target's triple and data layout.
mlir::FailureOr<std::unique_ptr<llvm::Module>>
translateToLlvm(mlir::Operation *op, llvm::LLVMContext &llvmContext,
                llvm::TargetMachine &machine);

/// Runs the LLVM middle-end pipeline for `optLevel` (0-3).
mlir::LogicalResult optimizeModule(mlir::Location loc, llvm::Module &module,
                                   llvm::TargetMachine &machine,
                                   unsigned optLevel);

/// Fails, naming them, if `module` declares functions or globals it does not
/// define, other than intrinsics and `allowed`.
mlir::LogicalResult checkNoExternals(mlir::Location loc, llvm::Module &module,
                                     llvm::ArrayRef<llvm::StringRef> allowed,
                                     llvm::StringRef target);

/// Emits assembly or an object file.
mlir::FailureOr<llvm::SmallString<0>>
emitMachineCode(mlir::Location loc, llvm::Module &module,
                llvm::TargetMachine &machine, llvm::CodeGenFileType type);

//===----------------------------------------------------------------------===//
// External tools
//===----------------------------------------------------------------------===//

/// A private (0700) temporary directory, removed with its content.
class TempDir {
public:
  static mlir::FailureOr<TempDir> create(mlir::Location loc);
  TempDir(TempDir &&other) : path(std::move(other.path)) { other.path.clear(); }
  TempDir(const TempDir &) = delete;
  ~TempDir();
  std::string file(llvm::StringRef name) const;
  mlir::LogicalResult write(mlir::Location loc, llvm::StringRef name,
                            llvm::StringRef contents) const;
  mlir::FailureOr<Binary> read(mlir::Location loc, llvm::StringRef name) const;

private:
  TempDir(std::string path) : path(std::move(path)) {}
  std::string path;
};

/// Runs `program` with `args` (args[0] is the program name), with stdout and
/// stderr captured into files in `dir`. On a non-zero exit, emits an error at
/// `loc` with `what` and the tool's output.
mlir::LogicalResult runTool(mlir::Location loc, const TempDir &dir,
                            llvm::StringRef program,
                            llvm::ArrayRef<std::string> args,
                            llvm::StringRef what);

/// Symbols of a linked shared object (ELF .so/HSACO or Mach-O dylib) as
/// seen by the dynamic loader, C names (no Mach-O leading underscore).
struct LinkedSymbols {
  std::vector<std::string> undefined;
  std::vector<std::string> exported;
};
mlir::FailureOr<LinkedSymbols> readLinkedSymbols(mlir::Location loc,
                                                 const Binary &bytes);

/// The first executable named one of `names` in `dirs`, then in PATH.
std::optional<std::string> findProgram(llvm::ArrayRef<llvm::StringRef> names,
                                       llvm::ArrayRef<std::string> dirs);

} // namespace detail
} // namespace tgc

#endif // TGC_COMPILER_TARGETS_TARGETUTILS_H
