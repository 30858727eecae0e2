//===- GenerateGpuKernels.cpp - kernel functions to gpu.func --------------===//
//
// One gpu.func per outlined kernel, in `gpu.module @tgc_gpu_kernels`, with
// one memref argument per binding (kernel inputs, then the output), made by
// the strategy of the kernel's kind (gpu/*Strategy.cpp). The launch shape is
// recorded on the kernel function as tgc.gpu_grid and tgc.gpu_block.
//
// The pass makes the kernels every GPU target runs (MatrixCores::None). A
// target with matrix instructions regenerates its own from the kernel
// functions when it is lowered (GpuTargetBackend::lower), with
// generateGpuKernels and its MatrixCores: only the matmul kernels differ.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/codegen/gpu/GpuKernelBuilder.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace tgc {
#define GEN_PASS_DEF_TGCGENERATEGPUKERNELS
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;

/// The operand type for which `cores` computes the matmul of `kernel`, or
/// nullopt when it runs on the FMA strategy.
static std::optional<Type> matrixCoreType(const MatmulLoops &loops,
                                          MatrixCores cores, bool allowTf32) {
  // tf32 is its own opt-in, independent of `cores` (see generateGpuKernels).
  std::optional<Type> type = matrixCoreOperandType(loops, allowTf32);
  if (type && type->isF32())
    return type;
  switch (cores) {
  case MatrixCores::None:
    return std::nullopt;
  case MatrixCores::NvidiaMmaSync:
  case MatrixCores::NvidiaWgmma:
  case MatrixCores::AmdWmmaGfx11:
  case MatrixCores::AmdWmmaGfx12:
    return type;
  }
  return std::nullopt;
}

static LogicalResult generate(GpuKernelBuilder &kernel,
                              const GpuKernelOptions &options) {
  MatrixCores cores = options.cores;
  switch (*getKernelKind(kernel.func)) {
  case KernelKind::elementwise:
    return generateGpuElementwiseKernel(kernel, /*vectorize=*/true);
  case KernelKind::row:
    return generateGpuRowKernel(kernel, options.registerRows);
  case KernelKind::matmul:
    // Contractions the matmul strategy does not cover (matrix-vector
    // products whose unit loops were dropped) run as generic kernels.
    if (std::optional<MatmulLoops> loops = analyzeMatmul(kernel.func)) {
      // wgmma where its copies can read the operands, else mma.sync.
      if (cores == MatrixCores::NvidiaWgmma) {
        if (std::optional<Type> half = wgmmaOperandType(kernel.func, *loops))
          return generateGpuWgmmaMatmulKernel(kernel, *loops, *half);
        cores = MatrixCores::NvidiaMmaSync;
      }
      if (std::optional<Type> half =
              matrixCoreType(*loops, cores, options.allowTf32)) {
        // tf32 kernels are mma.sync kernels whatever `cores` is.
        return generateGpuMatrixCoreMatmulKernel(
            kernel, *loops, *half,
            half->isF32() ? MatrixCores::NvidiaMmaSync : cores);
      }
      return generateGpuMatmulKernel(kernel, *loops);
    }
    break;
  case KernelKind::generic:
    break;
  case KernelKind::update_slice:
    return generateGpuUpdateSliceKernel(kernel);
  case KernelKind::attention:
    return generateGpuAttentionKernel(kernel);
  }
  return generateGpuElementwiseKernel(kernel, /*vectorize=*/false);
}

LogicalResult tgc::generateGpuKernels(ModuleOp module,
                                      const GpuKernelOptions &options) {
  MatrixCores cores = options.cores;
  // The matrix-core strategies build ops of these dialects, which the
  // pipeline (running the FMA strategies only) does not load.
  MLIRContext *context = module.getContext();
  if (cores == MatrixCores::NvidiaMmaSync ||
      cores == MatrixCores::NvidiaWgmma || options.allowTf32)
    context->loadDialect<nvgpu::NVGPUDialect, NVVM::NVVMDialect,
                         LLVM::LLVMDialect, vector::VectorDialect>();
  if (cores == MatrixCores::AmdWmmaGfx11 || cores == MatrixCores::AmdWmmaGfx12)
    context->loadDialect<amdgpu::AMDGPUDialect, vector::VectorDialect>();
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  b.getUnitAttr());
  auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(),
                                            TgcDialect::kGpuKernelModuleName);
  for (auto kernel : module.getOps<func::FuncOp>()) {
    if (!isKernelFunction(kernel))
      continue;
    GpuKernelBuilder builder(kernel, gpuModule, gpuDialectHooks());
    if (failed(generate(builder, options)))
      return kernel.emitError("cannot generate a GPU kernel");
  }
  return success();
}

bool tgc::usesMatrixCores(ModuleOp module, const GpuKernelOptions &options) {
  return llvm::any_of(module.getOps<func::FuncOp>(), [&](func::FuncOp kernel) {
    if (!isKernelFunction(kernel) ||
        getKernelKind(kernel) != KernelKind::matmul)
      return false;
    std::optional<MatmulLoops> loops = analyzeMatmul(kernel);
    return loops &&
           matrixCoreType(*loops, options.cores, options.allowTf32).has_value();
  });
}

namespace {

struct TgcGenerateGpuKernels
    : tgc::impl::TgcGenerateGpuKernelsBase<TgcGenerateGpuKernels> {
  using TgcGenerateGpuKernelsBase::TgcGenerateGpuKernelsBase;

  void runOnOperation() override {
    if (failed(generateGpuKernels(
            getOperation(),
            GpuKernelOptions{MatrixCores::None, false, registerRows})))
      signalPassFailure();
  }
};

} // namespace
