//===- GenerateHostKernels.cpp - kernel functions for the host CPU --------===//
//
// One workgroup function `@<kernel>_body` per kernel function in the nested
// `module @tgc_host_kernels`, made by the strategy of the kernel's kind
// (host/*Strategy.cpp); the workgroup count goes on the kernel function as
// tgc.host_workgroups.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/codegen/host/HostKernelBuilder.h"

namespace tgc {
#define GEN_PASS_DEF_TGCGENERATEHOSTKERNELS
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;

static LogicalResult generate(HostKernelBuilder &kernel) {
  switch (*getKernelKind(kernel.func)) {
  case KernelKind::row:
    return generateHostRowKernel(kernel);
  case KernelKind::matmul:
    if (std::optional<MatmulLoops> loops = analyzeMatmul(kernel.func))
      return generateHostMatmulKernel(kernel, *loops);
    break;
  case KernelKind::attention:
    return generateHostAttentionKernel(kernel);
  case KernelKind::update_slice:
    return generateHostUpdateSliceKernel(kernel);
  case KernelKind::elementwise:
  case KernelKind::generic:
    break;
  }
  return generateHostElementwiseKernel(kernel);
}

namespace {

struct TgcGenerateHostKernels
    : tgc::impl::TgcGenerateHostKernelsBase<TgcGenerateHostKernels> {
  using TgcGenerateHostKernelsBase::TgcGenerateHostKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    HostVectorShape vectors{vectorBits, vectorRegisters};
    if ((vectors.bits != 128 && vectors.bits != 256 && vectors.bits != 512) ||
        (vectors.registers != 16 && vectors.registers != 32)) {
      module.emitError() << "unsupported host vector shape: " << vectors.bits
                         << " bits, " << vectors.registers << " registers";
      return signalPassFailure();
    }
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto hostModule =
        ModuleOp::create(b, module.getLoc(), TgcDialect::kHostKernelModuleName);
    getContext()
        .getLoadedDialect<TgcDialect>()
        ->getHostVectorShapeAttrHelper()
        .setAttr(hostModule,
                 b.getDenseI64ArrayAttr(
                     {int64_t(vectorBits), int64_t(vectorRegisters)}));
    for (auto kernel : module.getOps<func::FuncOp>()) {
      if (!isKernelFunction(kernel))
        continue;
      HostKernelBuilder builder(kernel, hostModule, vectors);
      if (failed(generate(builder))) {
        kernel.emitError("cannot generate a host kernel");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
