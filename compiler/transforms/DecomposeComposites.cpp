//===- DecomposeComposites.cpp - composites to primitive tg ops -----------===//

#include "compiler/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tgc {
#define GEN_PASS_DEF_TGCDECOMPOSECOMPOSITES
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace mlir::tg;

namespace {

/// Builds the primitive ops of a decomposition at one location.
struct Builder {
  PatternRewriter &rewriter;
  Location loc;

  /// A rank-0 constant that broadcasts against anything.
  Value scalar(Type element, double value) {
    auto type = RankedTensorType::get({}, element);
    Attribute attr = isa<FloatType>(element)
                         ? Attribute(rewriter.getFloatAttr(element, value))
                         : Attribute(rewriter.getIntegerAttr(
                               element, static_cast<int64_t>(value)));
    return ConstantOp::create(rewriter, loc,
                              DenseElementsAttr::get(type, attr));
  }
  template <typename OpTy> Value binary(Value a, Value b) {
    return OpTy::create(rewriter, loc, a, b);
  }
  template <typename OpTy> Value unary(Value a) {
    return OpTy::create(rewriter, loc, a.getType(), a);
  }
  /// `v` converted to element type `element` (no-op if it has it).
  Value convert(Value v, Type element) {
    auto type = llvm::cast<RankedTensorType>(v.getType());
    if (type.getElementType() == element)
      return v;
    return CastOp::create(rewriter, loc, type.clone(element), v);
  }
  /// f16 and bf16 composites are computed in f32 and rounded once at the
  /// end: in their own type every step would round (layer_norm lost 16 bf16
  /// ulp) and squares and sums overflow f16 from |x| = 256 on.
  Value widen(Value v) {
    if (!v)
      return v;
    Type element = llvm::cast<RankedTensorType>(v.getType()).getElementType();
    return element.isF16() || element.isBF16()
               ? convert(v, rewriter.getF32Type())
               : v;
  }
  Value reduce(Value x, ArrayRef<int64_t> axes, bool max) {
    if (max)
      return ReduceMaxOp::create(rewriter, loc, x, axes, /*keep_dims=*/true);
    return ReduceSumOp::create(rewriter, loc, x, axes, /*keep_dims=*/true);
  }
  /// Mean over `axes`, keeping them as size-1 dimensions.
  Value mean(Value x, ArrayRef<int64_t> axes) {
    auto type = cast<RankedTensorType>(x.getType());
    int64_t count = 1;
    for (int64_t axis : axes)
      count *= type.getDimSize(axis);
    Value sum = reduce(x, axes, /*max=*/false);
    if (isa<FloatType>(type.getElementType()))
      return binary<MulOp>(sum, scalar(type.getElementType(), 1.0 / count));
    return binary<DivOp>(sum, scalar(type.getElementType(), count));
  }
};

SmallVector<int64_t> trailingAxes(Value x, int64_t from) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  return llvm::to_vector(llvm::seq<int64_t>(from, rank));
}

struct DecomposeSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Builder b{rewriter, op.getLoc()};
    int64_t axis = op.getAxis();
    Value x = b.widen(op.getInput());
    Value shifted = b.binary<SubOp>(x, b.reduce(x, axis, /*max=*/true));
    Value e = b.unary<ExpOp>(shifted);
    Value y = b.binary<DivOp>(e, b.reduce(e, axis, false));
    rewriter.replaceOp(op, b.convert(y, op.getType().getElementType()));
    return success();
  }
};

struct DecomposeLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Builder b{rewriter, op.getLoc()};
    Value x = b.widen(op.getInput());
    Type element = cast<RankedTensorType>(x.getType()).getElementType();
    auto axes = trailingAxes(x, op.getAxis());
    Value centered = b.binary<SubOp>(x, b.mean(x, axes));
    Value variance = b.mean(b.binary<MulOp>(centered, centered), axes);
    Value inv = b.unary<RsqrtOp>(b.binary<AddOp>(
        variance, b.scalar(element, op.getEpsilon().convertToDouble())));
    Value y = b.binary<MulOp>(centered, inv);
    if (op.getWeight())
      y = b.binary<MulOp>(y, b.widen(op.getWeight()));
    if (op.getBias())
      y = b.binary<AddOp>(y, b.widen(op.getBias()));
    rewriter.replaceOp(op, b.convert(y, op.getType().getElementType()));
    return success();
  }
};

struct DecomposeRmsNorm : OpRewritePattern<RmsNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RmsNormOp op,
                                PatternRewriter &rewriter) const override {
    Builder b{rewriter, op.getLoc()};
    Value x = b.widen(op.getInput());
    Type element = cast<RankedTensorType>(x.getType()).getElementType();
    Value meanSquare =
        b.mean(b.binary<MulOp>(x, x), trailingAxes(x, op.getAxis()));
    Value inv = b.unary<RsqrtOp>(b.binary<AddOp>(
        meanSquare, b.scalar(element, op.getEpsilon().convertToDouble())));
    Value y = b.binary<MulOp>(x, inv);
    if (op.getWeight())
      y = b.binary<MulOp>(y, b.widen(op.getWeight()));
    rewriter.replaceOp(op, b.convert(y, op.getType().getElementType()));
    return success();
  }
};

struct DecomposeSilu : OpRewritePattern<SiluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SiluOp op,
                                PatternRewriter &rewriter) const override {
    Builder b{rewriter, op.getLoc()};
    Value x = b.widen(op.getInput());
    rewriter.replaceOp(op, b.convert(b.binary<MulOp>(x, b.unary<SigmoidOp>(x)),
                                     op.getType().getElementType()));
    return success();
  }
};

/// 0.5 x (1 + tanh(z)), z = sqrt(2/pi) (x + 0.044715 x^3), computed as
/// x sigmoid(2z), the same function: 1 + tanh(z) cancels for negative z
/// (gelu(-4.5) came out 7% off in f32, and 0 in f16, so that x / gelu(x)
/// was an infinity), while sigmoid(2z) = 1 / (1 + exp(-2z)) keeps its
/// relative accuracy. The erf form is kept (one scalar op).
struct DecomposeGeluTanh : OpRewritePattern<GeluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GeluOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getTanh())
      return failure();
    Builder b{rewriter, op.getLoc()};
    Value x = b.widen(op.getInput());
    Type element = cast<RankedTensorType>(x.getType()).getElementType();
    Value cube = b.binary<MulOp>(b.binary<MulOp>(x, x), x);
    Value inner =
        b.binary<AddOp>(x, b.binary<MulOp>(cube, b.scalar(element, 0.044715)));
    Value twoZ =
        b.binary<MulOp>(inner, b.scalar(element, 2 * 0.7978845608028654));
    Value y = b.binary<MulOp>(x, b.unary<SigmoidOp>(twoZ));
    rewriter.replaceOp(op, b.convert(y, op.getType().getElementType()));
    return success();
  }
};

struct DecomposeReduceMean : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMeanOp op,
                                PatternRewriter &rewriter) const override {
    Builder b{rewriter, op.getLoc()};
    auto type = op.getInput().getType();
    int64_t count = 1;
    for (int64_t axis : op.getAxes())
      count *= type.getDimSize(axis);
    // The sum is scaled in f32 (f16, bf16: it overflows f16 long before the
    // mean does) or i32 (i8: it wraps at 8 bits), and the mean rounded once.
    Value input = b.widen(op.getInput());
    if (type.getElementType().isSignlessInteger(8))
      input = b.convert(input, rewriter.getI32Type());
    Value sum = ReduceSumOp::create(rewriter, op.getLoc(), input, op.getAxes(),
                                    op.getKeepDims());
    Type element = cast<RankedTensorType>(input.getType()).getElementType();
    Value mean = isa<FloatType>(element)
                     ? b.binary<MulOp>(sum, b.scalar(element, 1.0 / count))
                     : b.binary<DivOp>(sum, b.scalar(element, count));
    rewriter.replaceOp(op, b.convert(mean, type.getElementType()));
    return success();
  }
};

/// argmax(x) = the least index i with x[i] == max(x) (the greatest with
/// select_last_index), where NaN counts as the maximum: reduce_max already
/// propagates it, so the NaNs are then the hits. argmin likewise with
/// reduce_min. Both reductions run over the same rows, so dispatch formation
/// makes one row kernel of them.
template <typename OpTy, typename ExtremumOp>
struct DecomposeArgReduce : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Builder b{rewriter, op.getLoc()};
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis();
    Value extremum = ExtremumOp::create(rewriter, loc, x, axis,
                                        /*keep_dims=*/true);
    Value hit =
        CompareOp::create(rewriter, loc, ComparePredicate::eq, x, extremum);
    if (isa<FloatType>(type.getElementType())) {
      Value isNan =
          CompareOp::create(rewriter, loc, ComparePredicate::ne, x, x);
      hit = SelectOp::create(rewriter, loc, isNan, isNan, hit);
    }
    Type i32 = rewriter.getI32Type();
    Value index = IotaOp::create(rewriter, loc, type.clone(i32), axis);
    bool last = op.getSelectLastIndex();
    Value miss = b.scalar(i32, last ? -1 : type.getDimSize(axis));
    Value candidates = SelectOp::create(rewriter, loc, hit, index, miss);
    Value result = last ? Value(ReduceMaxOp::create(rewriter, loc, candidates,
                                                    axis, op.getKeepDims()))
                        : Value(ReduceMinOp::create(rewriter, loc, candidates,
                                                    axis, op.getKeepDims()));
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TgcDecomposeComposites
    : tgc::impl::TgcDecomposeCompositesBase<TgcDecomposeComposites> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    tgc::populateDecomposeCompositesPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void tgc::populateDecomposeCompositesPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeSoftmax, DecomposeLayerNorm, DecomposeRmsNorm,
               DecomposeSilu, DecomposeGeluTanh, DecomposeReduceMean,
               DecomposeArgReduce<ArgmaxOp, ReduceMaxOp>,
               DecomposeArgReduce<ArgminOp, ReduceMinOp>>(
      patterns.getContext());
}
