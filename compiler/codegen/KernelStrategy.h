//===- KernelStrategy.h - what every kernel strategy shares -----*- C++ -*-===//
//
// A strategy turns one kernel function of a given kind (ir/TgcDialect.td)
// into code for one processor family: GPU strategies in gpu/ build a
// gpu.func through the target hooks of gpu/GpuKernelBuilder.h, host
// strategies in host/ build a workgroup function through
// host/HostKernelBuilder.h. Both use KernelEmitter for the scalar value of
// any tensor of the kernel and the helpers here.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_CODEGEN_KERNELSTRATEGY_H
#define TGC_COMPILER_CODEGEN_KERNELSTRATEGY_H

#include "compiler/transforms/LinalgAnalysis.h"
#include "ir/TgDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

namespace tgc {

class AttentionOp;
class KernelEmitter;

/// A kernel function and the tensor it returns.
struct KernelFunction {
  explicit KernelFunction(mlir::func::FuncOp func);

  mlir::func::FuncOp func;
  /// The returned value and its type: what the kernel writes.
  mlir::Value root;
  mlir::RankedTensorType outType;
};

/// The statically shaped memref a tensor of this type is bound as.
mlir::MemRefType memrefFor(mlir::Type tensorType);

/// The reductions a row kernel computes, in program order.
llvm::SmallVector<mlir::linalg::GenericOp>
collectReductions(mlir::Operation *kernel);

/// A row kernel's rows and, per row, the reduced elements (tgc.row_shape and
/// tgc.reduced_shape).
struct RowShapes {
  llvm::ArrayRef<int64_t> rows, reduced;
};
RowShapes getRowShapes(mlir::func::FuncOp kernel);

/// `x combine y` for a reduction's combining op.
mlir::Value combineValues(mlir::OpBuilder &b, mlir::Location loc,
                          CombineKind kind, mlir::Value x, mlir::Value y);

/// `acc + a * b` in the accumulator's type, contractable for floats.
mlir::Value multiplyAdd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                        mlir::Value a, mlir::Value x);

/// Where a tg.dynamic_update_slice writes its update (update_slice kernels):
/// each offset clamped to [0, dim - update dim], as the op defines, as
/// indices.
llvm::SmallVector<mlir::Value>
updateSliceStart(mlir::OpBuilder &b, mlir::Location loc, KernelEmitter &e,
                 mlir::tg::DynamicUpdateSliceOp op);

/// Where a tgc.attention stores element `idx` ([..., M, E] order) of its
/// result: `idx` permuted by the op's result_permutation.
llvm::SmallVector<mlir::Value> attentionResultIndex(AttentionOp op,
                                                    mlir::ValueRange idx);

} // namespace tgc

#endif // TGC_COMPILER_CODEGEN_KERNELSTRATEGY_H
