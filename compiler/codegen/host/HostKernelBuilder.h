//===- HostKernelBuilder.h - host workgroup functions -----------*- C++ -*-===//
//
// A host kernel is `@<kernel>_body(memref bindings..., %begin, %end)` in the
// nested `module @tgc_host_kernels`: it computes workgroups [begin, end),
// which the host runtime splits over its thread pool; the target back end
// wraps each body in the C ABI of docs/host-abi.md. Host strategies
// (host/*Strategy.cpp) fill the body of one workgroup; inner loops walk the
// innermost dimension so LLVM can vectorize them.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_CODEGEN_HOST_HOSTKERNELBUILDER_H
#define TGC_COMPILER_CODEGEN_HOST_HOSTKERNELBUILDER_H

#include "compiler/codegen/KernelEmitter.h"
#include "compiler/codegen/KernelStrategy.h"

#include "mlir/IR/BuiltinOps.h"

namespace tgc {

/// The target's vector registers, which register tiles are sized for.
struct HostVectorShape {
  unsigned bits = 256;
  unsigned registers = 16;
  /// f32 lanes of one register.
  int64_t lanes() const { return bits / 32; }
};

class HostKernelBuilder : public KernelFunction {
public:
  HostKernelBuilder(mlir::func::FuncOp kernel, mlir::ModuleOp hostModule,
                    HostVectorShape vectors)
      : KernelFunction(kernel), vectors(vectors), hostModule(hostModule) {}

  /// Builds one workgroup `wg`, writing the output memref `out`.
  using BodyFn = llvm::function_ref<void(mlir::OpBuilder &, KernelEmitter &,
                                         mlir::Value wg, mlir::Value out)>;
  /// Runs once per call before the workgroup loop (per-call buffers).
  using PrologueFn =
      llvm::function_ref<void(mlir::OpBuilder &, KernelEmitter &)>;

  /// Creates the body function, a loop over workgroups [begin, end), and
  /// records `workgroups` on the kernel. With `workspaceBytes`, the body
  /// takes a per-thread workspace (workspace()) after the output. Fails
  /// (with a diagnostic) when the emitter could not evaluate the kernel.
  mlir::LogicalResult createFunc(int64_t workgroups, BodyFn body,
                                 PrologueFn prologue = nullptr,
                                 int64_t workspaceBytes = 0);

  /// The workspace argument (memref<N x i8>), inside createFunc's callbacks.
  mlir::Value workspace() const { return workspaceArg; }
  /// The workspace as one buffer of `elements` values of type `element`
  /// (blocks are offsets into it), inside createFunc's callbacks.
  mlir::Value typedWorkspace(mlir::OpBuilder &b, mlir::Type element,
                             int64_t elements);

  const HostVectorShape vectors;

  /// for j in [lb, ub): body(j), in its own emitter scope.
  void loop(mlir::OpBuilder &b, KernelEmitter &e, mlir::Value lb,
            mlir::Value ub, llvm::function_ref<void(mlir::Value)> body);

private:
  mlir::ModuleOp hostModule;
  mlir::Value workspaceArg;
};

/// What host strategies that build loop nests by hand share: index
/// arithmetic that folds constants, and scf.for loops whose bodies get their
/// own emitter scope.
class HostLoopBuilder {
protected:
  explicit HostLoopBuilder(mlir::Location loc) : loc(loc) {}

  mlir::Value add(mlir::OpBuilder &b, mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::OpBuilder &b, mlir::Value x, mlir::Value y);
  mlir::Value min(mlir::OpBuilder &b, mlir::Value x, mlir::Value y);
  mlir::Value less(mlir::OpBuilder &b, mlir::Value x, mlir::Value y);

  /// for iv in [lb, ub) step: body(iv, carried) -> next carried values.
  using CarriedBody = llvm::function_ref<llvm::SmallVector<mlir::Value>(
      mlir::Value iv, mlir::ValueRange carried)>;
  llvm::SmallVector<mlir::Value> loop(mlir::OpBuilder &b, KernelEmitter &e,
                                      mlir::Value lb, mlir::Value ub,
                                      int64_t step, mlir::ValueRange init,
                                      CarriedBody body);
  /// for iv in [lb, ub) step: body(iv).
  void loop(mlir::OpBuilder &b, KernelEmitter &e, mlir::Value lb,
            mlir::Value ub, int64_t step,
            llvm::function_ref<void(mlir::Value)> body);

  mlir::Location loc;
};

/// Elementwise and generic kernels: a workgroup is a block of rows of the
/// output.
mlir::LogicalResult generateHostElementwiseKernel(HostKernelBuilder &kernel);
/// Row kernels: a workgroup is one row; reductions are serial loops whose
/// combining op may be reassociated (vectorized).
mlir::LogicalResult generateHostRowKernel(HostKernelBuilder &kernel);
/// Matmul kernels: a workgroup is an output tile.
mlir::LogicalResult generateHostMatmulKernel(HostKernelBuilder &kernel,
                                             const MatmulLoops &loops);
/// Fused attention kernels (one tgc.attention): a workgroup is a block of
/// queries of one batch entry.
mlir::LogicalResult generateHostAttentionKernel(HostKernelBuilder &kernel);
/// update_slice kernels: only the window of a tg.dynamic_update_slice, a
/// workgroup per block of rows of the update.
mlir::LogicalResult generateHostUpdateSliceKernel(HostKernelBuilder &kernel);

} // namespace tgc

#endif // TGC_COMPILER_CODEGEN_HOST_HOSTKERNELBUILDER_H
