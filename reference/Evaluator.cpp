//===- Evaluator.cpp - reference evaluation of tg functions ---------------===//
//
// Straightforward on purpose: one loop nest per op, indices recomputed from
// flat positions, no fusion, no vectorization. Correctness and readability
// matter here, speed does not (test tensors are small).
//
//===----------------------------------------------------------------------===//

#include "reference/Evaluator.h"

#include "ir/TgDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace mlir;
using namespace mlir::tg;
using llvm::APFloat;

namespace tgc::ref {

//===----------------------------------------------------------------------===//
// Element types and rounding
//===----------------------------------------------------------------------===//

bool isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

std::optional<DType> dtypeOf(Type type) {
  if (type.isF32())
    return DType::F32;
  if (type.isF16())
    return DType::F16;
  if (type.isBF16())
    return DType::BF16;
  if (type.isSignlessInteger(32))
    return DType::I32;
  if (type.isSignlessInteger(8))
    return DType::I8;
  if (type.isSignlessInteger(1))
    return DType::I1;
  return std::nullopt;
}

static unsigned intWidth(DType dtype) {
  return dtype == DType::I32 ? 32 : dtype == DType::I8 ? 8 : 1;
}

/// Two's complement wrap of `v` into a signed integer of `dtype`'s width.
static int64_t wrapInt(DType dtype, uint64_t v) {
  switch (dtype) {
  case DType::I32:
    return int32_t(uint32_t(v));
  case DType::I8:
    return int8_t(uint8_t(v));
  case DType::I1:
    return v & 1;
  default:
    return int64_t(v);
  }
}

static double roundToSemantics(double value, const llvm::fltSemantics &sem) {
  APFloat f(value);
  bool lost;
  f.convert(sem, APFloat::rmNearestTiesToEven, &lost);
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return f.convertToDouble();
}

double roundTo(DType dtype, double value) {
  switch (dtype) {
  case DType::F32:
    // IEEE conversion: ties to even, overflow to infinity.
    return double(float(value));
  case DType::F16:
    return roundToSemantics(value, APFloat::IEEEhalf());
  case DType::BF16:
    return roundToSemantics(value, APFloat::BFloat());
  case DType::I1:
    return value != 0 ? 1 : 0;
  case DType::I32:
  case DType::I8: {
    if (!std::isfinite(value))
      return 0;
    // fmod is exact, so this wraps any finite double without overflow.
    double modulus = std::ldexp(1.0, intWidth(dtype));
    double m = std::fmod(std::trunc(value), modulus);
    if (m < 0)
      m += modulus;
    if (m >= modulus / 2)
      m -= modulus;
    return m;
  }
  }
  return value;
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape)
    : dtype(dtype), shape(std::move(shape)) {
  int64_t n = 1;
  for (int64_t d : this->shape)
    n *= d;
  values.assign(n, 0.0);
}

std::string Tensor::typeString() const {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + dtypeName(dtype) + ">";
}

//===----------------------------------------------------------------------===//
// Scalar semantics (docs/dialect/tg.md)
//===----------------------------------------------------------------------===//

namespace {

/// tg.cast of one element (the source value is exact in `from`).
double castScalar(DType from, DType to, double x) {
  if (to == DType::I1)
    return x != 0 ? 1 : 0; // NaN is nonzero
  if (isFloat(to))
    return roundTo(to, x); // integers and i1 are exact in double
  if (isFloat(from)) {
    // Truncate toward zero and saturate; NaN becomes 0.
    if (std::isnan(x))
      return 0;
    double lo = -std::ldexp(1.0, intWidth(to) - 1);
    double hi = std::ldexp(1.0, intWidth(to) - 1) - 1;
    // + 0.0: trunc(-0.3) is -0, which a later cast to float would keep.
    return std::min(std::max(std::trunc(x), lo), hi) + 0.0;
  }
  // Integer to integer: sign-extend or keep the low bits.
  return double(wrapInt(to, uint64_t(int64_t(x))));
}

/// NaN-propagating maximum and minimum that order -0 below +0 (IEEE
/// maximum/minimum, as tg.max and tg.min document).
double fmaximum(double x, double y) {
  if (std::isnan(x) || std::isnan(y))
    return std::numeric_limits<double>::quiet_NaN();
  if (x == y)
    return std::signbit(x) ? y : x;
  return x > y ? x : y;
}
double fminimum(double x, double y) {
  if (std::isnan(x) || std::isnan(y))
    return std::numeric_limits<double>::quiet_NaN();
  if (x == y)
    return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// Both forms without the cancellation of 1 + tanh(z) or 1 + erf(z) for
/// negative z, which loses all digits even in double from x = -6 on:
/// 1 + tanh(z) = 2 sigmoid(2z), 1 + erf(z) = erfc(-z).
double gelu(double x, bool tanhForm) {
  if (tanhForm)
    return x * sigmoid(2 * std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x));
  return 0.5 * x * std::erfc(-x / std::sqrt(2.0));
}

/// Float unary ops, in double. Null for ops that are not float unary ops.
std::function<double(double)> floatUnary(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::function<double(double)>>(op)
      .Case([](ExpOp) { return [](double x) { return std::exp(x); }; })
      .Case([](LogOp) { return [](double x) { return std::log(x); }; })
      .Case([](SqrtOp) { return [](double x) { return std::sqrt(x); }; })
      .Case([](RsqrtOp) { return [](double x) { return 1.0 / std::sqrt(x); }; })
      .Case([](ReciprocalOp) { return [](double x) { return 1.0 / x; }; })
      .Case([](TanhOp) { return [](double x) { return std::tanh(x); }; })
      .Case([](SigmoidOp) { return [](double x) { return sigmoid(x); }; })
      .Case([](SiluOp) { return [](double x) { return x * sigmoid(x); }; })
      .Case([](SinOp) { return [](double x) { return std::sin(x); }; })
      .Case([](CosOp) { return [](double x) { return std::cos(x); }; })
      .Case([](ErfOp) { return [](double x) { return std::erf(x); }; })
      .Case([](FloorOp) { return [](double x) { return std::floor(x); }; })
      .Case([](CeilOp) { return [](double x) { return std::ceil(x); }; })
      // Ties to even: the default rounding mode, which tests never change.
      .Case([](RoundOp) { return [](double x) { return std::nearbyint(x); }; })
      .Case([](GeluOp g) {
        bool t = g.getTanh();
        return [t](double x) { return gelu(x, t); };
      })
      .Default([](Operation *) { return nullptr; });
}

/// neg, abs and relu on any numeric type; integers wrap (-INT_MIN and
/// |INT_MIN| are INT_MIN).
double numericUnary(Operation *op, DType t, double x) {
  bool isInt = !isFloat(t);
  int64_t i = isInt ? int64_t(x) : 0;
  if (isa<NegOp>(op))
    return isInt ? double(wrapInt(t, 0 - uint64_t(i))) : -x;
  if (isa<AbsOp>(op))
    return isInt ? double(wrapInt(t, i < 0 ? 0 - uint64_t(i) : uint64_t(i)))
                 : std::fabs(x);
  // relu is max(x, 0): NaN stays NaN, -0 becomes +0.
  return isInt ? std::max<double>(x, 0) : fmaximum(x, 0.0);
}

/// Binary arithmetic. Integers wrap; integer division truncates, division
/// by zero gives 0 and INT_MIN / -1 wraps to INT_MIN.
double binary(Operation *op, DType t, double x, double y) {
  if (isFloat(t)) {
    return llvm::TypeSwitch<Operation *, double>(op)
        .Case([&](AddOp) { return x + y; })
        .Case([&](SubOp) { return x - y; })
        .Case([&](MulOp) { return x * y; })
        .Case([&](DivOp) { return x / y; })
        .Case([&](MaxOp) { return fmaximum(x, y); })
        .Case([&](MinOp) { return fminimum(x, y); })
        .Case([&](PowOp) { return std::pow(x, y); })
        .Default([](Operation *) { return 0.0; });
  }
  int64_t a = int64_t(x), b = int64_t(y);
  uint64_t ua = uint64_t(a), ub = uint64_t(b);
  uint64_t r = llvm::TypeSwitch<Operation *, uint64_t>(op)
                   .Case([&](AddOp) { return ua + ub; })
                   .Case([&](SubOp) { return ua - ub; })
                   .Case([&](MulOp) { return ua * ub; })
                   .Case([&](DivOp) {
                     if (b == 0)
                       return uint64_t(0);
                     // Exact in int64 for 32-bit operands; the wrap below
                     // turns 2^31 (INT_MIN / -1) back into INT_MIN.
                     return uint64_t(a / b);
                   })
                   .Case([&](MaxOp) { return uint64_t(std::max(a, b)); })
                   .Case([&](MinOp) { return uint64_t(std::min(a, b)); })
                   .Default([](Operation *) { return uint64_t(0); });
  return double(wrapInt(t, r));
}

/// Float comparisons are ordered (false with a NaN) except `ne`, which is
/// true with a NaN; integers compare as signed, i1 as false < true.
bool compare(ComparePredicate p, double x, double y) {
  switch (p) {
  case ComparePredicate::eq:
    return x == y;
  case ComparePredicate::ne:
    return !(x == y);
  case ComparePredicate::lt:
    return x < y;
  case ComparePredicate::le:
    return x <= y;
  case ComparePredicate::gt:
    return x > y;
  case ComparePredicate::ge:
    return x >= y;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Index arithmetic
//===----------------------------------------------------------------------===//

std::vector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

void unravel(int64_t flat, ArrayRef<int64_t> shape,
             SmallVectorImpl<int64_t> &index) {
  index.resize(shape.size());
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    index[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
}

/// Strides that read an operand of `shape` at a broadcast result index:
/// right-aligned, size-1 (stretched) and missing dimensions read index 0.
std::vector<int64_t> broadcastStrides(ArrayRef<int64_t> shape,
                                      ArrayRef<int64_t> resultShape) {
  std::vector<int64_t> own = stridesOf(shape);
  std::vector<int64_t> result(resultShape.size(), 0);
  int64_t offset = int64_t(resultShape.size()) - int64_t(shape.size());
  for (int64_t d = 0; d < int64_t(shape.size()); ++d)
    if (shape[d] != 1)
      result[offset + d] = own[d];
  return result;
}

int64_t dot(ArrayRef<int64_t> index, ArrayRef<int64_t> strides) {
  int64_t offset = 0;
  for (auto [i, s] : llvm::zip_equal(index, strides))
    offset += i * s;
  return offset;
}

//===----------------------------------------------------------------------===//
// The interpreter
//===----------------------------------------------------------------------===//

struct Failure {
  std::string message;
};

class Interpreter {
public:
  explicit Interpreter(const Options &options)
      : snapToZero(options.perturbSeed % 2 == 1),
        errorSign(options.perturbSeed % 4 == 1   ? -1
                  : options.perturbSeed % 4 == 2 ? 1
                                                 : 0) {
    if (options.perturbSeed)
      rng.emplace(options.perturbSeed);
  }

  const Tensor &get(Value v) {
    auto it = values.find(v);
    if (it == values.end())
      throw Failure{"internal: a value is used before it is defined"};
    return it->second;
  }
  void set(Value v, Tensor t) { values[v] = std::move(t); }

  void run(Operation *op);

private:
  Tensor resultTensor(Operation *op, unsigned i = 0) {
    auto type = cast<RankedTensorType>(op->getResult(i).getType());
    auto dtype = dtypeOf(type.getElementType());
    if (!dtype)
      throw Failure{"unsupported element type in " +
                    op->getName().getStringRef().str()};
    return Tensor(*dtype, std::vector<int64_t>(type.getShape().begin(),
                                               type.getShape().end()));
  }

  /// result[i] = fn(operand values at i), all operands broadcast.
  template <typename Fn> Tensor elementwise(Operation *op, Fn fn) {
    Tensor out = resultTensor(op);
    std::vector<const Tensor *> ins;
    std::vector<std::vector<int64_t>> strides;
    for (Value v : op->getOperands()) {
      ins.push_back(&get(v));
      strides.push_back(broadcastStrides(ins.back()->shape, out.shape));
    }
    SmallVector<int64_t> index;
    SmallVector<double, 3> args(ins.size());
    for (int64_t i = 0; i < out.numElements(); ++i) {
      unravel(i, out.shape, index);
      for (size_t k = 0; k < ins.size(); ++k)
        args[k] = ins[k]->values[dot(index, strides[k])];
      out.values[i] = roundTo(out.dtype, fn(ArrayRef<double>(args)));
    }
    return out;
  }

  Tensor constant(ConstantOp op);
  Tensor reduce(Operation *op, ArrayRef<int64_t> axes, bool keepDims);
  Tensor matmul(MatmulOp op);
  Tensor gather(GatherOp op);
  Tensor dynamicUpdateSlice(DynamicUpdateSliceOp op);
  Tensor slice(SliceOp op);
  Tensor concat(ConcatOp op);
  Tensor transpose(TransposeOp op);
  Tensor softmax(SoftmaxOp op);
  Tensor cumsum(CumsumOp op);
  Tensor argReduce(Operation *op, int64_t axis, bool lastIndex, bool isMax);
  Tensor normalize(Operation *op, Value input, Value weight, Value bias,
                   int64_t axis, double epsilon, bool rms);

  /// `value` plus a random error of up to a few ulp of `scale`, when
  /// perturbing (see Options::perturbSeed).
  double noise(double value, double scale, DType dtype) {
    if (!rng || !std::isfinite(scale) || !std::isfinite(value))
      return value;
    double ulps = 16 * 0x1p-24;
    if (dtype == DType::F16)
      ulps += 0x1p-11;
    else if (dtype == DType::BF16)
      ulps += 0x1p-8;
    // Below the smallest normal f32 the approximations flush to zero
    // (exp(x) for x < -87.3 is 0 in tgc, not a subnormal).
    double bound = ulps * scale + 0x1p-126;
    std::uniform_real_distribution<double> unit(-1, 1);
    // Cancellation can leave tgc with an exact zero where the exact result
    // is merely small, and only a zero changes eq/ne, casts to i1 and pow's
    // x^0 = 1: odd seeds round every such value to zero.
    if (std::fabs(value) <= bound && snapToZero)
      return 0;
    double error = unit(*rng) * bound;
    // Seeds 1 and 2 (mod 4) err all one way, so that sums of many slightly
    // perturbed terms also reach their extremes (a softmax row sums to 1,
    // or to just below it, which casts to 0).
    return value + (errorSign ? errorSign * std::fabs(error) : error);
  }

  /// tgc accumulates float sums in f32 (docs/dialect/tg.md), so a sum
  /// beyond f32's range is infinite there even where the mean or the
  /// normalized result built from it would fit. Perturbed runs model that,
  /// so such results count as ill-conditioned rather than wrong.
  double f32Sum(double sum) {
    if (rng && std::fabs(sum) > std::numeric_limits<float>::max())
      return std::copysign(INFINITY, sum);
    return sum;
  }

  /// `value` anywhere within `bound` of itself, when perturbing.
  double noiseAbsolute(double value, double bound) {
    if (!rng || !std::isfinite(value))
      return value;
    return value + std::uniform_real_distribution<double>(-1, 1)(*rng) * bound;
  }

  llvm::DenseMap<Value, Tensor> values;
  std::optional<std::mt19937_64> rng;
  bool snapToZero;
  int errorSign;
};

double decodeRaw(DType dtype, const char *p) {
  uint32_t bits32;
  uint16_t bits16;
  switch (dtype) {
  case DType::F32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case DType::F16:
  case DType::BF16: {
    std::memcpy(&bits16, p, 2);
    APFloat f(dtype == DType::F16 ? APFloat::IEEEhalf() : APFloat::BFloat(),
              llvm::APInt(16, bits16));
    bool lost;
    f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    return f.convertToDouble();
  }
  case DType::I32:
    std::memcpy(&bits32, p, 4);
    return int32_t(bits32);
  case DType::I8:
    return int8_t(*p);
  case DType::I1:
    return *p ? 1 : 0;
  }
  return 0;
}

Tensor Interpreter::constant(ConstantOp op) {
  Tensor out = resultTensor(op);
  Attribute attr = op.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    int64_t i = 0;
    if (out.dtype == DType::I1) {
      for (bool b : dense.getValues<bool>())
        out.values[i++] = b;
    } else if (isFloat(out.dtype)) {
      for (APFloat f : dense.getValues<APFloat>()) {
        bool lost;
        f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
        out.values[i++] = f.convertToDouble();
      }
    } else {
      for (const llvm::APInt &v : dense.getValues<llvm::APInt>())
        out.values[i++] = double(v.getSExtValue());
    }
    return out;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      throw Failure{"dense_resource constant has no data"};
    ArrayRef<char> data = blob->getData();
    size_t width = dtypeSize(out.dtype);
    if (data.size() != width * out.values.size())
      throw Failure{"dense_resource constant holds " +
                    std::to_string(data.size()) + " bytes but " +
                    out.typeString() + " needs " +
                    std::to_string(width * out.values.size())};
    for (size_t i = 0; i < out.values.size(); ++i)
      out.values[i] = decodeRaw(out.dtype, data.data() + i * width);
    return out;
  }
  throw Failure{"unsupported constant attribute"};
}

/// Sums in double (integers in wrapping 64-bit arithmetic), maxima and
/// minima NaN-propagating; an empty reduction gives the identity (0, -inf or
/// +inf; INT_MIN or INT_MAX for integers). Integer means divide the sum,
/// accumulated in i32, by the count, truncating.
Tensor Interpreter::reduce(Operation *op, ArrayRef<int64_t> axes,
                           bool keepDims) {
  const Tensor &in = get(op->getOperand(0));
  Tensor out = resultTensor(op);
  int64_t rank = in.shape.size();
  std::vector<bool> reduced(rank, false);
  int64_t count = 1;
  for (int64_t a : axes) {
    reduced[a] = true;
    count *= in.shape[a];
  }
  // Strides into the output for each input dimension (0 when reduced).
  std::vector<int64_t> outStrides(rank, 0);
  {
    std::vector<int64_t> keptShape;
    for (int64_t d = 0; d < rank; ++d)
      if (!reduced[d])
        keptShape.push_back(in.shape[d]);
    std::vector<int64_t> keptStrides = stridesOf(keptShape);
    for (int64_t d = 0, k = 0; d < rank; ++d)
      if (!reduced[d])
        outStrides[d] = keptStrides[k++];
  }
  (void)keepDims; // the flat output layout is the same either way

  bool isMax = isa<ReduceMaxOp>(op), isMin = isa<ReduceMinOp>(op);
  bool isMean = isa<ReduceMeanOp>(op);
  bool fl = isFloat(in.dtype);
  std::vector<double> acc(out.values.size()), magnitude(out.values.size());
  std::vector<uint64_t> iacc(out.values.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    if (isMax)
      acc[i] = fl ? -INFINITY : -std::ldexp(1.0, intWidth(in.dtype) - 1);
    else if (isMin)
      acc[i] = fl ? INFINITY : std::ldexp(1.0, intWidth(in.dtype) - 1) - 1;
  }
  SmallVector<int64_t> index;
  for (int64_t i = 0; i < in.numElements(); ++i) {
    unravel(i, in.shape, index);
    int64_t o = dot(index, outStrides);
    double x = in.values[i];
    if (isMax)
      acc[o] = fl ? fmaximum(acc[o], x) : std::max(acc[o], x);
    else if (isMin)
      acc[o] = fl ? fminimum(acc[o], x) : std::min(acc[o], x);
    else if (fl) {
      acc[o] += x;
      magnitude[o] += std::fabs(x);
    } else
      iacc[o] += uint64_t(int64_t(x));
  }
  for (size_t o = 0; o < acc.size(); ++o) {
    double r = acc[o];
    if (!isMax && !isMin) {
      if (fl) {
        r = noise(f32Sum(acc[o]), magnitude[o], out.dtype);
        if (isMean)
          r /= double(count);
      } else if (isMean) {
        int64_t sum = wrapInt(DType::I32, iacc[o]);
        r = count == 0 ? 0 : double(sum / count);
      } else {
        r = double(wrapInt(in.dtype, iacc[o]));
      }
    }
    out.values[o] = roundTo(out.dtype, r);
  }
  return out;
}

/// Double accumulation (integers: wrapping), batch dimensions broadcast.
Tensor Interpreter::matmul(MatmulOp op) {
  const Tensor &a = get(op.getLhs()), &b = get(op.getRhs());
  Tensor out = resultTensor(op);
  bool ta = op.getTransposeA(), tb = op.getTransposeB();
  int64_t rank = out.shape.size(), ar = a.shape.size(), br = b.shape.size();
  int64_t m = out.shape[rank - 2], n = out.shape[rank - 1];
  int64_t k = ta ? a.shape[ar - 2] : a.shape[ar - 1];
  std::vector<int64_t> batchShape(out.shape.begin(), out.shape.end() - 2);
  std::vector<int64_t> aStr = stridesOf(a.shape), bStr = stridesOf(b.shape);
  // Batch strides in units of whole matrices, then in elements.
  std::vector<int64_t> aBatch =
      broadcastStrides(ArrayRef<int64_t>(a.shape).drop_back(2), batchShape);
  std::vector<int64_t> bBatch =
      broadcastStrides(ArrayRef<int64_t>(b.shape).drop_back(2), batchShape);
  for (int64_t &s : aBatch)
    s *= a.shape[ar - 2] * a.shape[ar - 1];
  for (int64_t &s : bBatch)
    s *= b.shape[br - 2] * b.shape[br - 1];
  // Element (row r, column c) of each operand as the math sees it.
  int64_t aRow = ta ? aStr[ar - 1] : aStr[ar - 2];
  int64_t aCol = ta ? aStr[ar - 2] : aStr[ar - 1];
  int64_t bRow = tb ? bStr[br - 1] : bStr[br - 2];
  int64_t bCol = tb ? bStr[br - 2] : bStr[br - 1];
  int64_t batches = 1;
  for (int64_t d : batchShape)
    batches *= d;
  bool fl = isFloat(out.dtype);
  SmallVector<int64_t> index;
  for (int64_t bi = 0; bi < batches; ++bi) {
    unravel(bi, batchShape, index);
    int64_t aBase = dot(index, aBatch), bBase = dot(index, bBatch);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0, magnitude = 0;
        uint64_t isum = 0;
        for (int64_t kk = 0; kk < k; ++kk) {
          double x = a.values[aBase + i * aRow + kk * aCol];
          double y = b.values[bBase + kk * bRow + j * bCol];
          if (fl) {
            sum += x * y;
            magnitude += std::fabs(x * y);
          } else
            isum += uint64_t(int64_t(x)) * uint64_t(int64_t(y));
        }
        out.values[(bi * m + i) * n + j] =
            fl ? roundTo(out.dtype, noise(sum, magnitude, out.dtype))
               : double(wrapInt(out.dtype, isum));
      }
  }
  return out;
}

/// Indices outside [0, rows) are clamped into range.
Tensor Interpreter::gather(GatherOp op) {
  const Tensor &table = get(op.getTable()), &ids = get(op.getIndices());
  Tensor out = resultTensor(op);
  int64_t rows = table.shape[0];
  int64_t rowSize = rows ? table.numElements() / rows : 0;
  for (int64_t i = 0; i < ids.numElements(); ++i) {
    int64_t r = std::min<int64_t>(std::max<int64_t>(int64_t(ids.values[i]), 0),
                                  rows - 1);
    for (int64_t j = 0; j < rowSize; ++j)
      out.values[i * rowSize + j] = table.values[r * rowSize + j];
  }
  return out;
}

/// Offsets are clamped so that the update lies inside the operand.
Tensor Interpreter::dynamicUpdateSlice(DynamicUpdateSliceOp op) {
  const Tensor &operand = get(op.getOperand()), &update = get(op.getUpdate());
  Tensor out = resultTensor(op);
  out.values = operand.values;
  std::vector<int64_t> start;
  for (auto [d, offset] : llvm::enumerate(op.getOffsets())) {
    int64_t limit = operand.shape[d] - update.shape[d];
    start.push_back(std::min<int64_t>(
        std::max<int64_t>(int64_t(get(offset).values[0]), 0), limit));
  }
  std::vector<int64_t> strides = stridesOf(out.shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0; i < update.numElements(); ++i) {
    unravel(i, update.shape, index);
    int64_t at = 0;
    for (size_t d = 0; d < index.size(); ++d)
      at += (start[d] + index[d]) * strides[d];
    out.values[at] = update.values[i];
  }
  return out;
}

Tensor Interpreter::slice(SliceOp op) {
  const Tensor &in = get(op.getInput());
  Tensor out = resultTensor(op);
  std::vector<int64_t> strides = stridesOf(in.shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0; i < out.numElements(); ++i) {
    unravel(i, out.shape, index);
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += (op.getStart()[d] + index[d] * op.getStride()[d]) * strides[d];
    out.values[i] = in.values[offset];
  }
  return out;
}

Tensor Interpreter::concat(ConcatOp op) {
  Tensor out = resultTensor(op);
  int64_t axis = op.getAxis();
  std::vector<int64_t> outStrides = stridesOf(out.shape);
  int64_t base = 0;
  SmallVector<int64_t> index;
  for (Value v : op.getInputs()) {
    const Tensor &in = get(v);
    for (int64_t i = 0; i < in.numElements(); ++i) {
      unravel(i, in.shape, index);
      index[axis] += base;
      out.values[dot(index, outStrides)] = in.values[i];
    }
    base += in.shape[axis];
  }
  return out;
}

Tensor Interpreter::transpose(TransposeOp op) {
  const Tensor &in = get(op.getInput());
  Tensor out = resultTensor(op);
  std::vector<int64_t> inStrides = stridesOf(in.shape);
  ArrayRef<int64_t> perm = op.getPermutation();
  SmallVector<int64_t> index;
  for (int64_t i = 0; i < out.numElements(); ++i) {
    unravel(i, out.shape, index);
    int64_t offset = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      offset += index[d] * inStrides[perm[d]];
    out.values[i] = in.values[offset];
  }
  return out;
}

/// Visits the 1-D lanes along `axis` of a tensor of `shape`.
template <typename Fn>
void forEachLane(ArrayRef<int64_t> shape, int64_t axis, Fn fn) {
  std::vector<int64_t> strides = stridesOf(shape);
  int64_t lanes = 1;
  for (size_t d = 0; d < shape.size(); ++d)
    if (int64_t(d) != axis)
      lanes *= shape[d];
  std::vector<int64_t> other(shape.begin(), shape.end());
  other[axis] = 1;
  SmallVector<int64_t> index;
  for (int64_t l = 0; l < lanes; ++l) {
    unravel(l, other, index);
    fn(dot(index, strides), strides[axis], shape[axis]);
  }
}

/// exp(x - max) / sum(exp(x - max)) along the axis, in double.
Tensor Interpreter::softmax(SoftmaxOp op) {
  const Tensor &in = get(op.getInput());
  Tensor out = resultTensor(op);
  forEachLane(
      in.shape, op.getAxis(), [&](int64_t base, int64_t stride, int64_t n) {
        double mx = -INFINITY;
        for (int64_t i = 0; i < n; ++i)
          mx = fmaximum(mx, in.values[base + i * stride]);
        double sum = 0;
        std::vector<double> e(n);
        for (int64_t i = 0; i < n; ++i)
          sum += e[i] = std::exp(in.values[base + i * stride] - mx);
        for (int64_t i = 0; i < n; ++i) {
          // tgc rounds x - max to the element type before exp, so
          // its relative error grows with |x - max|.
          double r = e[i] / sum;
          double shift = std::fabs(in.values[base + i * stride] - mx);
          out.values[base + i * stride] = roundTo(
              out.dtype, noise(r, std::fabs(r) * (1 + shift), out.dtype));
        }
      });
  return out;
}

/// Running sums along the axis in double (integers wrap), each rounded once.
Tensor Interpreter::cumsum(CumsumOp op) {
  const Tensor &in = get(op.getInput());
  Tensor out = resultTensor(op);
  bool fl = isFloat(in.dtype);
  bool exclusive = op.getExclusive(), reverse = op.getReverse();
  forEachLane(
      in.shape, op.getAxis(), [&](int64_t base, int64_t stride, int64_t n) {
        double sum = 0, magnitude = 0;
        uint64_t isum = 0;
        for (int64_t k = 0; k < n; ++k) {
          int64_t at = base + (reverse ? n - 1 - k : k) * stride;
          double x = in.values[at];
          if (!exclusive) {
            sum += x;
            magnitude += std::fabs(x);
            isum += uint64_t(int64_t(x));
          }
          out.values[at] =
              fl ? roundTo(out.dtype, noise(f32Sum(sum), magnitude, out.dtype))
                 : double(wrapInt(in.dtype, isum));
          if (exclusive) {
            sum += x;
            magnitude += std::fabs(x);
            isum += uint64_t(int64_t(x));
          }
        }
      });
  return out;
}

/// The first (or last) index of the maximum (minimum); a NaN beats any
/// number, so the first (last) NaN wins.
Tensor Interpreter::argReduce(Operation *op, int64_t axis, bool lastIndex,
                              bool isMax) {
  const Tensor &in = get(op->getOperand(0));
  Tensor out = resultTensor(op);
  int64_t lane = 0;
  forEachLane(in.shape, axis, [&](int64_t base, int64_t stride, int64_t n) {
    int64_t best = 0;
    for (int64_t k = 1; k < n; ++k) {
      double x = in.values[base + k * stride];
      double b = in.values[base + best * stride];
      bool better;
      if (std::isnan(b))
        better = lastIndex && std::isnan(x);
      else if (std::isnan(x))
        better = true;
      else
        better = isMax ? (x > b || (lastIndex && x == b))
                       : (x < b || (lastIndex && x == b));
      if (better)
        best = k;
    }
    // forEachLane visits lanes in row-major order of the other
    // dimensions, which is the result's order with or without keep_dims.
    out.values[lane++] = double(best);
  });
  return out;
}

/// layer_norm and rms_norm over the trailing dimensions [axis, rank), in
/// double with the biased variance.
Tensor Interpreter::normalize(Operation *op, Value input, Value weight,
                              Value bias, int64_t axis, double epsilon,
                              bool rms) {
  const Tensor &in = get(input);
  Tensor out = resultTensor(op);
  int64_t n = 1;
  for (size_t d = axis; d < in.shape.size(); ++d)
    n *= in.shape[d];
  const Tensor *w = weight ? &get(weight) : nullptr;
  const Tensor *b = bias ? &get(bias) : nullptr;
  int64_t rows = n ? in.numElements() / n : 0;
  for (int64_t r = 0; r < rows; ++r) {
    const double *x = in.values.data() + r * n;
    double mean = 0, var = 0;
    if (!rms) {
      for (int64_t i = 0; i < n; ++i)
        mean += x[i];
      mean = f32Sum(mean) / double(n);
    }
    for (int64_t i = 0; i < n; ++i)
      var += (x[i] - mean) * (x[i] - mean);
    var = f32Sum(var) / double(n);
    double inv = 1.0 / std::sqrt(var + epsilon);
    for (int64_t i = 0; i < n; ++i) {
      double y = (x[i] - mean) * inv;
      if (w)
        y *= w->values[i];
      if (b)
        y += b->values[i];
      double scale = std::fabs(y) + (w ? std::fabs(w->values[i]) : 1) *
                                        (std::fabs(x[i]) + std::fabs(mean)) *
                                        inv;
      out.values[r * n + i] = roundTo(out.dtype, noise(y, scale, out.dtype));
    }
  }
  return out;
}

void Interpreter::run(Operation *op) {
  if (op->getNumResults() != 1)
    throw Failure{"unsupported op '" + op->getName().getStringRef().str() +
                  "'"};
  Value result = op->getResult(0);
  if (auto c = dyn_cast<ConstantOp>(op))
    return set(result, constant(c));
  if (auto fn = floatUnary(op)) {
    // sqrt and 1/x are correctly rounded in tgc too; the others are
    // polynomial approximations, accurate relative to the result (sin, cos
    // and log: absolutely near zero; silu and gelu: relative to x).
    bool exact = isa<SqrtOp, ReciprocalOp, FloorOp, CeilOp, RoundOp>(op);
    bool absolute = isa<SinOp, CosOp, LogOp>(op);
    bool ofInput = isa<SiluOp, GeluOp>(op);
    DType t = resultTensor(op).dtype;
    return set(result, elementwise(op, [&](ArrayRef<double> a) {
                 double r = fn(a[0]);
                 if (exact)
                   return r;
                 // tgc reduces sin and cos arguments accurately up to about
                 // 1e6 only; beyond, any value in [-1, 1] may come out.
                 if (isa<SinOp, CosOp>(op) && std::fabs(a[0]) > 1e6)
                   return noiseAbsolute(r, 2);
                 double scale = std::fabs(r) + (absolute ? 1 : 0) +
                                (ofInput ? std::fabs(a[0]) : 0);
                 return noise(r, scale, t);
               }));
  }
  if (isa<NegOp, AbsOp, ReluOp>(op)) {
    DType t = get(op->getOperand(0)).dtype;
    return set(result, elementwise(op, [&](ArrayRef<double> a) {
                 return numericUnary(op, t, a[0]);
               }));
  }
  if (isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp>(op)) {
    DType t = get(op->getOperand(0)).dtype;
    bool pow = isa<PowOp>(op);
    return set(result, elementwise(op, [&](ArrayRef<double> a) {
                 double r = binary(op, t, a[0], a[1]);
                 // pow is exp(y log x): the error of y log x is amplified.
                 if (pow)
                   r = noise(
                       r,
                       std::fabs(r) *
                           (1 + std::fabs(a[1] * std::log(std::fabs(a[0])))),
                       t);
                 return r;
               }));
  }
  if (auto cmp = dyn_cast<CompareOp>(op)) {
    ComparePredicate p = cmp.getPredicate();
    return set(result, elementwise(op, [&](ArrayRef<double> a) {
                 return compare(p, a[0], a[1]) ? 1.0 : 0.0;
               }));
  }
  if (isa<SelectOp>(op))
    return set(result, elementwise(op, [](ArrayRef<double> a) {
                 return a[0] != 0 ? a[1] : a[2];
               }));
  if (isa<ClampOp>(op)) {
    bool fl = isFloat(get(op->getOperand(0)).dtype);
    return set(result, elementwise(op, [&](ArrayRef<double> a) {
                 return fl ? fminimum(fmaximum(a[0], a[1]), a[2])
                           : std::min(std::max(a[0], a[1]), a[2]);
               }));
  }
  if (auto iota = dyn_cast<IotaOp>(op)) {
    Tensor out = resultTensor(op);
    SmallVector<int64_t> index;
    for (int64_t i = 0; i < out.numElements(); ++i) {
      unravel(i, out.shape, index);
      out.values[i] = roundTo(out.dtype, double(index[iota.getDimension()]));
    }
    return set(result, std::move(out));
  }
  if (auto c = dyn_cast<CumsumOp>(op))
    return set(result, cumsum(c));
  if (auto a = dyn_cast<ArgmaxOp>(op))
    return set(result, argReduce(op, a.getAxis(), a.getSelectLastIndex(),
                                 /*isMax=*/true));
  if (auto a = dyn_cast<ArgminOp>(op))
    return set(result, argReduce(op, a.getAxis(), a.getSelectLastIndex(),
                                 /*isMax=*/false));
  if (isa<CastOp>(op)) {
    DType from = get(op->getOperand(0)).dtype;
    DType to = resultTensor(op).dtype;
    // i32 -> bf16 may be rounded twice (through f32) by tgc.
    bool twice = from == DType::I32 && to == DType::BF16;
    return set(result, elementwise(op, [&](ArrayRef<double> a) {
                 double r = castScalar(from, to, a[0]);
                 return twice ? noise(r, std::fabs(r), to) : r;
               }));
  }
  if (isa<BroadcastToOp>(op))
    return set(result,
               elementwise(op, [](ArrayRef<double> a) { return a[0]; }));
  if (isa<ReshapeOp>(op)) {
    Tensor out = resultTensor(op);
    out.values = get(op->getOperand(0)).values;
    return set(result, std::move(out));
  }
  if (auto r = dyn_cast<ReduceSumOp>(op))
    return set(result, reduce(op, r.getAxes(), r.getKeepDims()));
  if (auto r = dyn_cast<ReduceMaxOp>(op))
    return set(result, reduce(op, r.getAxes(), r.getKeepDims()));
  if (auto r = dyn_cast<ReduceMinOp>(op))
    return set(result, reduce(op, r.getAxes(), r.getKeepDims()));
  if (auto r = dyn_cast<ReduceMeanOp>(op))
    return set(result, reduce(op, r.getAxes(), r.getKeepDims()));
  if (auto m = dyn_cast<MatmulOp>(op))
    return set(result, matmul(m));
  if (auto g = dyn_cast<GatherOp>(op))
    return set(result, gather(g));
  if (auto u = dyn_cast<DynamicUpdateSliceOp>(op))
    return set(result, dynamicUpdateSlice(u));
  if (auto s = dyn_cast<SliceOp>(op))
    return set(result, slice(s));
  if (auto c = dyn_cast<ConcatOp>(op))
    return set(result, concat(c));
  if (auto t = dyn_cast<TransposeOp>(op))
    return set(result, transpose(t));
  if (auto s = dyn_cast<SoftmaxOp>(op))
    return set(result, softmax(s));
  if (auto l = dyn_cast<LayerNormOp>(op))
    return set(result, normalize(op, l.getInput(), l.getWeight(), l.getBias(),
                                 l.getAxis(), l.getEpsilon().convertToDouble(),
                                 /*rms=*/false));
  if (auto l = dyn_cast<RmsNormOp>(op))
    return set(result, normalize(op, l.getInput(), l.getWeight(), Value(),
                                 l.getAxis(), l.getEpsilon().convertToDouble(),
                                 /*rms=*/true));
  throw Failure{"unsupported op '" + op->getName().getStringRef().str() + "'"};
}

} // namespace

llvm::Expected<std::vector<Tensor>> evaluate(func::FuncOp func,
                                             const std::vector<Tensor> &inputs,
                                             const Options &options) {
  auto fail = [&](const std::string &message) {
    return llvm::createStringError("function '" + func.getSymName().str() +
                                   "': " + message);
  };
  if (func.isExternal())
    return fail("has no body");
  FunctionType type = func.getFunctionType();
  if (inputs.size() != type.getNumInputs())
    return fail("takes " + std::to_string(type.getNumInputs()) +
                " inputs, got " + std::to_string(inputs.size()));
  Interpreter interp(options);
  Block &entry = func.getBody().front();
  for (auto [i, arg] : llvm::enumerate(entry.getArguments())) {
    auto tensorType = dyn_cast<RankedTensorType>(arg.getType());
    auto dtype =
        tensorType ? dtypeOf(tensorType.getElementType()) : std::nullopt;
    if (!dtype || !tensorType.hasStaticShape())
      return fail("argument " + std::to_string(i) +
                  " is not a static tg tensor");
    const Tensor &in = inputs[i];
    if (in.dtype != *dtype ||
        ArrayRef<int64_t>(in.shape) != tensorType.getShape())
      return fail(
          "input " + std::to_string(i) + ": expected " +
          Tensor(*dtype, std::vector<int64_t>(tensorType.getShape().begin(),
                                              tensorType.getShape().end()))
              .typeString() +
          ", got " + in.typeString());
    if (int64_t(in.values.size()) != tensorType.getNumElements())
      return fail("input " + std::to_string(i) + " has " +
                  std::to_string(in.values.size()) + " values");
    interp.set(arg, in);
  }
  try {
    for (Operation &op : entry) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        std::vector<Tensor> results;
        for (Value v : ret.getOperands())
          results.push_back(interp.get(v));
        return results;
      }
      interp.run(&op);
    }
  } catch (const Failure &f) {
    return fail(f.message);
  }
  return fail("has no func.return");
}

} // namespace tgc::ref
