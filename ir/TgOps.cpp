//===- TgOps.cpp - tg op verifiers, type inference and folders ------------===//

#include "ir/TgDialect.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::tg;

/// Constants are folded only up to this many elements (splats always), so
/// that folding never materializes copies of large weights.
static constexpr int64_t kMaxFoldedElements = 4096;

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

static bool isSmallConstant(Attribute attr) {
  auto elements = dyn_cast_if_present<DenseElementsAttr>(attr);
  return elements && (elements.isSplat() ||
                      elements.getNumElements() <= kMaxFoldedElements);
}

/// True if `attr` is a splat constant equal to `value` (0 or 1).
static bool isSplatOf(Attribute attr, int64_t value) {
  auto elements = dyn_cast_if_present<SplatElementsAttr>(attr);
  if (!elements)
    return false;
  Type element = elements.getElementType();
  if (isa<FloatType>(element))
    return elements.getSplatValue<APFloat>().isExactlyValue(value);
  if (element.isSignlessInteger(1))
    return false;
  return elements.getSplatValue<APInt>().getSExtValue() == value;
}

/// Folds `op(lhs, rhs)` on small constants of identical type (no
/// broadcasting needed).
template <typename FloatFn, typename IntFn>
static Attribute foldBinaryConstants(Operation *op,
                                     ArrayRef<Attribute> operands,
                                     FloatFn floatFn, IntFn intFn) {
  if (!isSmallConstant(operands[0]) || !isSmallConstant(operands[1]))
    return {};
  Type resultType = op->getResult(0).getType();
  if (op->getOperand(0).getType() != resultType ||
      op->getOperand(1).getType() != resultType)
    return {};
  if (isa<FloatType>(getElementTypeOrSelf(resultType)))
    return constFoldBinaryOp<FloatAttr, APFloat, void>(operands, resultType,
                                                       floatFn);
  return constFoldBinaryOp<IntegerAttr, APInt, void>(operands, resultType,
                                                     intFn);
}

//===----------------------------------------------------------------------===//
// ConstantOp, NegOp, CastOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (!isSmallConstant(adaptor.getInput()))
    return {};
  if (isa<FloatType>(getElementTypeOrSelf(getType())))
    return constFoldUnaryOp<FloatAttr, APFloat, void>(
        adaptor.getOperands(), getType(), [](const APFloat &a) { return -a; });
  return constFoldUnaryOp<IntegerAttr, APInt, void>(
      adaptor.getOperands(), getType(), [](const APInt &a) { return -a; });
}

LogicalResult CastOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getShape() != out.getShape())
    return emitOpError() << "changes the shape from " << in << " to " << out
                         << "; tg.cast only converts element types";
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

/// The additive identity: -0.0 for floats (x + 0.0 is +0.0 for x = -0.0),
/// 0 for integers.
static bool isAdditiveIdentity(Attribute attr) {
  auto elements = dyn_cast_if_present<SplatElementsAttr>(attr);
  if (elements && isa<FloatType>(elements.getElementType()))
    return elements.getSplatValue<APFloat>().isNegZero();
  return isSplatOf(attr, 0);
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (isAdditiveIdentity(adaptor.getRhs()) && getLhs().getType() == getType())
    return getLhs();
  if (isAdditiveIdentity(adaptor.getLhs()) && getRhs().getType() == getType())
    return getRhs();
  return foldBinaryConstants(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 0) && getLhs().getType() == getType())
    return getLhs();
  return foldBinaryConstants(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a - b; },
      [](const APInt &a, const APInt &b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1) && getLhs().getType() == getType())
    return getLhs();
  if (isSplatOf(adaptor.getLhs(), 1) && getRhs().getType() == getType())
    return getRhs();
  return foldBinaryConstants(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a * b; },
      [](const APInt &a, const APInt &b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1) && getLhs().getType() == getType())
    return getLhs();
  // Integer division by zero is left for run time rather than folded.
  if (!isa<FloatType>(getElementTypeOrSelf(getType())))
    return {};
  return foldBinaryConstants(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a / b; },
      [](const APInt &a, const APInt &) { return a; });
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferBroadcastBinary(getOperationName(), loc, adaptor.getLhs(),
                              adaptor.getRhs(), IntegerType::get(context, 1),
                              types);
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto cond = cast<RankedTensorType>(adaptor.getCond().getType());
  if (!cond.getElementType().isSignlessInteger(1))
    return emitOptionalError(loc,
                             "'tg.select' op condition must have "
                             "element type i1, got ",
                             cond.getElementType());
  SmallVector<Type, 1> valueTypes;
  if (failed(inferBroadcastBinary(getOperationName(), loc,
                                  adaptor.getTrueValue(),
                                  adaptor.getFalseValue(), {}, valueTypes)))
    return failure();
  auto valueType = cast<RankedTensorType>(valueTypes[0]);
  auto shape = broadcastShapes(cond.getShape(), valueType.getShape());
  if (!shape)
    return emitOptionalError(loc, "'tg.select' op condition shape ", cond,
                             " cannot be broadcast with value shape ",
                             valueType);
  types.push_back(RankedTensorType::get(*shape, valueType.getElementType()));
  return success();
}

LogicalResult ClampOp::verify() {
  auto type = getInput().getType();
  for (auto [name, bound] : {std::pair<StringRef, Value>("min", getMin()),
                             std::pair<StringRef, Value>("max", getMax())}) {
    auto boundType = cast<RankedTensorType>(bound.getType());
    if (boundType.getElementType() != type.getElementType())
      return emitOpError() << name << " has element type "
                           << boundType.getElementType() << " but the input "
                           << type << " has " << type.getElementType();
    auto shape = broadcastShapes(boundType.getShape(), type.getShape());
    if (boundType.getRank() > type.getRank() || !shape ||
        ArrayRef<int64_t>(*shape) != type.getShape())
      return emitOpError() << name << " " << boundType
                           << " does not broadcast to the input " << type;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOptionalError(loc,
                             "'tg.matmul' op operands need rank 2 or "
                             "more, got ",
                             lhs, " and ", rhs);
  Type element = lhs.getElementType();
  if (element != rhs.getElementType())
    return emitOptionalError(loc,
                             "'tg.matmul' op operand element types "
                             "differ: ",
                             element, " vs ", rhs.getElementType());
  if (!isa<FloatType>(element) && !element.isSignlessInteger(32))
    return emitOptionalError(loc, "'tg.matmul' op element type ", element,
                             " is not supported (f32, f16, bf16 or i32)");
  int64_t lr = lhs.getRank(), rr = rhs.getRank();
  bool ta = adaptor.getTransposeA(), tb = adaptor.getTransposeB();
  int64_t m = lhs.getDimSize(ta ? lr - 1 : lr - 2);
  int64_t kl = lhs.getDimSize(ta ? lr - 2 : lr - 1);
  int64_t kr = rhs.getDimSize(tb ? rr - 1 : rr - 2);
  int64_t n = rhs.getDimSize(tb ? rr - 2 : rr - 1);
  if (kl != kr)
    return emitOptionalError(loc,
                             "'tg.matmul' op contraction dimensions "
                             "differ: lhs ",
                             lhs, " has K = ", kl, ", rhs ", rhs,
                             " has K = ", kr);
  auto batch =
      broadcastShapes(lhs.getShape().drop_back(2), rhs.getShape().drop_back(2));
  if (!batch)
    return emitOptionalError(loc, "'tg.matmul' op batch dimensions of ", lhs,
                             " and ", rhs, " cannot be broadcast");
  SmallVector<int64_t> shape = *batch;
  shape.push_back(m);
  shape.push_back(n);
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult IotaOp::verify() {
  auto type = getResult().getType();
  if (getDimension() < 0 || getDimension() >= type.getRank())
    return emitOpError() << "dimension " << getDimension()
                         << " is out of range [0, " << type.getRank()
                         << ") for " << type;
  if (type.getElementType().isSignlessInteger(1))
    return emitOpError() << "result has element type i1; requires a numeric "
                            "type (compare two iotas for a mask)";
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "changes the element type from "
                         << in.getElementType() << " to "
                         << out.getElementType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError() << "cannot reshape " << in << " ("
                         << in.getNumElements() << " elements) to " << out
                         << " (" << out.getNumElements() << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  // Reshaping a constant copies it, so large ones are left alone.
  if (isSmallConstant(adaptor.getInput()))
    return cast<DenseElementsAttr>(adaptor.getInput()).reshape(getType());
  return {};
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitOptionalError(
        loc, "'tg.transpose' op permutation ", shapeString(perm), " has ",
        perm.size(), " entries but the input ", type, " has rank ", rank);
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOptionalError(loc, "'tg.transpose' op ", shapeString(perm),
                               " is not a permutation of [0, ", rank, ")");
    seen[p] = true;
    shape.push_back(type.getDimSize(p));
  }
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPermutation()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

namespace {
/// transpose(transpose(x, p1), p2) -> transpose(x, p1 o p2).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return failure();
    SmallVector<int64_t> composed;
    for (int64_t p : op.getPermutation())
      composed.push_back(inner.getPermutation()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, inner.getInput(), composed);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<ComposeTransposes>(context);
}

LogicalResult BroadcastToOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "changes the element type from "
                         << in.getElementType() << " to "
                         << out.getElementType();
  auto shape = broadcastShapes(in.getShape(), out.getShape());
  if (in.getRank() > out.getRank() || !shape ||
      ArrayRef<int64_t>(*shape) != out.getShape())
    return emitOpError() << "cannot broadcast " << in << " to " << out;
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto producer = getInput().getDefiningOp<BroadcastToOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  if (auto splat = dyn_cast_if_present<SplatElementsAttr>(adaptor.getInput()))
    return SplatElementsAttr::get(getType(), splat.getSplatValue<Attribute>());
  return {};
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> start = adaptor.getStart(), size = adaptor.getSize(),
                    stride = adaptor.getStride();
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(start.size()) != rank ||
      static_cast<int64_t>(size.size()) != rank ||
      static_cast<int64_t>(stride.size()) != rank)
    return emitOptionalError(loc,
                             "'tg.slice' op start, size and stride "
                             "need one entry per dimension of ",
                             type);
  for (int64_t d = 0; d < rank; ++d) {
    if (size[d] < 1 || stride[d] < 1)
      return emitOptionalError(loc, "'tg.slice' op dimension ", d, " has size ",
                               size[d], " and stride ", stride[d],
                               "; both must be positive");
    // The last index start + (size - 1) * stride must be < dim; divide
    // rather than multiply so huge sizes cannot overflow.
    int64_t dim = type.getDimSize(d);
    if (start[d] < 0 || start[d] >= dim ||
        (size[d] - 1) > (dim - 1 - start[d]) / stride[d])
      return emitOptionalError(loc, "'tg.slice' op dimension ", d, " (start ",
                               start[d], ", size ", size[d], ", stride ",
                               stride[d], ") is outside the input ", type);
  }
  types.push_back(RankedTensorType::get(size, type.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "'tg.concat' op needs at least one input");
  auto first = cast<RankedTensorType>(adaptor.getInputs()[0].getType());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "'tg.concat' op axis ", axis,
                             " is out of range [0, ", first.getRank(), ") for ",
                             first);
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (auto [i, value] : llvm::enumerate(adaptor.getInputs())) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getElementType() != first.getElementType() ||
        type.getRank() != first.getRank())
      return emitOptionalError(loc, "'tg.concat' op input #", i, " ", type,
                               " does not match input #0 ", first,
                               " in rank or element type");
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (d != axis && type.getDimSize(d) != first.getDimSize(d))
        return emitOptionalError(loc, "'tg.concat' op input #", i, " ", type,
                                 " differs from input #0 ", first,
                                 " in dimension ", d,
                                 " (only the axis may differ)");
    shape[axis] += type.getDimSize(axis);
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs()[0];
  return {};
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto table = cast<RankedTensorType>(adaptor.getTable().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  if (table.getRank() < 1)
    return emitOptionalError(loc,
                             "'tg.gather' op table must have rank 1 or "
                             "more, got ",
                             table);
  if (!indices.getElementType().isSignlessInteger(32))
    return emitOptionalError(loc, "'tg.gather' op indices must be i32, got ",
                             indices);
  SmallVector<int64_t> shape(indices.getShape());
  llvm::append_range(shape, table.getShape().drop_front());
  types.push_back(RankedTensorType::get(shape, table.getElementType()));
  return success();
}

LogicalResult DynamicUpdateSliceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  auto operand = cast<RankedTensorType>(adaptor.getOperand().getType());
  auto update = cast<RankedTensorType>(adaptor.getUpdate().getType());
  if (update.getElementType() != operand.getElementType() ||
      update.getRank() != operand.getRank())
    return emitOptionalError(loc, "'tg.dynamic_update_slice' op update ",
                             update,
                             " must have the rank and element type of the "
                             "operand ",
                             operand);
  for (int64_t d = 0; d < operand.getRank(); ++d)
    if (update.getDimSize(d) > operand.getDimSize(d))
      return emitOptionalError(loc, "'tg.dynamic_update_slice' op update ",
                               update, " is larger than the operand ", operand,
                               " in dimension ", d);
  if (static_cast<int64_t>(adaptor.getOffsets().size()) != operand.getRank())
    return emitOptionalError(loc, "'tg.dynamic_update_slice' op needs ",
                             operand.getRank(),
                             " offsets (one per dimension of ", operand,
                             "), got ", adaptor.getOffsets().size());
  for (auto [d, offset] : llvm::enumerate(adaptor.getOffsets())) {
    auto type = cast<RankedTensorType>(offset.getType());
    if (!type.getElementType().isSignlessInteger(32) ||
        type.getNumElements() != 1 || type.getRank() > 1)
      return emitOptionalError(loc, "'tg.dynamic_update_slice' op offset ", d,
                               " must be tensor<i32> or tensor<1xi32>, got ",
                               type);
  }
  types.push_back(operand);
  return success();
}

//===----------------------------------------------------------------------===//
// Composites
//===----------------------------------------------------------------------===//

static LogicalResult verifyAxis(Operation *op, int64_t axis,
                                RankedTensorType type) {
  if (axis < 0 || axis >= type.getRank())
    return op->emitOpError() << "axis " << axis << " is out of range [0, "
                             << type.getRank() << ") for " << type;
  return success();
}

/// weight/bias of layer_norm and rms_norm have the normalized (trailing)
/// shape of the input.
static LogicalResult verifyNormParam(Operation *op, StringRef name, Value param,
                                     RankedTensorType input, int64_t axis) {
  if (!param)
    return success();
  auto type = cast<RankedTensorType>(param.getType());
  ArrayRef<int64_t> expected = input.getShape().drop_front(axis);
  if (type.getShape() != expected ||
      type.getElementType() != input.getElementType())
    return op->emitOpError()
           << name << " has type " << type << " but the normalized shape of "
           << input << " from axis " << axis << " is " << shapeString(expected)
           << " with element type " << input.getElementType();
  return success();
}

/// `input-type (, type)*`, one type for each optional operand present, in
/// order (see LayerNormOp's assembly format).
static ParseResult
parseNormTypes(OpAsmParser &parser, Type &inputType,
               const std::optional<OpAsmParser::UnresolvedOperand> &weight,
               const std::optional<OpAsmParser::UnresolvedOperand> &bias,
               Type &weightType, Type &biasType) {
  if (parser.parseType(inputType))
    return failure();
  if (weight && (parser.parseComma() || parser.parseType(weightType)))
    return failure();
  if (bias && (parser.parseComma() || parser.parseType(biasType)))
    return failure();
  return success();
}

static void printNormTypes(OpAsmPrinter &printer, Operation *, Type inputType,
                           Value weight, Value bias, Type weightType,
                           Type biasType) {
  printer << inputType;
  if (weight)
    printer << ", " << weightType;
  if (bias)
    printer << ", " << biasType;
}

LogicalResult CumsumOp::verify() {
  return verifyAxis(*this, getAxis(), getInput().getType());
}

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getInput().getType());
}

LogicalResult LayerNormOp::verify() {
  auto type = getInput().getType();
  if (failed(verifyAxis(*this, getAxis(), type)) ||
      failed(verifyNormParam(*this, "weight", getWeight(), type, getAxis())) ||
      failed(verifyNormParam(*this, "bias", getBias(), type, getAxis())))
    return failure();
  return success();
}

LogicalResult RmsNormOp::verify() {
  auto type = getInput().getType();
  if (failed(verifyAxis(*this, getAxis(), type)) ||
      failed(verifyNormParam(*this, "weight", getWeight(), type, getAxis())))
    return failure();
  return success();
}

#define GET_OP_CLASSES
#include "ir/TgOps.cpp.inc"
