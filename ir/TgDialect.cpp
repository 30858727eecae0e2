//===- TgDialect.cpp - the tg dialect -------------------------------------===//

#include "ir/TgDialect.h"

#include "format/Limits.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::tg;

#include "ir/TgDialect.cpp.inc"
#include "ir/TgEnums.cpp.inc"

void TgDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/TgOps.cpp.inc"
      >();
}

Operation *TgDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

static bool isSupportedElementType(Type type) {
  return type.isF32() || type.isF16() || type.isBF16() ||
         type.isSignlessInteger(32) || type.isSignlessInteger(8) ||
         type.isSignlessInteger(1);
}

std::optional<uint64_t> mlir::tg::checkedStorageBytes(RankedTensorType type) {
  unsigned bits = type.getElementTypeBitWidth();
  uint64_t bytes = bits == 1 ? 1 : (bits + 7) / 8;
  for (int64_t dim : type.getShape()) {
    if (dim < 0 || __builtin_mul_overflow(bytes, uint64_t(dim), &bytes))
      return std::nullopt;
  }
  return bytes;
}

std::string mlir::tg::tensorLimitProblem(RankedTensorType type) {
  if (!type.hasStaticShape())
    return "";
  std::string problem;
  llvm::raw_string_ostream os(problem);
  if (type.getRank() > int64_t(tgc::format::kMaxRank)) {
    os << type << " has rank " << type.getRank() << "; tgc supports at most "
       << tgc::format::kMaxRank << " dimensions";
    return problem;
  }
  // Checked multiplication: 4611686018427387905x4 must not wrap to 4.
  std::optional<uint64_t> bytes = checkedStorageBytes(type);
  if (!bytes || *bytes > tgc::format::kMaxTensorBytes) {
    os << type << " is ";
    if (bytes)
      os << *bytes << " bytes";
    else
      os << "more than 2^64 bytes";
    os << ", more than tgc's limit of 2^48 bytes for a tensor";
  }
  return problem;
}

static LogicalResult checkTensorType(Operation *op, Type type, StringRef role,
                                     unsigned index) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return op->emitOpError()
           << role << " #" << index << " must be a ranked tensor, got " << type;
  for (auto [dim, size] : llvm::enumerate(tensor.getShape())) {
    if (ShapedType::isDynamic(size))
      return op->emitOpError()
             << role << " #" << index << " has a dynamic dimension " << dim
             << " in " << type << "; tg requires static shapes";
    // Empty tensors would need special cases in every kernel and launch
    // (zero-sized grids); models do not produce them.
    if (size == 0)
      return op->emitOpError()
             << role << " #" << index << " has an empty dimension " << dim
             << " in " << type << "; tg requires non-empty tensors";
  }
  if (!isSupportedElementType(tensor.getElementType()))
    return op->emitOpError()
           << role << " #" << index << " has unsupported element type "
           << tensor.getElementType()
           << " (tg supports f32, f16, bf16, i32, i8 and i1)";
  std::string problem = tensorLimitProblem(tensor);
  if (!problem.empty())
    return op->emitOpError() << role << " #" << index << ": " << problem;
  return success();
}

LogicalResult mlir::tg::verifyTensorTypes(Operation *op) {
  for (auto [index, type] : llvm::enumerate(op->getOperandTypes()))
    if (failed(checkTensorType(op, type, "operand", index)))
      return failure();
  for (auto [index, type] : llvm::enumerate(op->getResultTypes()))
    if (failed(checkTensorType(op, type, "result", index)))
      return failure();
  return success();
}

LogicalResult mlir::tg::verifyFloatElements(Operation *op) {
  for (auto [index, type] : llvm::enumerate(op->getOperandTypes())) {
    Type element = getElementTypeOrSelf(type);
    if (!isa<FloatType>(element))
      return op->emitOpError()
             << "operand #" << index << " has element type " << element
             << "; requires a floating-point type (f32, f16 or bf16)";
  }
  return success();
}

LogicalResult mlir::tg::verifyNumericElements(Operation *op) {
  for (auto [index, type] : llvm::enumerate(op->getOperandTypes()))
    if (getElementTypeOrSelf(type).isSignlessInteger(1))
      return op->emitOpError()
             << "operand #" << index
             << " has element type i1; requires a numeric type (use "
                "tg.cast or tg.select)";
  return success();
}

std::optional<SmallVector<int64_t>>
mlir::tg::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[rank - 1 - i] = da == 1 ? db : da;
  }
  return result;
}

LogicalResult mlir::tg::inferBroadcastBinary(StringRef opName,
                                             std::optional<Location> loc,
                                             Value lhs, Value rhs,
                                             Type elementType,
                                             SmallVectorImpl<Type> &types) {
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  auto rhsType = dyn_cast<RankedTensorType>(rhs.getType());
  if (!lhsType || !rhsType)
    return emitOptionalError(loc, "'", opName,
                             "' op operands must be ranked tensors");
  if (lhsType.getElementType() != rhsType.getElementType())
    return emitOptionalError(
        loc, "'", opName,
        "' op operand element types differ: ", lhsType.getElementType(), " vs ",
        rhsType.getElementType(), " (insert a tg.cast)");
  auto shape = broadcastShapes(lhsType.getShape(), rhsType.getShape());
  if (!shape)
    return emitOptionalError(
        loc, "'", opName, "' op operand shapes cannot be broadcast: ", lhsType,
        " and ", rhsType);
  types.push_back(RankedTensorType::get(
      *shape, elementType ? elementType : lhsType.getElementType()));
  return success();
}

LogicalResult mlir::tg::inferReduction(StringRef opName,
                                       std::optional<Location> loc, Value input,
                                       ArrayRef<int64_t> axes, bool keepDims,
                                       SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(input.getType());
  if (!type)
    return emitOptionalError(loc, "'", opName,
                             "' op input must be a ranked tensor");
  if (axes.empty())
    return emitOptionalError(loc, "'", opName,
                             "' op needs at least one axis to reduce");
  int64_t rank = type.getRank();
  SmallVector<bool> reduced(rank, false);
  for (int64_t axis : axes) {
    if (axis < 0 || axis >= rank)
      return emitOptionalError(loc, "'", opName, "' op axis ", axis,
                               " is out of range [0, ", rank, ") for ", type);
    if (reduced[axis])
      return emitOptionalError(loc, "'", opName, "' op axis ", axis,
                               " is listed twice");
    reduced[axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      shape.push_back(type.getDimSize(d));
    else if (keepDims)
      shape.push_back(1);
  }
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}
