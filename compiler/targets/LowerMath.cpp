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

#include "compiler/targets/TargetUtils.h"

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
             math::CountTrailingZerosOp, math::CtPopOp, math::IsNaNOp,
             math::IsInfOp, math::IsFiniteOp>(op);
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

struct LowerMathPass : public PassWrapper<LowerMathPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerMathPass)

  StringRef getArgument() const override { return "tgc-lower-math"; }
  StringRef getDescription() const override {
    return "Rewrite transcendental math into polynomial approximations";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, math::MathDialect,
                    vector::VectorDialect, scf::SCFDialect>();
  }

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<Log10ToLog>(context);
    math::populateExpansionPatterns(patterns, kExpanded);
    populateMathF32ExpansionPatterns(patterns, isApproximated);
    populateMathPolynomialApproximationPatterns(patterns, isApproximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // Whatever is left and not native would become a libm/libdevice call.
    WalkResult result = getOperation()->walk([](Operation *op) {
      if (!isa_and_present<math::MathDialect>(op->getDialect()) ||
          isNativeMathOp(op))
        return WalkResult::advance();
      InFlightDiagnostic diag = op->emitOpError();
      diag << "on " << op->getResultTypes().front()
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

std::unique_ptr<Pass> tgc::detail::createLowerMathPass() {
  return std::make_unique<LowerMathPass>();
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
