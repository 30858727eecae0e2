//===- TgDialect.h - the tg dialect -----------------------------*- C++ -*-===//

#ifndef TGC_IR_TGDIALECT_H
#define TGC_IR_TGDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ir/TgDialect.h.inc"
#include "ir/TgEnums.h.inc"

namespace mlir::tg {

/// Checks that every tensor operand and result has a static shape and an
/// element type tg supports; the diagnostic names the operand and shape.
LogicalResult verifyTensorTypes(Operation *op);
/// Bytes of a static tensor as tgc stores it (i1: one byte per element),
/// computed with overflow checks; nullopt beyond 2^64.
std::optional<uint64_t> checkedStorageBytes(RankedTensorType type);
/// Why a static tensor type is beyond what tgc's runtime accepts (rank above
/// 64, more than 2^48 bytes: format/Limits.h), or "" when it is not.
std::string tensorLimitProblem(RankedTensorType type);
/// Checks that every operand has a floating-point element type.
LogicalResult verifyFloatElements(Operation *op);
/// Checks that no operand has element type i1.
LogicalResult verifyNumericElements(Operation *op);

template <typename ConcreteOp>
class TgTensorTypes : public OpTrait::TraitBase<ConcreteOp, TgTensorTypes> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return verifyTensorTypes(op);
  }
};

template <typename ConcreteOp>
class TgFloatElements : public OpTrait::TraitBase<ConcreteOp, TgFloatElements> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return verifyFloatElements(op);
  }
};

template <typename ConcreteOp>
class TgNumericElements
    : public OpTrait::TraitBase<ConcreteOp, TgNumericElements> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return verifyNumericElements(op);
  }
};

/// NumPy broadcasting of two static shapes; nullopt when incompatible.
std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b);

/// Shared result-type inference for broadcasting binary ops. A null
/// `elementType` keeps the operands' element type.
LogicalResult inferBroadcastBinary(StringRef opName,
                                   std::optional<Location> loc, Value lhs,
                                   Value rhs, Type elementType,
                                   SmallVectorImpl<Type> &types);
LogicalResult inferReduction(StringRef opName, std::optional<Location> loc,
                             Value input, ArrayRef<int64_t> axes, bool keepDims,
                             SmallVectorImpl<Type> &types);

} // namespace mlir::tg

#define GET_OP_CLASSES
#include "ir/TgOps.h.inc"

#endif // TGC_IR_TGDIALECT_H
