//===- LowerMath.cpp - Math without a math library ------------------------===//
//
// Kernels must not call libdevice, ocml or libm: libdevice is only there when
// the CUDA toolkit is, ocml needs ROCm's device libraries, and the host
// library must load on a machine whose libm we do not know. So every
// transcendental op is rewritten into arithmetic (MLIR's polynomial
// approximations, plus expansions into exp/log), and only ops that every
// target implements with instructions reach LLVM.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/targets/TargetUtils.h"
#include "ir/TgcDialect.h"

#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tgc {
#define GEN_PASS_DEF_TGCLOWERMATH
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;

namespace {

/// Ops with a polynomial approximation in MLIR (f32, and f16/bf16 through
/// f32). The math.* names, as the approximation predicates expect them.
constexpr StringLiteral kApproximated[] = {
    "math.exp",  "math.expm1", "math.log",  "math.log2", "math.log1p",
    "math.tanh", "math.erf",   "math.erfc", "math.sin",  "math.cos",
    "math.atan", "math.atan2", "math.asin", "math.acos", "math.cbrt"};

/// Ops rewritten into the approximated ones (or into sqrt/div) first. tanh is
/// not among them: its direct approximation is more accurate than
/// (e^2x - 1)/(e^2x + 1).
constexpr StringRef kExpanded[] = {"sinh",  "cosh", "tan",   "asinh", "acosh",
                                   "atanh", "powf", "fpowi", "exp2",  "rsqrt"};

/// Ops every target lowers to instructions (llvm.sqrt, llvm.fabs, ...).
bool isNativeMathOp(Operation *op) {
  return isa<math::AbsFOp, math::AbsIOp, math::SqrtOp, math::FmaOp,
             math::FloorOp, math::CeilOp, math::TruncOp, math::RoundOp,
             math::RoundEvenOp, math::CopySignOp, math::CountLeadingZerosOp,
             math::CountTrailingZerosOp, math::CtPopOp>(op);
}

bool isApproximated(StringRef name) {
  return llvm::is_contained(kApproximated, name);
}

Value floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  auto attr = b.getFloatAttr(getElementTypeOrSelf(type), value);
  if (auto shaped = dyn_cast<ShapedType>(type))
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(shaped, attr));
  return arith::ConstantOp::create(b, loc, attr);
}

/// log10(x) = log(x) * log10(e). MLIR has no log10 approximation; the extra
/// rounding of the multiply costs at most half an ulp.
struct Log10ToLog : OpRewritePattern<math::Log10Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::Log10Op op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value ln = math::LogOp::create(rewriter, loc, op.getOperand(),
                                   op.getFastmathAttr());
    Value log10e = floatConstant(rewriter, loc, op.getType(),
                                 0.43429448190325182765); // 1 / ln(10)
    rewriter.replaceOpWithNewOp<arith::MulFOp>(op, ln, log10e,
                                               op.getFastmathAttr());
    return success();
  }
};

Type f64Like(Type type) {
  Type f64 = Float64Type::get(type.getContext());
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.clone(f64);
  return f64;
}

/// sin and cos of f32 with Cody-Waite range reduction. MLIR's own
/// approximation reduces with a single-precision pi/2, so its absolute error
/// grows with |x| (7e-4 at |x| = 1e4, where rotary position embeddings
/// live) and it is off by 6e-8 absolute for tiny negative x. Here
/// x = k*pi/2 + r with pi/2 split in three parts subtracted with FMAs, which
/// keeps r accurate to about 1e6 (measured: <= 1.8 ulp for |x| <= 1e6), then
/// minimax polynomials on [-pi/4, pi/4] (the Cephes sinf/cosf coefficients).
template <typename OpTy> struct SinCosF32 : OpRewritePattern<OpTy> {
  static constexpr bool isSin = std::is_same_v<OpTy, math::SinOp>;

  SinCosF32(MLIRContext *context, bool hasFma)
      : OpRewritePattern<OpTy>(context, /*benefit=*/2), hasFma(hasFma) {}
  bool hasFma;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto constant = [&](double value) {
      return floatConstant(b, loc, type, value);
    };
    auto fma = [&](Value x, Value y, Value z) -> Value {
      return math::FmaOp::create(b, loc, x, y, z);
    };
    auto mul = [&](Value x, Value y) -> Value {
      return arith::MulFOp::create(b, loc, x, y);
    };
    auto cmp = [&](arith::CmpFPredicate predicate, Value x, Value y) -> Value {
      return arith::CmpFOp::create(b, loc, predicate, x, y);
    };
    auto select = [&](Value c, Value x, Value y) -> Value {
      return arith::SelectOp::create(b, loc, c, x, y);
    };

    Value x = op.getOperand();
    Value k = math::RoundEvenOp::create(
        b, loc, mul(x, constant(0.63661977236758134308))); // 2/pi
    Value r;
    if (hasFma) {
      Value negK = arith::NegFOp::create(b, loc, k);
      r = fma(negK, constant(1.57079637050628662109375), x);
      r = fma(negK, constant(-4.37113900018624283e-8), r);
      r = fma(negK, constant(-1.7151245100059474e-15), r);
    } else {
      // Without FMA each k * part rounds and the split loses its point;
      // CPUs without FMA still have fast doubles: x - k * pi/2 in f64 is
      // exact enough (53 bits) for the same range.
      Type wide = f64Like(type);
      Value kWide = arith::ExtFOp::create(b, loc, wide, k);
      Value xWide = arith::ExtFOp::create(b, loc, wide, x);
      Value product = arith::MulFOp::create(
          b, loc, kWide, floatConstant(b, loc, wide, 1.5707963267948966192));
      r = arith::TruncFOp::create(
          b, loc, type, arith::SubFOp::create(b, loc, xWide, product));
    }
    // Past |x| ~ 1e7 the reduction loses all bits; keep r where the
    // polynomials stay within [-1, 1] (NaN stays NaN). Not pi/4: rounding
    // x * 2/pi can make k off by one for large x, so r legitimately
    // reaches ~0.85 at |x| = 1e6.
    Value bound = constant(1.5707963267948966);
    r = arith::MinimumFOp::create(
        b, loc,
        arith::MaximumFOp::create(b, loc, r,
                                  arith::NegFOp::create(b, loc, bound)),
        bound);
    Value r2 = mul(r, r);
    Value sinPoly =
        fma(r2, constant(-1.9515295891e-4), constant(8.3321608736e-3));
    sinPoly = fma(r2, sinPoly, constant(-1.6666654611e-1));
    sinPoly = fma(mul(r, r2), sinPoly, r);
    Value cosPoly = fma(r2, constant(2.443315711809948e-5),
                        constant(-1.388731625493765e-3));
    cosPoly = fma(r2, cosPoly, constant(4.166664568298827e-2));
    cosPoly = fma(mul(r2, r2), cosPoly, fma(r2, constant(-0.5), constant(1.0)));

    // Quadrant k mod 4, computed in floating point: exact for every k (all
    // floats >= 2^25 are multiples of 4) and NaN-safe, where fptosi of a
    // huge or NaN k would be poison.
    Value quarter = math::FloorOp::create(b, loc, mul(k, constant(0.25)));
    Value quadrant = fma(quarter, constant(-4.0), k);
    auto quadrantIs = [&](double value) {
      return cmp(arith::CmpFPredicate::OEQ, quadrant, constant(value));
    };
    // x = k*pi/2 + r:  sin x = sin r, cos r, -sin r, -cos r  for k mod 4 =
    //                  cos x = cos r, -sin r, -cos r, sin r  0, 1, 2, 3.
    Value odd = arith::OrIOp::create(b, loc, quadrantIs(1), quadrantIs(3));
    Value negative =
        isSin ? cmp(arith::CmpFPredicate::OGE, quadrant, constant(2.0))
              : arith::OrIOp::create(b, loc, quadrantIs(1), quadrantIs(2));
    Value result =
        isSin ? select(odd, cosPoly, sinPoly) : select(odd, sinPoly, cosPoly);
    result = select(negative, arith::NegFOp::create(b, loc, result), result);
    // The polynomial turns sin(-0) into +0.
    if (isSin)
      result =
          select(cmp(arith::CmpFPredicate::OEQ, x, constant(0.0)), x, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// sinh(x) = (expm1(x) - expm1(-x)) / 2. Upstream's (e^x - e^-x) / 2
/// cancels near zero (0 instead of x below 1.5e-8, 20% off at 1e-7);
/// expm1 keeps the relative accuracy there and equals e^x - 1 elsewhere.
struct SinhFromExpm1 : OpRewritePattern<math::SinhOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::SinhOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    auto fmf = op.getFastmathAttr();
    Value up = math::ExpM1Op::create(rewriter, loc, x, fmf);
    Value down = math::ExpM1Op::create(
        rewriter, loc, arith::NegFOp::create(rewriter, loc, x, fmf), fmf);
    Value difference = arith::SubFOp::create(rewriter, loc, up, down, fmf);
    rewriter.replaceOpWithNewOp<arith::MulFOp>(
        op, difference, floatConstant(rewriter, loc, op.getType(), 0.5), fmf);
    return success();
  }
};

/// exp and expm1 of a NaN-free input, with the NaN put back afterwards.
/// Their approximations convert the scaled input with fptosi, which is
/// poison for NaN, so once LLVM can see that an input is NaN (pow of a NaN
/// constant is exp(y * NaN)) it may fold the result to anything: 1, in
/// practice. The rewritten op is marked so that this applies once, before
/// the approximation (higher benefit).
template <typename OpTy> struct NaNSafeExp : OpRewritePattern<OpTy> {
  static constexpr StringLiteral kMarker =
      tgc::TgcDialect::NanFreeAttrHelper::getNameStr();
  NaNSafeExp(MLIRContext *context)
      : OpRewritePattern<OpTy>(context, /*benefit=*/10) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kMarker))
      return failure();
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value isNan =
        arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::UNO, x, x);
    Value safe = arith::SelectOp::create(
        rewriter, loc, isNan, floatConstant(rewriter, loc, x.getType(), 0.0),
        x);
    auto inner = OpTy::create(rewriter, loc, safe, op.getFastmathAttr());
    inner->setAttr(kMarker, rewriter.getUnitAttr());
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, isNan, x, inner);
    return success();
  }
};

/// math.isnan/isinf/isfinite/isnormal as compares (MathToLLVM has no
/// lowering for most of them): |x| against infinity and the smallest normal.
template <typename OpTy> struct FloatClassToCompare : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    const llvm::fltSemantics &semantics =
        cast<FloatType>(getElementTypeOrSelf(type)).getFloatSemantics();
    auto limit = [&](const APFloat &value) -> Value {
      auto attr = rewriter.getFloatAttr(getElementTypeOrSelf(type), value);
      if (auto shaped = dyn_cast<ShapedType>(type))
        return arith::ConstantOp::create(rewriter, loc,
                                         DenseElementsAttr::get(shaped, attr));
      return arith::ConstantOp::create(rewriter, loc, attr);
    };
    auto compare = [&](arith::CmpFPredicate predicate, Value lhs,
                       Value rhs) -> Value {
      return arith::CmpFOp::create(rewriter, loc, predicate, lhs, rhs);
    };
    if constexpr (std::is_same_v<OpTy, math::IsNaNOp>) {
      rewriter.replaceOp(op, compare(arith::CmpFPredicate::UNO, x, x));
      return success();
    }
    Value magnitude = math::AbsFOp::create(rewriter, loc, x);
    Value infinity = limit(APFloat::getInf(semantics));
    Value result;
    if constexpr (std::is_same_v<OpTy, math::IsInfOp>)
      result = compare(arith::CmpFPredicate::OEQ, magnitude, infinity);
    else if constexpr (std::is_same_v<OpTy, math::IsFiniteOp>)
      result = compare(arith::CmpFPredicate::OLT, magnitude, infinity);
    else
      result = arith::AndIOp::create(
          rewriter, loc,
          compare(arith::CmpFPredicate::OLT, magnitude, infinity),
          compare(arith::CmpFPredicate::OGE, magnitude,
                  limit(APFloat::getSmallestNormalized(semantics))));
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TgcLowerMath : tgc::impl::TgcLowerMathBase<TgcLowerMath> {
  using TgcLowerMathBase::TgcLowerMathBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    tgc::populateLowerMathPatterns(patterns, hasFma);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // Whatever is left and not native would become a libm/libdevice call.
    WalkResult result = getOperation()->walk([](Operation *op) {
      if (!isa_and_present<math::MathDialect>(op->getDialect()) ||
          isNativeMathOp(op))
        return WalkResult::advance();
      InFlightDiagnostic diag = op->emitOpError();
      diag << "on "
           << (op->getNumOperands() ? op->getOperandTypes().front()
                                    : op->getResultTypes().front())
           << " has no lowering without a math library";
      if (isApproximated(op->getName().getStringRef()))
        diag << " (tgc approximates it for f16, bf16 and f32 only)";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

/// math.fma -> llvm.fmuladd: fused where the CPU has FMA, mul+add otherwise,
/// instead of a call to fmaf.
struct FmaToFMulAdd : ConvertOpToLLVMPattern<math::FmaOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult
  matchAndRewrite(math::FmaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type || !LLVM::isCompatibleType(type))
      return rewriter.notifyMatchFailure(op, "n-D vector fma");
    rewriter.replaceOpWithNewOp<LLVM::FMulAddOp>(
        op, type, adaptor.getA(), adaptor.getB(), adaptor.getC());
    return success();
  }
};

/// arith.remf -> llvm.frem, which NVPTX and AMDGPU expand inline (the host
/// rejects remf before it gets here: frem would be a call to fmodf).
struct RemFToFRem : ConvertOpToLLVMPattern<arith::RemFOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult
  matchAndRewrite(arith::RemFOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type || !LLVM::isCompatibleType(type))
      return rewriter.notifyMatchFailure(op, "n-D vector remf");
    rewriter.replaceOpWithNewOp<LLVM::FRemOp>(op, type, adaptor.getLhs(),
                                              adaptor.getRhs());
    return success();
  }
};

} // namespace

void tgc::populateLowerMathPatterns(RewritePatternSet &patterns, bool hasFma) {
  MLIRContext *context = patterns.getContext();
  patterns.add<Log10ToLog, FloatClassToCompare<math::IsNaNOp>,
               FloatClassToCompare<math::IsInfOp>,
               FloatClassToCompare<math::IsFiniteOp>,
               FloatClassToCompare<math::IsNormalOp>>(context);
  patterns.add<SinhFromExpm1>(context, /*benefit=*/2);
  patterns.add<NaNSafeExp<math::ExpOp>, NaNSafeExp<math::ExpM1Op>>(context);
  // Preferred over the upstream sin/cos approximations.
  patterns.add<SinCosF32<math::SinOp>, SinCosF32<math::CosOp>>(context, hasFma);
  math::populateExpansionPatterns(patterns, kExpanded);
  populateMathF32ExpansionPatterns(patterns, isApproximated);
  populateMathPolynomialApproximationPatterns(patterns, isApproximated);
}

void tgc::detail::populateNativeMathToLLVMPatterns(LLVMTypeConverter &converter,
                                                   RewritePatternSet &patterns,
                                                   bool nativeFma) {
  // The GPU conversions also carry patterns that turn these very ops (and
  // frem) into libdevice/ocml calls; a higher benefit makes ours win.
  constexpr unsigned benefit = 10;
  // approximateLog1p only matters for log1p, which never gets here.
  populateMathToLLVMConversionPatterns(converter, patterns,
                                       /*approximateLog1p=*/false, benefit);
  patterns.add<RemFToFRem>(converter, benefit);
  if (!nativeFma)
    patterns.add<FmaToFMulAdd>(converter, benefit + 1);
}
