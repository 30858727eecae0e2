//===- GenerateGpuKernels.cpp - kernel functions to gpu.func --------------===//
//
// One gpu.func per outlined kernel, in `gpu.module @tgc_gpu_kernels`, with
// one memref argument per binding (kernel inputs, then the output), made by
// the strategy of the kernel's kind (gpu/*Strategy.cpp). The launch shape is
// recorded on the kernel function as tgc.gpu_grid and tgc.gpu_block.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/codegen/gpu/GpuKernelBuilder.h"

namespace tgc {
#define GEN_PASS_DEF_TGCGENERATEGPUKERNELS
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;

static LogicalResult generate(GpuKernelBuilder &kernel) {
  switch (*getKernelKind(kernel.func)) {
  case KernelKind::elementwise:
    return generateGpuElementwiseKernel(kernel, /*vectorize=*/true);
  case KernelKind::row:
    return generateGpuRowKernel(kernel);
  case KernelKind::matmul:
    // Contractions the matmul strategy does not cover (matrix-vector
    // products whose unit loops were dropped) run as generic kernels.
    if (std::optional<MatmulLoops> loops = analyzeMatmul(kernel.func))
      return generateGpuMatmulKernel(kernel, *loops);
    break;
  case KernelKind::generic:
    break;
  case KernelKind::update_slice:
    return generateGpuUpdateSliceKernel(kernel);
  case KernelKind::attention:
    // The pipeline fuses attention only when every target is a host target.
    return kernel.func.emitError(
        "fused attention has no GPU strategy; compile the unfused ops");
  }
  return generateGpuElementwiseKernel(kernel, /*vectorize=*/false);
}

namespace {

struct TgcGenerateGpuKernels
    : tgc::impl::TgcGenerateGpuKernelsBase<TgcGenerateGpuKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    b.getUnitAttr());
    auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(),
                                              TgcDialect::kGpuKernelModuleName);
    for (auto kernel : module.getOps<func::FuncOp>()) {
      if (!isKernelFunction(kernel))
        continue;
      GpuKernelBuilder builder(kernel, gpuModule, gpuDialectHooks());
      if (failed(generate(builder))) {
        kernel.emitError("cannot generate a GPU kernel");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
