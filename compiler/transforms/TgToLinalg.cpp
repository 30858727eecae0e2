//===- TgToLinalg.cpp - tg ops to linalg on tensors -----------------------===//
//
// Named linalg ops where one matches exactly (matmul, batch_matmul,
// transpose, broadcast), linalg.generic for everything else. Broadcasting is
// expressed in indexing maps; f16/bf16 arithmetic is carried out in f32 and
// reductions and matmuls accumulate in f32.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/transforms/ScalarOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace tgc {
#define GEN_PASS_DEF_TGCCONVERTTGTOLINALG
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace mlir::tg;
using utils::IteratorType;

namespace {

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// The map from a broadcast result's iteration space (rank `resultRank`) to
/// an operand of shape `shape`: dimensions are aligned on the right and a
/// size-1 operand dimension that is stretched reads index 0.
AffineMap broadcastMap(ArrayRef<int64_t> shape, ArrayRef<int64_t> resultShape,
                       MLIRContext *ctx) {
  int64_t resultRank = resultShape.size(), rank = shape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = resultRank - rank + i;
    exprs.push_back(shape[i] == 1 && resultShape[d] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(d, ctx));
  }
  return AffineMap::get(resultRank, 0, exprs, ctx);
}

/// An elementwise linalg.generic over `resultType`'s shape whose payload is
/// `body(scalars)`, with every operand broadcast into the result.
Value buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ValueRange operands,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(
        broadcastMap(tensorType(v).getShape(), resultType.getShape(), ctx));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<IteratorType> iterators(resultType.getRank(),
                                      IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, operands, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

/// Lowers any elementwise tg op (unary, binary, compare, select, cast).
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Operation *raw = op.getOperation();
    SmallVector<Type> operandElements;
    for (Value v : raw->getOperands())
      operandElements.push_back(tensorType(v).getElementType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return tgc::buildScalarOp(b, loc, raw, args,
                                    resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, op.getValue());
    return success();
  }
};

/// Identity of a reduction in the accumulator type.
TypedAttr reductionIdentity(OpBuilder &b, Operation *op, Type acc) {
  bool isMax = isa<ReduceMaxOp>(op), isMin = isa<ReduceMinOp>(op);
  if (auto f = dyn_cast<FloatType>(acc)) {
    if (isMax || isMin)
      return b.getFloatAttr(
          acc, APFloat::getInf(f.getFloatSemantics(), /*Negative=*/isMax));
    return b.getFloatAttr(acc, 0.0);
  }
  unsigned width = acc.getIntOrFloatBitWidth();
  if (isMax)
    return b.getIntegerAttr(acc, APInt::getSignedMinValue(width));
  if (isMin)
    return b.getIntegerAttr(acc, APInt::getSignedMaxValue(width));
  return b.getIntegerAttr(acc, 0);
}

Value combine(OpBuilder &b, Location loc, Operation *op, Value acc, Value x) {
  bool isFloat = isa<FloatType>(acc.getType());
  if (isa<ReduceMaxOp>(op))
    return isFloat ? Value(arith::MaximumFOp::create(b, loc, acc, x))
                   : Value(arith::MaxSIOp::create(b, loc, acc, x));
  if (isa<ReduceMinOp>(op))
    return isFloat ? Value(arith::MinimumFOp::create(b, loc, acc, x))
                   : Value(arith::MinSIOp::create(b, loc, acc, x));
  return isFloat ? Value(arith::AddFOp::create(b, loc, acc, x))
                 : Value(arith::AddIOp::create(b, loc, acc, x));
}

/// Casts a tensor elementwise to `element` (f32 accumulators back to f16).
Value castTensor(OpBuilder &b, Location loc, Value v, Type element) {
  auto type = tensorType(v);
  if (type.getElementType() == element)
    return v;
  return buildElementwise(b, loc, type.clone(element), v,
                          [&](OpBuilder &nb, Location nloc, ValueRange args) {
                            return tgc::convertScalar(nb, nloc, args[0],
                                                      element);
                          });
}

/// Reductions iterate over [kept dims..., reduced dims...] so that the
/// reduced dimensions are innermost, which the row-reduction kernels rely on.
template <typename OpTy> struct ReductionLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = tensorType(op.getInput());
    Type element = inType.getElementType();
    Type acc = tgc::computeType(element);
    int64_t rank = inType.getRank();
    SmallVector<bool> reduced(rank, false);
    for (int64_t a : op.getAxes())
      reduced[a] = true;
    SmallVector<int64_t> kept, order;
    for (int64_t d = 0; d < rank; ++d)
      if (!reduced[d]) {
        kept.push_back(inType.getDimSize(d));
        order.push_back(d);
      }
    int64_t numKept = kept.size();
    for (int64_t d = 0; d < rank; ++d)
      if (reduced[d])
        order.push_back(d);
    // Input dimension d is iteration dimension position(d) in `order`.
    SmallVector<AffineExpr> inExprs(rank);
    for (auto [pos, d] : llvm::enumerate(order))
      inExprs[d] = getAffineDimExpr(pos, ctx);
    AffineMap inMap = AffineMap::get(rank, 0, inExprs, ctx);
    AffineMap outMap = AffineMap::getMultiDimIdentityMap(numKept, ctx);
    outMap = AffineMap::get(rank, 0, outMap.getResults(), ctx);
    SmallVector<IteratorType> iterators(numKept, IteratorType::parallel);
    iterators.append(rank - numKept, IteratorType::reduction);

    Value init = tensor::EmptyOp::create(rewriter, loc, kept, acc);
    Value identity = arith::ConstantOp::create(
        rewriter, loc, reductionIdentity(rewriter, op, acc));
    Value filled =
        linalg::FillOp::create(rewriter, loc, identity, init).getResult(0);
    Operation *raw = op.getOperation();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, filled.getType(), adaptor.getInput(), filled,
        ArrayRef<AffineMap>{inMap, outMap}, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value x = tgc::convertScalar(b, nloc, args[0], acc);
          linalg::YieldOp::create(b, nloc, combine(b, nloc, raw, args[1], x));
        });
    Value result = castTensor(rewriter, loc, generic.getResult(0), element);
    auto resultType = cast<RankedTensorType>(op.getType());
    if (resultType.getShape() != tensorType(result).getShape()) {
      // keep_dims: reinsert the reduced axes as size-1 dimensions.
      SmallVector<ReassociationIndices> groups;
      ReassociationIndices current;
      int64_t outDim = 0;
      for (int64_t d = 0; d < rank; ++d) {
        current.push_back(d);
        if (!reduced[d] && outDim < numKept - 1) {
          // Close the group at each kept dimension except the last, whose
          // group also takes the trailing reduced dimensions.
          groups.push_back(current);
          current.clear();
          ++outDim;
        }
      }
      if (numKept == 0) {
        result =
            tensor::ExpandShapeOp::create(rewriter, loc, resultType, result,
                                          ArrayRef<ReassociationIndices>{});
      } else {
        groups.push_back(current);
        result = tensor::ExpandShapeOp::create(rewriter, loc, resultType,
                                               result, groups);
      }
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto lhsType = tensorType(op.getLhs()), rhsType = tensorType(op.getRhs());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Type acc = tgc::computeType(element);
    int64_t rank = resultType.getRank(), batch = rank - 2;
    bool ta = op.getTransposeA(), tb = op.getTransposeB();
    Value init =
        tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), acc);
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(acc));
    Value filled =
        linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);

    // Plain (batch) matmuls with equal batch shapes map to named ops.
    bool plain =
        !ta && !tb && lhsType.getRank() == rank && rhsType.getRank() == rank &&
        element.isF32() &&
        lhsType.getShape().drop_back(2) == rhsType.getShape().drop_back(2);
    Value result;
    if (plain && rank == 2) {
      result =
          linalg::MatmulOp::create(
              rewriter, loc, ValueRange{adaptor.getLhs(), adaptor.getRhs()},
              ValueRange{filled})
              .getResult(0);
    } else if (plain && rank == 3) {
      result =
          linalg::BatchMatmulOp::create(
              rewriter, loc, ValueRange{adaptor.getLhs(), adaptor.getRhs()},
              ValueRange{filled})
              .getResult(0);
    } else {
      // Iteration space (batch..., m, n, k).
      int64_t numDims = rank + 1;
      auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
      auto operandMap = [&](RankedTensorType type, bool transposed,
                            bool isLhs) {
        SmallVector<AffineExpr> exprs;
        int64_t opBatch = type.getRank() - 2;
        for (int64_t i = 0; i < opBatch; ++i) {
          int64_t resultDim = batch - opBatch + i;
          exprs.push_back(type.getDimSize(i) == 1 &&
                                  resultType.getDimSize(resultDim) != 1
                              ? getAffineConstantExpr(0, ctx)
                              : d(resultDim));
        }
        AffineExpr outer = isLhs ? d(batch) : d(batch + 2);     // m or k
        AffineExpr inner = isLhs ? d(batch + 2) : d(batch + 1); // k or n
        if (transposed)
          std::swap(outer, inner);
        exprs.push_back(outer);
        exprs.push_back(inner);
        return AffineMap::get(numDims, 0, exprs, ctx);
      };
      SmallVector<AffineExpr> outExprs;
      for (int64_t i = 0; i < rank; ++i)
        outExprs.push_back(d(i));
      SmallVector<AffineMap> maps = {operandMap(lhsType, ta, true),
                                     operandMap(rhsType, tb, false),
                                     AffineMap::get(numDims, 0, outExprs, ctx)};
      SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
      iterators.push_back(IteratorType::reduction);
      result =
          linalg::GenericOp::create(
              rewriter, loc, filled.getType(),
              ValueRange{adaptor.getLhs(), adaptor.getRhs()}, filled, maps,
              iterators,
              [&](OpBuilder &b, Location nloc, ValueRange args) {
                Value a = tgc::convertScalar(b, nloc, args[0], acc);
                Value c = tgc::convertScalar(b, nloc, args[1], acc);
                Value prod = isa<FloatType>(acc)
                                 ? Value(arith::MulFOp::create(b, nloc, a, c))
                                 : Value(arith::MulIOp::create(b, nloc, a, c));
                Value sum =
                    isa<FloatType>(acc)
                        ? Value(arith::AddFOp::create(b, nloc, args[2], prod))
                        : Value(arith::AddIOp::create(b, nloc, args[2], prod));
                linalg::YieldOp::create(b, nloc, sum);
              })
              .getResult(0);
    }
    rewriter.replaceOp(op, castTensor(rewriter, loc, result, element));
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = tensorType(op.getInput());
    auto outType = cast<RankedTensorType>(op.getType());
    Value v = adaptor.getInput();
    // Through a rank-1 tensor: collapse everything, then expand. Codegen
    // resolves reshapes into index arithmetic, so this costs nothing.
    auto flatType = RankedTensorType::get({inType.getNumElements()},
                                          inType.getElementType());
    auto allInOne = [](int64_t rank) {
      ReassociationIndices group;
      for (int64_t i = 0; i < rank; ++i)
        group.push_back(i);
      return SmallVector<ReassociationIndices>{group};
    };
    if (inType.getRank() != 1)
      v = inType.getRank() == 0
              ? Value(tensor::ExpandShapeOp::create(
                    rewriter, loc, flatType, v,
                    ArrayRef<ReassociationIndices>{}))
              : Value(tensor::CollapseShapeOp::create(
                    rewriter, loc, flatType, v, allInOne(inType.getRank())));
    if (outType.getRank() != 1)
      v = outType.getRank() == 0
              ? Value(tensor::CollapseShapeOp::create(
                    rewriter, loc, outType, v,
                    ArrayRef<ReassociationIndices>{}))
              : Value(tensor::ExpandShapeOp::create(
                    rewriter, loc, outType, v, allInOne(outType.getRank())));
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(), type.getShape(),
                                         type.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init,
                                                       op.getPermutation())
                               .getResult());
    return success();
  }
};

struct BroadcastToLowering : OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = tensorType(op.getInput());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t added = type.getRank() - inType.getRank();
    bool onlyNewDims = true;
    for (int64_t i = 0; i < inType.getRank(); ++i)
      onlyNewDims &= inType.getDimSize(i) == type.getDimSize(added + i);
    if (onlyNewDims) {
      // Only leading dimensions are added: exactly linalg.broadcast.
      Value init = tensor::EmptyOp::create(
          rewriter, op.getLoc(), type.getShape(), type.getElementType());
      auto dims = llvm::to_vector(llvm::seq<int64_t>(0, added));
      rewriter.replaceOp(op, linalg::BroadcastOp::create(rewriter, op.getLoc(),
                                                         adaptor.getInput(),
                                                         init, dims)
                                 .getResults()[0]);
      return success();
    }
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), type, adaptor.getInput(),
                             [](OpBuilder &, Location, ValueRange args) {
                               return args[0];
                             }));
    return success();
  }
};

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, cast<RankedTensorType>(op.getType()), adaptor.getInput(),
        ValueRange{}, ValueRange{}, ValueRange{}, op.getStart(), op.getSize(),
        op.getStride());
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(
        op, op.getType(), op.getAxis(), adaptor.getInputs());
    return success();
  }
};

/// Whether a tg.dynamic_update_slice stays as it is, to become an
/// update_slice kernel that writes only its window: when it updates an
/// argument of the function (a KV cache), which the schedule copies into
/// the result and a caller may donate to it, so that the copy costs
/// nothing. An operand computed in the function would need a kernel of its
/// own first, so it keeps the elementwise form below.
bool updatesArgument(DynamicUpdateSliceOp op) {
  return isa<BlockArgument>(op.getOperand()) &&
         isa<func::FuncOp>(op->getParentOp());
}

/// result[i] = update[i - start] inside the window at `start`, else
/// operand[i], with start[d] = clamp(offset[d], 0, dim[d] - update[d]): an
/// elementwise generic over the operand whose payload reads the offsets and
/// the update with tensor.extract (like gather), so it fuses with its
/// producers and runs on every target's elementwise strategy.
struct DynamicUpdateSliceLowering : OpConversionPattern<DynamicUpdateSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicUpdateSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (updatesArgument(op))
      return failure();
    auto type = cast<RankedTensorType>(op.getType());
    auto updateType = tensorType(op.getUpdate());
    Value update = adaptor.getUpdate();
    SmallVector<Value> offsets(adaptor.getOffsets());
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, adaptor.getOperand(),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value inside;
          SmallVector<Value> at;
          Value zero = arith::ConstantIndexOp::create(b, loc, 0);
          for (int64_t d = 0; d < type.getRank(); ++d) {
            auto offsetType = tensorType(offsets[d]);
            SmallVector<Value> first(offsetType.getRank(), zero);
            Value offset = arith::IndexCastOp::create(
                b, loc, b.getIndexType(),
                tensor::ExtractOp::create(b, loc, offsets[d], first));
            int64_t size = updateType.getDimSize(d);
            Value last = arith::ConstantIndexOp::create(
                b, loc, type.getDimSize(d) - size);
            Value start = arith::MinSIOp::create(
                b, loc, arith::MaxSIOp::create(b, loc, offset, zero), last);
            Value i = linalg::IndexOp::create(b, loc, d);
            Value rel = arith::SubIOp::create(b, loc, i, start);
            Value hi = arith::ConstantIndexOp::create(b, loc, size);
            Value in = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, rel,
                                      zero),
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rel,
                                      hi));
            inside = inside ? arith::AndIOp::create(b, loc, inside, in) : in;
            // Clamped so the read stays in bounds where it is not used.
            Value maxRel = arith::ConstantIndexOp::create(b, loc, size - 1);
            at.push_back(arith::MinSIOp::create(
                b, loc, arith::MaxSIOp::create(b, loc, rel, zero), maxRel));
          }
          if (!inside) // rank 0: the update is the whole result
            return tensor::ExtractOp::create(b, loc, update, ValueRange{})
                .getResult();
          Value fresh = tensor::ExtractOp::create(b, loc, update, at);
          return arith::SelectOp::create(b, loc, inside, fresh, args[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// result[i..., j...] = table[clamp(indices[i...]), j...], as a generic
/// whose payload reads both tensors with tensor.extract.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto tableType = tensorType(op.getTable());
    int64_t indexRank = tensorType(op.getIndices()).getRank();
    Value table = adaptor.getTable(), indices = adaptor.getIndices();
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType());
    SmallVector<IteratorType> iterators(type.getRank(), IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, init,
        rewriter.getMultiDimIdentityMap(type.getRank()), iterators,
        [&](OpBuilder &b, Location nloc, ValueRange) {
          SmallVector<Value> ids;
          for (int64_t i = 0; i < type.getRank(); ++i)
            ids.push_back(linalg::IndexOp::create(b, nloc, i));
          Value row = tensor::ExtractOp::create(
              b, nloc, indices, ArrayRef<Value>(ids).take_front(indexRank));
          Value rowIndex =
              arith::IndexCastOp::create(b, nloc, b.getIndexType(), row);
          Value zero = arith::ConstantIndexOp::create(b, nloc, 0);
          Value last = arith::ConstantIndexOp::create(
              b, nloc, tableType.getDimSize(0) - 1);
          rowIndex = arith::MinSIOp::create(
              b, nloc, arith::MaxSIOp::create(b, nloc, rowIndex, zero), last);
          SmallVector<Value> at = {rowIndex};
          llvm::append_range(at, ArrayRef<Value>(ids).drop_front(indexRank));
          linalg::YieldOp::create(
              b, nloc,
              tensor::ExtractOp::create(b, nloc, table, at).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// result[i...] = i[dimension], converted to the element type.
struct IotaLowering : OpConversionPattern<IotaOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IotaOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t dimension = op.getDimension();
    Type element = type.getElementType();
    rewriter.replaceOp(
        op,
        buildElementwise(rewriter, op.getLoc(), type, ValueRange{},
                         [&](OpBuilder &b, Location loc, ValueRange) -> Value {
                           Value i = linalg::IndexOp::create(b, loc, dimension);
                           // Through i32 (exact: dimensions are far below
                           // 2^31), then tg.cast's conversion to the element
                           // type.
                           Value i32 = arith::IndexCastOp::create(
                               b, loc, b.getI32Type(), i);
                           return tgc::convertScalar(b, loc, i32, element);
                         }));
    return success();
  }
};

/// result[.., i, ..] = sum over j of (j in range(i) ? input[.., j, ..] : 0),
/// a reduction over a new innermost loop j, accumulated like reduce_sum.
/// Quadratic in the axis length, but one kernel of the kinds codegen has;
/// the cumulative sums models take (positions, masks) are short.
struct CumsumLowering : OpConversionPattern<CumsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CumsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    Type acc = tgc::computeType(element);
    int64_t rank = type.getRank(), axis = op.getAxis();
    SmallVector<AffineExpr> inExprs;
    for (int64_t d = 0; d < rank; ++d)
      inExprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    AffineMap inMap = AffineMap::get(rank + 1, 0, inExprs, ctx);
    AffineMap outMap = AffineMap::get(
        rank + 1, 0, AffineMap::getMultiDimIdentityMap(rank, ctx).getResults(),
        ctx);
    SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
    iterators.push_back(IteratorType::reduction);
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), acc);
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(acc));
    Value filled =
        linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);
    // j is summed into element i when j <= i (inclusive), j < i
    // (exclusive), and the mirror images of those with `reverse`.
    arith::CmpIPredicate predicate =
        op.getReverse() ? (op.getExclusive() ? arith::CmpIPredicate::ugt
                                             : arith::CmpIPredicate::uge)
                        : (op.getExclusive() ? arith::CmpIPredicate::ult
                                             : arith::CmpIPredicate::ule);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, filled.getType(), adaptor.getInput(), filled,
        ArrayRef<AffineMap>{inMap, outMap}, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value i = linalg::IndexOp::create(b, nloc, axis);
          Value j = linalg::IndexOp::create(b, nloc, rank);
          Value inRange = arith::CmpIOp::create(b, nloc, predicate, j, i);
          Value x = tgc::convertScalar(b, nloc, args[0], acc);
          Value zero = arith::ConstantOp::create(b, nloc, b.getZeroAttr(acc));
          Value term = arith::SelectOp::create(b, nloc, inRange, x, zero);
          Value sum =
              isa<FloatType>(acc)
                  ? Value(arith::AddFOp::create(b, nloc, args[1], term))
                  : Value(arith::AddIOp::create(b, nloc, args[1], term));
          linalg::YieldOp::create(b, nloc, sum);
        });
    rewriter.replaceOp(
        op, castTensor(rewriter, loc, generic.getResult(0), element));
    return success();
  }
};

struct TgcConvertTgToLinalg
    : tgc::impl::TgcConvertTgToLinalgBase<TgcConvertTgToLinalg> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<TgDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           func::FuncDialect>();
    target.addDynamicallyLegalOp<DynamicUpdateSliceOp>(updatesArgument);
    RewritePatternSet patterns(ctx);
    tgc::populateTgToLinalgConversionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void tgc::populateTgToLinalgConversionPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering<NegOp>, ElementwiseLowering<AbsOp>,
               ElementwiseLowering<ReluOp>, ElementwiseLowering<ExpOp>,
               ElementwiseLowering<LogOp>, ElementwiseLowering<SqrtOp>,
               ElementwiseLowering<RsqrtOp>, ElementwiseLowering<ReciprocalOp>,
               ElementwiseLowering<TanhOp>, ElementwiseLowering<SigmoidOp>,
               ElementwiseLowering<SiluOp>, ElementwiseLowering<SinOp>,
               ElementwiseLowering<CosOp>, ElementwiseLowering<GeluOp>,
               ElementwiseLowering<ErfOp>, ElementwiseLowering<FloorOp>,
               ElementwiseLowering<CeilOp>, ElementwiseLowering<RoundOp>,
               ElementwiseLowering<ClampOp>, IotaLowering, CumsumLowering,
               ElementwiseLowering<AddOp>, ElementwiseLowering<SubOp>,
               ElementwiseLowering<MulOp>, ElementwiseLowering<DivOp>,
               ElementwiseLowering<MaxOp>, ElementwiseLowering<MinOp>,
               ElementwiseLowering<PowOp>, ElementwiseLowering<CompareOp>,
               ElementwiseLowering<SelectOp>, ElementwiseLowering<CastOp>,
               ReductionLowering<ReduceSumOp>, ReductionLowering<ReduceMaxOp>,
               ReductionLowering<ReduceMinOp>, ConstantLowering, MatmulLowering,
               ReshapeLowering, TransposeLowering, BroadcastToLowering,
               SliceLowering, ConcatLowering, GatherLowering,
               DynamicUpdateSliceLowering>(patterns.getContext());
}
