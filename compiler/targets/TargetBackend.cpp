//===- TargetBackend.cpp - choosing and sharing back-end code -------------===//

#include "compiler/targets/TargetBackend.h"

#include "compiler/codegen/gpu/GpuKernelBuilder.h"
#include "compiler/targets/Targets.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace tgc;

TargetBackend::~TargetBackend() = default;

FailureOr<std::string> TargetBackend::emitAssembly(ModuleOp lowered,
                                                   unsigned) const {
  return emitError(lowered.getLoc())
         << target_.name() << " has no assembly apart from its code objects";
}

CodeObject TargetBackend::codeObject(CodeFormat format,
                                     ArrayRef<char> bytes) const {
  return {format, target_.name(), target_.isHost() ? target_.cpu() : "",
          std::vector<uint8_t>(bytes.begin(), bytes.end())};
}

FailureOr<OwningOpRef<ModuleOp>>
TargetBackend::cloneKernelModule(ModuleOp module, StringRef name) const {
  Operation *kernels = SymbolTable::lookupSymbolIn(module, name);
  if (!kernels)
    return emitError(module.getLoc())
           << "no kernels for " << target_.name() << " were generated";
  OpBuilder b(module.getContext());
  OwningOpRef<ModuleOp> copy = ModuleOp::create(module.getLoc());
  (*copy)->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                   b.getUnitAttr());
  b.setInsertionPointToEnd(copy->getBody());
  Operation *clone = b.clone(*kernels);
  if (auto nested = dyn_cast<ModuleOp>(clone)) {
    // Host kernels: splice the functions into the top level.
    copy->getBody()->getOperations().splice(copy->getBody()->begin(),
                                            nested.getBody()->getOperations());
    nested.erase();
  }
  return copy;
}

/// The NN of an NVIDIA target's sm_NN (sm_90a: 90), or 0.
static unsigned nvidiaSm(const Target &target) {
  StringRef chip = target.cpu();
  unsigned sm = 0;
  if (!target.isNvidia() || !chip.consume_front("sm_") ||
      chip.take_while(llvm::isDigit).getAsInteger(10, sm))
    return 0;
  return sm;
}

/// Whether `target` is NVIDIA sm_80 (Ampere) or newer: the first with
/// mma.sync.m16n8k16 for bf16 and m16n8k8 for tf32.
static bool isSm80OrNewer(const Target &target) {
  return nvidiaSm(target) >= 80;
}

/// The matrix instructions the kernels of `target` use. sm_80 (Ampere) is
/// the first with mma.sync.m16n8k16 for bf16 (f16 has it from sm_75, which
/// keeps the FMA kernels). sm_90 (Hopper) gets wgmma, which is sm_90a code:
/// it runs on sm_90 only. sm_100 and sm_120 (Blackwell) have no wgmma (their
/// tcgen05 and mma.sync families differ), so they, and any later chip, get
/// the mma.sync kernels, which they execute natively. On AMD gfx11 (RDNA3)
/// and gfx1200/gfx1201 (RDNA4), whose WMMA lays fragments out differently;
/// gfx1250's WMMA is another shape (16x16x32) and CDNA's MFMA
/// another instruction family.
static MatrixCores matrixCoresFor(const Target &target,
                                  const BackendOptions &options) {
  if (!options.gpuMatrixCores)
    return MatrixCores::None;
  StringRef chip = target.cpu();
  if (isSm80OrNewer(target))
    return nvidiaSm(target) == 90 ? MatrixCores::NvidiaWgmma
                                  : MatrixCores::NvidiaMmaSync;
  if (target.isAmd() && chip.starts_with("gfx11") && chip.size() == 7)
    return MatrixCores::AmdWmmaGfx11;
  if (target.isAmd() && (chip == "gfx1200" || chip == "gfx1201"))
    return MatrixCores::AmdWmmaGfx12;
  return MatrixCores::None;
}

FailureOr<LoweredKernels> GpuTargetBackend::lower(ModuleOp module) const {
  // The pipeline generated the kernels every GPU target runs; a target with
  // matrix instructions makes its own when a matmul can use them.
  OwningOpRef<ModuleOp> regenerated;
  MatrixCores cores = matrixCoresFor(target(), options());
  // tf32 only where mma.sync has it; AMD has no tf32 kernels.
  GpuKernelOptions kernelOptions{cores,
                                 options().allowTf32 && isSm80OrNewer(target()),
                                 options().gpuRegisterRows};
  if ((cores != MatrixCores::None || kernelOptions.allowTf32) &&
      usesMatrixCores(module, kernelOptions)) {
    regenerated = module.clone();
    if (Operation *old = SymbolTable::lookupSymbolIn(
            *regenerated, TgcDialect::kGpuKernelModuleName))
      old->erase();
    if (failed(generateGpuKernels(*regenerated, kernelOptions)))
      return failure();
    module = *regenerated;
  }
  auto lowered = cloneKernelModule(module, TgcDialect::kGpuKernelModuleName);
  if (failed(lowered))
    return failure();
  // wgmma kernels are sm_90a code: the back end emits PTX and cubin for
  // sm_90a and records them so (NvptxBackend.cpp).
  bool archSpecific = false;
  (*lowered)->walk([&](Operation *op) {
    if (isa<NVVM::WgmmaMmaAsyncOp>(op))
      archSpecific = true;
  });
  if (archSpecific)
    (**lowered)->setAttr(kArchSpecificAttrName,
                         UnitAttr::get(module.getContext()));
  if (failed(lowerGpuModule(gpuModule(**lowered), target())))
    return failure();
  LoweredKernels result{std::move(*lowered), {}};
  auto *tgc = module.getContext()->getLoadedDialect<TgcDialect>();
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!isKernelFunction(func))
      continue;
    DenseI64ArrayAttr grid = tgc->getGpuGridAttrHelper().getAttr(func);
    DenseI64ArrayAttr block = tgc->getGpuBlockAttrHelper().getAttr(func);
    if (!grid || !block)
      return emitError(func.getLoc())
             << "kernel '" << func.getSymName() << "' has no GPU launch shape";
    KernelLaunch &launch = result.launches.emplace_back();
    llvm::copy(grid.asArrayRef(), launch.grid.begin());
    llvm::copy(block.asArrayRef(), launch.block.begin());
  }
  return result;
}

gpu::GPUModuleOp GpuTargetBackend::gpuModule(ModuleOp lowered) {
  return *lowered.getOps<gpu::GPUModuleOp>().begin();
}

std::unique_ptr<TargetBackend>
tgc::createTargetBackend(const Target &target, const BackendOptions &options) {
  switch (target.kind()) {
  case TargetKind::Cuda:
    return detail::createNvptxBackend(target, options);
  case TargetKind::Hip:
    return detail::createAmdgpuBackend(target, options);
  case TargetKind::Host:
    break;
  }
  return detail::createHostBackend(target);
}
