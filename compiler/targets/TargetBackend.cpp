//===- TargetBackend.cpp - choosing and sharing back-end code -------------===//

#include "compiler/targets/TargetBackend.h"

#include "compiler/targets/Targets.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

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

FailureOr<LoweredKernels> GpuTargetBackend::lower(ModuleOp module) const {
  auto lowered = cloneKernelModule(module, TgcDialect::kGpuKernelModuleName);
  if (failed(lowered) || failed(lowerGpuModule(gpuModule(**lowered), target())))
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

std::unique_ptr<TargetBackend> tgc::createTargetBackend(const Target &target) {
  switch (target.kind()) {
  case TargetKind::Cuda:
    return detail::createNvptxBackend(target);
  case TargetKind::Hip:
    return detail::createAmdgpuBackend(target);
  case TargetKind::Host:
    break;
  }
  return detail::createHostBackend(target);
}
