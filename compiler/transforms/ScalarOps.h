//===- ScalarOps.h - scalar semantics of elementwise tg ops -----*- C++ -*-===//

#ifndef TGC_COMPILER_TRANSFORMS_SCALAROPS_H
#define TGC_COMPILER_TRANSFORMS_SCALAROPS_H

#include "mlir/IR/Builders.h"

namespace tgc {

/// The type arithmetic is carried out in: f32 for f16 and bf16 (their
/// results are rounded once at the end), else the element type itself.
mlir::Type computeType(mlir::Type element);

/// Converts a scalar between tg element types with tg.cast semantics
/// (float->int truncates toward zero and saturates, NaN -> 0; x -> i1 is
/// x != 0; i1 -> number is 0 or 1; integers are signed).
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          mlir::Type to);

/// Builds the scalar computation of the elementwise tg op `op` on `args`
/// (elements of its operands), producing a value of `resultElement`.
mlir::Value buildScalarOp(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Operation *op, mlir::ValueRange args,
                          mlir::Type resultElement);

} // namespace tgc

#endif // TGC_COMPILER_TRANSFORMS_SCALAROPS_H
