//===- AmdgpuBackend.cpp - AMD targets: HSACO code objects ----------------===//

#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/TargetUtils.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace tgc;
using namespace tgc::detail;

/// Code object version 5: what LLVM 22 emits by default and what ROCm 6
/// loaders expect; stated explicitly so an LLVM upgrade cannot change the
/// kernel argument layout (hidden arguments) under the runtime's feet.
static constexpr int kCodeObjectVersion = 500;

/// Translates, optimizes and emits `module` for `chip` as an object file or
/// assembly.
static FailureOr<SmallString<0>> compileAmdgpu(gpu::GPUModuleOp module,
                                               const Target &target,
                                               unsigned optLevel,
                                               llvm::CodeGenFileType type) {
  Location loc = module.getLoc();
  if (!target.isAmd())
    return emitError(loc) << "'" << target.name()
                          << "' is not an AMD chip (gfxNNNN)";
  StringRef chip = target.cpu();
  if (failed(verifyFullyLowered(module, chip)))
    return failure();
  auto machine = createTargetMachine(loc, target.triple(), chip, "", optLevel,
                                     /*pic=*/false);
  if (failed(machine))
    return failure();
  llvm::LLVMContext llvmContext;
  auto llvmModule = translateToLlvm(module, llvmContext, **machine);
  if (failed(llvmModule))
    return failure();
  if (!(*llvmModule)->getModuleFlag("amdhsa_code_object_version"))
    (*llvmModule)
        ->addModuleFlag(llvm::Module::Error, "amdhsa_code_object_version",
                        kCodeObjectVersion);
  if (failed(optimizeModule(loc, **llvmModule, **machine, optLevel)) ||
      failed(checkNoExternals(loc, **llvmModule, {}, chip)))
    return failure();
  return emitMachineCode(loc, **llvmModule, **machine, type);
}

FailureOr<std::string> tgc::emitAmdgpuAssembly(gpu::GPUModuleOp module,
                                               const Target &target,
                                               unsigned optLevel) {
  auto assembly = compileAmdgpu(module, target, optLevel,
                                llvm::CodeGenFileType::AssemblyFile);
  if (failed(assembly))
    return failure();
  return std::string(assembly->str());
}

FailureOr<Binary> tgc::emitHsaco(gpu::GPUModuleOp module, const Target &target,
                                 unsigned optLevel) {
  Location loc = module.getLoc();
  // Fail before doing any work if the link step cannot happen.
  std::optional<std::string> lld = findLld();
  if (!lld)
    return emitError(loc)
           << "ld.lld is needed to link AMD code objects but was not found "
              "(looked at $TGC_LD_LLD, " TGC_LLVM_TOOLS_DIR
              ", and PATH for ld.lld and ld.lld-22; Debian: lld-22)";

  auto object = compileAmdgpu(module, target, optLevel,
                              llvm::CodeGenFileType::ObjectFile);
  if (failed(object))
    return failure();

  FailureOr<TempDir> dir = TempDir::create(loc);
  if (failed(dir) || failed(dir->write(loc, "kernels.o", *object)))
    return failure();
  std::vector<std::string> args = {*lld, "-shared", "-o",
                                   dir->file("kernels.hsaco"),
                                   dir->file("kernels.o")};
  if (failed(runTool(loc, *dir, *lld, args, "linking the HSACO with ld.lld")))
    return failure();
  FailureOr<Binary> hsaco = dir->read(loc, "kernels.hsaco");
  if (failed(hsaco))
    return failure();

  FailureOr<LinkedSymbols> symbols = readLinkedSymbols(loc, *hsaco);
  if (failed(symbols))
    return failure();
  if (!symbols->undefined.empty()) {
    InFlightDiagnostic diag = emitError(loc);
    diag << "HSACO for " << target.name() << " has undefined symbols: ";
    llvm::interleaveComma(symbols->undefined, diag);
    return diag;
  }
  // The loader finds kernels by name and their descriptors as <name>.kd.
  for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
    if (!func->hasAttr(ROCDL::ROCDLDialect::getKernelFuncAttrName()))
      continue;
    std::string descriptor = (func.getName() + ".kd").str();
    if (!llvm::is_contained(symbols->exported, descriptor))
      return func.emitError() << "kernel descriptor '" << descriptor
                              << "' is missing from the HSACO";
  }
  return std::move(*hsaco);
}

//===----------------------------------------------------------------------===//
// The back end
//===----------------------------------------------------------------------===//

namespace {

class AmdgpuBackend : public GpuTargetBackend {
public:
  using GpuTargetBackend::GpuTargetBackend;

  bool hasAssembly() const override { return true; }
  FailureOr<std::string> emitAssembly(ModuleOp lowered,
                                      unsigned optLevel) const override {
    return emitAmdgpuAssembly(gpuModule(lowered), target(), optLevel);
  }

  LogicalResult emit(ModuleOp lowered, ArrayRef<CodeFormat> formats,
                     unsigned optLevel, std::vector<CodeObject> &objects,
                     std::vector<SkippedCode> &) const override {
    if (!llvm::is_contained(formats, CodeFormat::Hsaco))
      return success();
    FailureOr<Binary> hsaco = emitHsaco(gpuModule(lowered), target(), optLevel);
    if (failed(hsaco))
      return failure();
    objects.push_back(codeObject(CodeFormat::Hsaco, *hsaco));
    return success();
  }
};

} // namespace

std::unique_ptr<TargetBackend>
tgc::detail::createAmdgpuBackend(const Target &target,
                                 const BackendOptions &options) {
  return std::make_unique<AmdgpuBackend>(target, options);
}
