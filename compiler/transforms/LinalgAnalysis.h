//===- LinalgAnalysis.h - structural queries on linalg.generic --*- C++ -*-===//
//
// Shared by dispatch formation and kernel code generation so that both agree
// on what an elementwise op, a reduction and a contraction are.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_TRANSFORMS_LINALGANALYSIS_H
#define TGC_COMPILER_TRANSFORMS_LINALGANALYSIS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace tgc {

/// All loops parallel, one result.
bool isElementwise(mlir::Operation *op);

/// A contraction `C[.., m, n] += A[..] * B[..]` over exactly one reduction
/// loop, which is the innermost; operands may be converted (extf, sitofp)
/// before the multiply.
bool isContraction(mlir::Operation *op);

/// A single-result reduction (not a contraction) whose payload is
/// `yield combine(out, f(inputs))`, `combine` one of the associative ops
/// below, with all reduction loops after all parallel loops.
bool isReduction(mlir::Operation *op);

enum class CombineKind { AddF, MulF, MaxF, MinF, AddI, MulI, MaxSI, MinSI };

/// The combining op of a reduction payload (see isReduction), or null.
mlir::Operation *getCombiner(mlir::linalg::GenericOp op);
std::optional<CombineKind> getCombineKind(mlir::Operation *combiner);

/// The identity element of a combine kind in type `type`.
mlir::TypedAttr getCombineIdentity(mlir::OpBuilder &b, CombineKind kind,
                                   mlir::Type type);

/// The contraction of a matmul kernel with its loops named: batch loops,
/// then m, n and the reduction k (the order isContraction guarantees); the
/// lhs reads m but not n, the rhs n but not m.
struct MatmulLoops {
  mlir::linalg::GenericOp op;
  unsigned numBatch, mDim, nDim, kDim;
  int64_t M, N, K;
  llvm::SmallVector<int64_t> batchShape;
  mlir::OpOperand *lhs, *rhs;
  mlir::AffineMap lhsMap, rhsMap;
  mlir::Type accumulator; // element type of the contraction's result
};

/// The contraction in `kernel` in matmul form, or nullopt (none, or one the
/// matmul templates do not cover: matrix-vector products whose unit loops
/// were dropped, operands indexed otherwise).
std::optional<MatmulLoops> analyzeMatmul(mlir::Operation *kernel);

/// `v` without the reshapes (expand/collapse_shape) on top of it.
mlir::Value stripReshapes(mlir::Value v);

/// Ops the kernel generator evaluates by index arithmetic wherever they are
/// used (cloned into every kernel that reads them) instead of materializing
/// their result: elementwise generics, reshapes, slices and concats.
bool isInlinable(mlir::Operation *op);

} // namespace tgc

#endif // TGC_COMPILER_TRANSFORMS_LINALGANALYSIS_H
