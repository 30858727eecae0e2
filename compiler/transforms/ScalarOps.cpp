//===- ScalarOps.cpp - scalar semantics of elementwise tg ops -------------===//

#include "compiler/transforms/ScalarOps.h"

#include "ir/TgDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tg;

Type tgc::computeType(Type element) {
  if (element.isF16() || element.isBF16())
    return Float32Type::get(element.getContext());
  return element;
}

static Value floatConst(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
}

Value tgc::convertScalar(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, to, v);
    if (fromFloat.getWidth() == toFloat.getWidth()) // f16 <-> bf16
      return arith::TruncFOp::create(
          b, loc, to, arith::ExtFOp::create(b, loc, b.getF32Type(), v));
    return arith::TruncFOp::create(b, loc, to, v);
  }
  if (to.isSignlessInteger(1)) {
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(from));
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  if (from.isSignlessInteger(1)) {
    if (toFloat)
      return arith::UIToFPOp::create(b, loc, to, v);
    return arith::ExtUIOp::create(b, loc, to, v);
  }
  if (toFloat) // signed integer -> float
    return arith::SIToFPOp::create(b, loc, to, v);
  if (fromFloat) {
    // Saturate into the integer range and map NaN to 0: fptosi alone is
    // undefined for out-of-range inputs. INT_MAX itself is not an f32 (it
    // rounds up to 2^31, where x86 returns INT_MIN), so the clamp stops at
    // the largest float below 2^(width-1) and larger inputs select INT_MAX.
    unsigned width = to.getIntOrFloatBitWidth();
    Value x = v;
    if (fromFloat.getWidth() < 32)
      x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
    Type ft = x.getType();
    float limit = std::ldexp(1.0f, width - 1);
    Value tooLarge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x,
                                           floatConst(b, loc, ft, limit));
    x = arith::MaximumFOp::create(b, loc, x, floatConst(b, loc, ft, -limit));
    x = arith::MinimumFOp::create(
        b, loc, x, floatConst(b, loc, ft, std::nextafter(limit, 0.0f)));
    Value isNan =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
    x = arith::SelectOp::create(b, loc, isNan, floatConst(b, loc, ft, 0.0), x);
    Value r = arith::FPToSIOp::create(b, loc, to, x);
    Value max = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(to, APInt::getSignedMaxValue(width)));
    return arith::SelectOp::create(b, loc, tooLarge, max, r);
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth < toWidth)
    return arith::ExtSIOp::create(b, loc, to, v);
  return arith::TruncIOp::create(b, loc, to, v);
}

static arith::CmpFPredicate floatPredicate(ComparePredicate p) {
  switch (p) {
  case ComparePredicate::eq:
    return arith::CmpFPredicate::OEQ;
  case ComparePredicate::ne:
    return arith::CmpFPredicate::UNE;
  case ComparePredicate::lt:
    return arith::CmpFPredicate::OLT;
  case ComparePredicate::le:
    return arith::CmpFPredicate::OLE;
  case ComparePredicate::gt:
    return arith::CmpFPredicate::OGT;
  case ComparePredicate::ge:
    return arith::CmpFPredicate::OGE;
  }
  llvm_unreachable("bad predicate");
}

/// Signed for i8 and i32; unsigned for i1, where true is 1 (as tg.cast
/// converts it), not the -1 a signed one-bit integer would be.
static arith::CmpIPredicate intPredicate(ComparePredicate p, bool isBool) {
  switch (p) {
  case ComparePredicate::eq:
    return arith::CmpIPredicate::eq;
  case ComparePredicate::ne:
    return arith::CmpIPredicate::ne;
  case ComparePredicate::lt:
    return isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
  case ComparePredicate::le:
    return isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
  case ComparePredicate::gt:
    return isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
  case ComparePredicate::ge:
    return isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
  }
  llvm_unreachable("bad predicate");
}

/// x^y with the special cases of C's pow. math.powf is only used on |x|:
/// the targets expand it as exp(y log|x|), which is NaN for a negative base
/// and for 0^0, 1^inf and friends. A negative base gives a real result for
/// integer y (negative for odd y), NaN for other finite y; y = 0 or x = 1
/// give 1 even with a NaN, and so does (-1)^(+-inf).
static Value buildPow(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = x.getType();
  auto c = [&](double v) { return floatConst(b, loc, t, v); };
  auto cmp = [&](arith::CmpFPredicate p, Value l, Value r) -> Value {
    return arith::CmpFOp::create(b, loc, p, l, r);
  };
  auto both = [&](Value l, Value r) -> Value {
    return arith::AndIOp::create(b, loc, l, r);
  };
  auto either = [&](Value l, Value r) -> Value {
    return arith::OrIOp::create(b, loc, l, r);
  };
  using P = arith::CmpFPredicate;
  Value r = math::PowFOp::create(b, loc, math::AbsFOp::create(b, loc, x), y);
  // Infinite y counts as an even integer: |x|^y is then already right.
  Value yFloor = math::FloorOp::create(b, loc, y);
  Value yInteger = cmp(P::OEQ, yFloor, y);
  Value half = arith::MulFOp::create(b, loc, y, c(0.5));
  Value yOdd =
      both(yInteger, cmp(P::ONE, math::FloorOp::create(b, loc, half), half));
  // The sign bit, so that -0 and -inf count as negative bases.
  Type bits = b.getIntegerType(t.getIntOrFloatBitWidth());
  Value negative = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::slt,
      arith::BitcastOp::create(b, loc, bits, x),
      arith::ConstantOp::create(b, loc, b.getZeroAttr(bits)));
  r = arith::SelectOp::create(b, loc, both(negative, yOdd),
                              arith::NegFOp::create(b, loc, r), r);
  Value finiteNegative =
      both(cmp(P::OLT, x, c(0.0)), cmp(P::ONE, x, c(-INFINITY)));
  r = arith::SelectOp::create(
      b, loc, both(finiteNegative, cmp(P::UNE, yFloor, y)), c(NAN), r);
  Value isOne =
      either(either(cmp(P::OEQ, y, c(0.0)), cmp(P::OEQ, x, c(1.0))),
             both(cmp(P::OEQ, x, c(-1.0)),
                  cmp(P::OEQ, math::AbsFOp::create(b, loc, y), c(INFINITY))));
  return arith::SelectOp::create(b, loc, isOne, c(1.0), r);
}

Value tgc::buildScalarOp(OpBuilder &b, Location loc, Operation *op,
                         ValueRange args, Type resultElement) {
  if (auto cast = dyn_cast<CastOp>(op))
    return convertScalar(b, loc, args[0], resultElement);
  if (auto select = dyn_cast<SelectOp>(op))
    return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);

  // Everything else computes in computeType and rounds once at the end.
  Type element = args[0].getType();
  Type ct = computeType(element);
  SmallVector<Value> xs;
  for (Value a : args)
    xs.push_back(convertScalar(b, loc, a, ct));
  bool isFloat = isa<FloatType>(ct);
  auto fc = [&](double v) { return floatConst(b, loc, ct, v); };
  Value x = xs[0];
  Value y = xs.size() > 1 ? xs[1] : Value();

  if (auto cmp = dyn_cast<CompareOp>(op)) {
    if (isFloat)
      return arith::CmpFOp::create(b, loc, floatPredicate(cmp.getPredicate()),
                                   x, y);
    return arith::CmpIOp::create(
        b, loc, intPredicate(cmp.getPredicate(), ct.isSignlessInteger(1)), x,
        y);
  }

  Value r =
      llvm::TypeSwitch<Operation *, Value>(op)
          .Case([&](NegOp) -> Value {
            if (isFloat)
              return arith::NegFOp::create(b, loc, x);
            Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(ct));
            return arith::SubIOp::create(b, loc, zero, x);
          })
          .Case([&](AbsOp) -> Value {
            if (isFloat)
              return math::AbsFOp::create(b, loc, x);
            return math::AbsIOp::create(b, loc, x);
          })
          .Case([&](ReluOp) -> Value {
            Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(ct));
            if (isFloat)
              return arith::MaximumFOp::create(b, loc, x, zero);
            return arith::MaxSIOp::create(b, loc, x, zero);
          })
          .Case([&](ExpOp) -> Value { return math::ExpOp::create(b, loc, x); })
          .Case([&](LogOp) -> Value { return math::LogOp::create(b, loc, x); })
          .Case(
              [&](SqrtOp) -> Value { return math::SqrtOp::create(b, loc, x); })
          .Case([&](RsqrtOp) -> Value {
            return arith::DivFOp::create(b, loc, fc(1.0),
                                         math::SqrtOp::create(b, loc, x));
          })
          .Case([&](ReciprocalOp) -> Value {
            return arith::DivFOp::create(b, loc, fc(1.0), x);
          })
          .Case(
              [&](TanhOp) -> Value { return math::TanhOp::create(b, loc, x); })
          .Case([&](SigmoidOp) -> Value {
            Value e =
                math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
            return arith::DivFOp::create(
                b, loc, fc(1.0), arith::AddFOp::create(b, loc, fc(1.0), e));
          })
          .Case([&](SiluOp) -> Value {
            Value e =
                math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
            return arith::DivFOp::create(
                b, loc, x, arith::AddFOp::create(b, loc, fc(1.0), e));
          })
          .Case([&](GeluOp gelu) -> Value {
            if (gelu.getTanh()) {
              // x sigmoid(2z) = 0.5 x (1 + tanh(z)) without the
              // cancellation (DecomposeComposites.cpp).
              Value cube = arith::MulFOp::create(
                  b, loc, arith::MulFOp::create(b, loc, x, x), x);
              Value twoZ = arith::MulFOp::create(
                  b, loc, fc(2 * 0.7978845608028654),
                  arith::AddFOp::create(
                      b, loc, x,
                      arith::MulFOp::create(b, loc, cube, fc(0.044715))));
              Value e = math::ExpOp::create(
                  b, loc, arith::NegFOp::create(b, loc, twoZ));
              return arith::DivFOp::create(
                  b, loc, x, arith::AddFOp::create(b, loc, fc(1.0), e));
            }
            // 0.5 x (1 + erf(x / sqrt 2)) as 0.5 x erfc(-x / sqrt 2): the
            // same function without the cancellation for negative x.
            Value half = arith::MulFOp::create(b, loc, x, fc(0.5));
            Value erfc = math::ErfcOp::create(
                b, loc, arith::MulFOp::create(b, loc, x, fc(-M_SQRT1_2)));
            return arith::MulFOp::create(b, loc, half, erfc);
          })
          .Case([&](ErfOp) -> Value { return math::ErfOp::create(b, loc, x); })
          .Case([&](FloorOp) -> Value {
            return math::FloorOp::create(b, loc, x);
          })
          .Case(
              [&](CeilOp) -> Value { return math::CeilOp::create(b, loc, x); })
          .Case([&](RoundOp) -> Value {
            return math::RoundEvenOp::create(b, loc, x);
          })
          .Case([&](ClampOp) -> Value {
            Value lo = xs[1], hi = xs[2];
            if (isFloat)
              return arith::MinimumFOp::create(
                  b, loc, arith::MaximumFOp::create(b, loc, x, lo), hi);
            return arith::MinSIOp::create(
                b, loc, arith::MaxSIOp::create(b, loc, x, lo), hi);
          })
          .Case([&](SinOp) -> Value { return math::SinOp::create(b, loc, x); })
          .Case([&](CosOp) -> Value { return math::CosOp::create(b, loc, x); })
          .Case([&](AddOp) -> Value {
            return isFloat ? Value(arith::AddFOp::create(b, loc, x, y))
                           : Value(arith::AddIOp::create(b, loc, x, y));
          })
          .Case([&](SubOp) -> Value {
            return isFloat ? Value(arith::SubFOp::create(b, loc, x, y))
                           : Value(arith::SubIOp::create(b, loc, x, y));
          })
          .Case([&](MulOp) -> Value {
            return isFloat ? Value(arith::MulFOp::create(b, loc, x, y))
                           : Value(arith::MulIOp::create(b, loc, x, y));
          })
          .Case([&](DivOp) -> Value {
            if (isFloat)
              return arith::DivFOp::create(b, loc, x, y);
            // Division by zero yields 0 and INT_MIN / -1 wraps to INT_MIN
            // instead of trapping (both fault on x86): neither divisor
            // reaches the division, -1 negates instead.
            Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(ct));
            Value one = arith::ConstantOp::create(b, loc, b.getOneAttr(ct));
            Value minusOne =
                arith::ConstantOp::create(b, loc, b.getIntegerAttr(ct, -1));
            Value isZero = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::eq, y, zero);
            Value isMinusOne = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::eq, y, minusOne);
            Value safe = arith::SelectOp::create(
                b, loc, arith::OrIOp::create(b, loc, isZero, isMinusOne), one,
                y);
            Value q = arith::DivSIOp::create(b, loc, x, safe);
            q = arith::SelectOp::create(
                b, loc, isMinusOne, arith::SubIOp::create(b, loc, zero, x), q);
            return arith::SelectOp::create(b, loc, isZero, zero, q);
          })
          .Case([&](MaxOp) -> Value {
            return isFloat ? Value(arith::MaximumFOp::create(b, loc, x, y))
                           : Value(arith::MaxSIOp::create(b, loc, x, y));
          })
          .Case([&](MinOp) -> Value {
            return isFloat ? Value(arith::MinimumFOp::create(b, loc, x, y))
                           : Value(arith::MinSIOp::create(b, loc, x, y));
          })
          .Case([&](PowOp) -> Value { return buildPow(b, loc, x, y); })
          .Default([](Operation *) -> Value { return nullptr; });
  assert(r && "not an elementwise tg op");
  return convertScalar(b, loc, r, resultElement);
}
