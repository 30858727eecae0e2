//===- OnnxOps.cpp - ONNX ops to tg ops -----------------------------------===//
//
// One converter per ONNX op type. A converter folds its node at import time
// when every input is known and small (the shape arithmetic exporters emit:
// Shape, Gather, Concat, Unsqueeze, Range, ConstantOfShape, Cast, ...), and
// otherwise builds tg ops. ONNX's conventions are normalized here: negative
// axes, axes and shapes given as constant inputs, int64 as i32, Gather on
// any axis with negative indices, 1-D MatMul operands, Gemm's flags.
//
//===----------------------------------------------------------------------===//

#include "compiler/frontends/onnx/NodeContext.h"

#include "ir/TgDialect.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <cmath>
#include <functional>
#include <numeric>

using namespace mlir;
using namespace tgc::onnx_import;

namespace {

/// Import-time folding stops at this many elements: it is for shape
/// arithmetic, not for computing with weights.
constexpr int64_t kMaxFolded = 1 << 16;

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

bool isFloatElement(Value v) {
  return isa<FloatType>(typeOf(v).getElementType());
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

std::optional<std::vector<int64_t>> broadcastShape(ArrayRef<int64_t> a,
                                                   ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[rank - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/// Flat index into a tensor of `shape` read at broadcast index `index` of
/// a result of rank index.size().
int64_t broadcastOffset(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t offset = 0, stride = 1;
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    int64_t i = index[index.size() - shape.size() + d];
    offset += (shape[d] == 1 ? 0 : i) * stride;
    stride *= shape[d];
  }
  return offset;
}

void unravel(int64_t flat, ArrayRef<int64_t> shape,
             SmallVectorImpl<int64_t> &index) {
  index.resize(shape.size());
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    index[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
}

/// out[i] = fn(inputs at i), inputs broadcast; nullopt if too large.
std::optional<HostTensor> foldElementwise(
    ArrayRef<const HostTensor *> inputs, int32_t outType,
    function_ref<void(HostTensor &, int64_t, ArrayRef<int64_t>)> fn) {
  std::vector<int64_t> shape;
  for (const HostTensor *t : inputs) {
    auto s = broadcastShape(shape, t->shape);
    if (!s)
      return std::nullopt;
    shape = *s;
  }
  if (product(shape) > kMaxFolded)
    return std::nullopt;
  HostTensor out(outType, shape);
  SmallVector<int64_t> index;
  SmallVector<int64_t> offsets(inputs.size());
  for (int64_t i = 0; i < out.numElements(); ++i) {
    unravel(i, shape, index);
    for (size_t k = 0; k < inputs.size(); ++k)
      offsets[k] = broadcastOffset(index, inputs[k]->shape);
    fn(out, i, offsets);
  }
  return out;
}

/// All inputs [0, n) present and known, else empty.
SmallVector<const HostTensor *> allKnown(NodeContext &c, int n) {
  SmallVector<const HostTensor *> out;
  for (int i = 0; i < n; ++i) {
    if (!c.has(i))
      return {};
    const HostTensor *t = c.known(i);
    if (!t || t->numElements() > kMaxFolded)
      return {};
    out.push_back(t);
  }
  return out;
}

LogicalResult requireFloat(NodeContext &c, Value v, int input) {
  if (isFloatElement(v))
    return success();
  return c.error() << c.describeInput(input) << " has element type "
                   << dataTypeName(c.type(input)) << "; tgc's "
                   << c.node.op_type() << " takes float32, float16 or bfloat16";
}

LogicalResult requireNumeric(NodeContext &c, Value v, int input) {
  if (!typeOf(v).getElementType().isSignlessInteger(1))
    return success();
  return c.error() << c.describeInput(input) << " has element type bool; "
                   << c.node.op_type() << " needs numbers";
}

LogicalResult requireSameType(NodeContext &c, int a, int b) {
  if (c.type(a) == c.type(b))
    return success();
  return c.error() << c.describeInput(a) << " is " << dataTypeName(c.type(a))
                   << " but " << c.describeInput(b) << " is "
                   << dataTypeName(c.type(b))
                   << "; ONNX requires the same element type";
}

/// The operands of an elementwise op broadcast together (NumPy rules);
/// checked before the op is built, whose type inference would otherwise
/// abort on a malformed model.
LogicalResult requireBroadcast(NodeContext &c, ArrayRef<Value> values) {
  std::vector<int64_t> shape;
  for (Value v : values) {
    auto s = broadcastShape(shape, typeOf(v).getShape());
    if (!s) {
      auto diag = c.error() << "the input shapes";
      for (Value w : values)
        diag << " " << shapeStr(typeOf(w).getShape());
      return diag << " do not broadcast together";
    }
    shape = *s;
  }
  return success();
}

Value reshape(NodeContext &c, Value v, ArrayRef<int64_t> shape) {
  auto type = typeOf(v);
  if (type.getShape() == shape)
    return v;
  return tg::ReshapeOp::create(c.b, c.loc, type.clone(shape), v);
}

Value castTo(NodeContext &c, Value v, Type element) {
  auto type = typeOf(v);
  if (type.getElementType() == element)
    return v;
  return tg::CastOp::create(c.b, c.loc, type.clone(element), v);
}

/// The element type a node's result has in tg for ONNX type `type`.
FailureOr<Type> resultElement(NodeContext &c, int32_t type) {
  return c.tgType(type, -1);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename OpTy> LogicalResult floatUnary(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  c.setOutput(0, OpTy::create(c.b, c.loc, x->getType(), *x), c.type(0));
  return success();
}

/// neg, abs, relu: any number.
template <typename OpTy>
LogicalResult numericUnary(NodeContext &c, double (*fold)(double) = nullptr) {
  if (fold) {
    if (auto in = allKnown(c, 1); !in.empty()) {
      const HostTensor *t = in[0];
      HostTensor out(t->type, t->shape);
      for (int64_t i = 0; i < t->numElements(); ++i) {
        if (t->isFloat())
          out.set(i, fold(t->floats[i]));
        else
          out.setInt(i, int64_t(fold(double(t->ints[i]))));
      }
      c.setOutput(0, std::move(out));
      return success();
    }
  }
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireNumeric(c, *x, 0)))
    return failure();
  c.setOutput(0, OpTy::create(c.b, c.loc, x->getType(), *x), c.type(0));
  return success();
}

/// The integer and float forms of a binary arithmetic op, for folding.
struct Arith {
  double (*f)(double, double);
  int64_t (*i)(int64_t, int64_t);
};

template <typename OpTy> LogicalResult binaryArith(NodeContext &c, Arith fold) {
  if (failed(requireSameType(c, 0, 1)))
    return failure();
  if (auto in = allKnown(c, 2); !in.empty()) {
    bool fl = in[0]->isFloat();
    auto out = foldElementwise(
        in, in[0]->type, [&](HostTensor &o, int64_t i, ArrayRef<int64_t> at) {
          if (fl)
            o.set(i, fold.f(in[0]->floats[at[0]], in[1]->floats[at[1]]));
          else
            o.setInt(i, fold.i(in[0]->ints[at[0]], in[1]->ints[at[1]]));
        });
    if (out) {
      c.setOutput(0, std::move(*out));
      return success();
    }
  }
  FailureOr<Value> x = c.value(0), y = c.value(1);
  if (failed(x) || failed(y) || failed(requireNumeric(c, *x, 0)) ||
      failed(requireBroadcast(c, {*x, *y})))
    return failure();
  c.setOutput(0, OpTy::create(c.b, c.loc, *x, *y), c.type(0));
  return success();
}

LogicalResult convertAdd(NodeContext &c) {
  return binaryArith<tg::AddOp>(
      c, {[](double a, double b) { return a + b; },
          [](int64_t a, int64_t b) { return int64_t(uint64_t(a) + b); }});
}
LogicalResult convertSub(NodeContext &c) {
  return binaryArith<tg::SubOp>(
      c, {[](double a, double b) { return a - b; },
          [](int64_t a, int64_t b) { return int64_t(uint64_t(a) - b); }});
}
LogicalResult convertMul(NodeContext &c) {
  return binaryArith<tg::MulOp>(
      c, {[](double a, double b) { return a * b; },
          [](int64_t a, int64_t b) { return int64_t(uint64_t(a) * b); }});
}
LogicalResult convertDiv(NodeContext &c) {
  return binaryArith<tg::DivOp>(c, {[](double a, double b) { return a / b; },
                                    [](int64_t a, int64_t b) {
                                      return b == 0 ? int64_t(0)
                                             : (a == INT64_MIN && b == -1)
                                                 ? a
                                                 : a / b;
                                    }});
}

/// Mod: with fmod = 1, C's fmod (the sign of the dividend),
/// x - y trunc(x / y); with fmod = 0, NumPy's mod (the sign of the
/// divisor): that remainder plus y where the two signs differ. An infinite
/// divisor leaves x (fmod) as C does; integer x mod 0 is 0 (tg's division
/// by zero), which ONNX leaves undefined.
LogicalResult convertMod(NodeContext &c) {
  bool fmod = c.attrInt("fmod", 0) != 0;
  if (failed(requireSameType(c, 0, 1)))
    return failure();
  if (auto in = allKnown(c, 2); !in.empty()) {
    // Shape arithmetic (head counts, in exported attention).
    bool fl = in[0]->isFloat();
    auto out = foldElementwise(
        in, in[0]->type, [&](HostTensor &o, int64_t i, ArrayRef<int64_t> at) {
          if (fl) {
            double a = in[0]->floats[at[0]], b = in[1]->floats[at[1]];
            double r = std::fmod(a, b);
            if (!fmod && r != 0 && (r < 0) != (b < 0))
              r += b;
            o.set(i, r);
            return;
          }
          int64_t a = in[0]->ints[at[0]], b = in[1]->ints[at[1]];
          int64_t r = b == 0 || (a == INT64_MIN && b == -1) ? 0 : a % b;
          if (!fmod && r != 0 && (r < 0) != (b < 0))
            r += b;
          o.setInt(i, r);
        });
    if (out) {
      c.setOutput(0, std::move(*out));
      return success();
    }
  }
  FailureOr<Value> x = c.value(0), y = c.value(1);
  if (failed(x) || failed(y) || failed(requireNumeric(c, *x, 0)) ||
      failed(requireBroadcast(c, {*x, *y})))
    return failure();
  Type e = typeOf(*x).getElementType();
  bool fl = isa<FloatType>(e);
  Value zero = c.scalar(e, 0);
  auto cmp = [&](tg::ComparePredicate p, Value a, Value b) {
    return Value(tg::CompareOp::create(c.b, c.loc, p, a, b));
  };
  Value q = tg::DivOp::create(c.b, c.loc, *x, *y);
  Value product;
  if (fl) {
    // trunc(q) = q < 0 ? ceil(q) : floor(q); y * trunc(q) is 0 for an
    // infinite y (where it would be inf * 0).
    Value neg = cmp(tg::ComparePredicate::lt, q, zero);
    q = tg::SelectOp::create(c.b, c.loc, neg,
                             tg::CeilOp::create(c.b, c.loc, q.getType(), q),
                             tg::FloorOp::create(c.b, c.loc, q.getType(), q));
    product = tg::MulOp::create(c.b, c.loc, *y, q);
    Value infinite = cmp(tg::ComparePredicate::eq,
                         tg::AbsOp::create(c.b, c.loc, y->getType(), *y),
                         c.scalar(e, INFINITY));
    product = tg::SelectOp::create(c.b, c.loc, infinite, zero, product);
  } else {
    product = tg::MulOp::create(c.b, c.loc, *y, q);
  }
  Value r = tg::SubOp::create(c.b, c.loc, *x, product);
  if (!fmod) {
    Value differ =
        cmp(tg::ComparePredicate::ne, cmp(tg::ComparePredicate::lt, r, zero),
            cmp(tg::ComparePredicate::lt, *y, zero));
    Value adjust =
        tg::SelectOp::create(c.b, c.loc, cmp(tg::ComparePredicate::ne, r, zero),
                             differ, c.scalar(c.b.getI1Type(), 0));
    r = tg::SelectOp::create(c.b, c.loc, adjust,
                             tg::AddOp::create(c.b, c.loc, r, *y), r);
  }
  c.setOutput(0, r, c.type(0));
  return success();
}

/// InstanceNormalization: per sample and channel over the spatial
/// dimensions, (x - mean) / sqrt(var + epsilon) * scale[c] + bias[c]: a
/// layer_norm over the trailing dimensions without its own parameters.
LogicalResult convertInstanceNormalization(NodeContext &c) {
  float epsilon = c.attrFloat("epsilon", 1e-5f);
  FailureOr<Value> x = c.value(0), scale = c.value(1), bias = c.value(2);
  if (failed(x) || failed(scale) || failed(bias) ||
      failed(requireFloat(c, *x, 0)) || failed(requireSameType(c, 0, 1)) ||
      failed(requireSameType(c, 0, 2)))
    return failure();
  auto xt = typeOf(*x);
  if (xt.getRank() < 3)
    return c.error() << "the input " << xt << " has no spatial dimensions";
  int64_t ch = xt.getDimSize(1);
  for (Value p : {*scale, *bias})
    if (typeOf(p).getShape() != ArrayRef<int64_t>{ch})
      return c.error() << "scale and bias must have one value per channel ("
                       << ch << "), got " << p.getType();
  Value y = tg::LayerNormOp::create(c.b, c.loc, xt, *x, Value(), Value(),
                                    c.b.getI64IntegerAttr(2),
                                    c.b.getF32FloatAttr(epsilon));
  SmallVector<int64_t> perChannel(xt.getRank() - 1, 1);
  perChannel[0] = ch;
  y = tg::MulOp::create(c.b, c.loc, y, reshape(c, *scale, perChannel));
  y = tg::AddOp::create(c.b, c.loc, y, reshape(c, *bias, perChannel));
  c.setOutput(0, y, c.type(0));
  return success();
}

/// Max, Min, Sum, Mean: one or more inputs, folded pairwise.
template <typename OpTy> LogicalResult variadic(NodeContext &c, bool mean) {
  int n = c.numInputs();
  if (n < 1)
    return c.error() << c.node.op_type() << " needs at least one input";
  // Max, Min and Sum of known integers (shape arithmetic) fold.
  if (auto in = allKnown(c, n); !in.empty() && !mean && !in[0]->isFloat()) {
    bool sameType = llvm::all_of(
        in, [&](const HostTensor *t) { return t->type == in[0]->type; });
    std::optional<HostTensor> acc = *in[0];
    for (int i = 1; sameType && acc && i < n; ++i) {
      const HostTensor *a = &*acc, *b = in[i];
      acc = foldElementwise(
          {a, b}, a->type, [&](HostTensor &o, int64_t k, ArrayRef<int64_t> at) {
            int64_t x = a->ints[at[0]], y = b->ints[at[1]];
            o.setInt(k, std::is_same_v<OpTy, tg::MaxOp> ? std::max(x, y)
                        : std::is_same_v<OpTy, tg::MinOp>
                            ? std::min(x, y)
                            : int64_t(uint64_t(x) + y));
          });
    }
    if (sameType && acc) {
      c.setOutput(0, std::move(*acc));
      return success();
    }
  }
  FailureOr<Value> acc = c.value(0);
  if (failed(acc) || failed(requireNumeric(c, *acc, 0)))
    return failure();
  for (int i = 1; i < n; ++i) {
    if (failed(requireSameType(c, 0, i)))
      return failure();
    FailureOr<Value> x = c.value(i);
    if (failed(x) || failed(requireBroadcast(c, {*acc, *x})))
      return failure();
    acc = Value(OpTy::create(c.b, c.loc, *acc, *x));
  }
  Value r = *acc;
  if (mean) {
    if (failed(requireFloat(c, r, 0)))
      return failure();
    r = tg::MulOp::create(c.b, c.loc, r,
                          c.scalar(typeOf(r).getElementType(), 1.0 / n));
  }
  c.setOutput(0, r, c.type(0));
  return success();
}

LogicalResult convertPow(NodeContext &c) {
  FailureOr<Value> x = c.value(0), y = c.value(1);
  if (failed(x) || failed(y) || failed(requireNumeric(c, *x, 0)) ||
      failed(requireNumeric(c, *y, 1)) || failed(requireBroadcast(c, {*x, *y})))
    return failure();
  Type element = typeOf(*x).getElementType();
  // tg.pow is a float op: integer bases are computed in f32 (exact for the
  // small powers integer models take) and converted back.
  Type compute = isa<FloatType>(element) ? element : c.b.getF32Type();
  Value r = tg::PowOp::create(c.b, c.loc, castTo(c, *x, compute),
                              castTo(c, *y, compute));
  c.setOutput(0, castTo(c, r, element), c.type(0));
  return success();
}

LogicalResult compare(NodeContext &c, tg::ComparePredicate p) {
  if (failed(requireSameType(c, 0, 1)))
    return failure();
  auto test = [p](double a, double b) {
    switch (p) {
    case tg::ComparePredicate::eq:
      return a == b;
    case tg::ComparePredicate::ne:
      return a != b;
    case tg::ComparePredicate::lt:
      return a < b;
    case tg::ComparePredicate::le:
      return a <= b;
    case tg::ComparePredicate::gt:
      return a > b;
    case tg::ComparePredicate::ge:
      return a >= b;
    }
    return false;
  };
  if (auto in = allKnown(c, 2); !in.empty()) {
    auto out = foldElementwise(
        in, kBool, [&](HostTensor &o, int64_t i, ArrayRef<int64_t> at) {
          // int64 values beyond 2^53 compare exactly as integers.
          bool r =
              in[0]->isFloat()
                  ? test(in[0]->floats[at[0]], in[1]->floats[at[1]])
                  : test(double(in[0]->ints[at[0]] > in[1]->ints[at[1]]) -
                             double(in[0]->ints[at[0]] < in[1]->ints[at[1]]),
                         0.0);
          o.setInt(i, r);
        });
    if (out) {
      c.setOutput(0, std::move(*out));
      return success();
    }
  }
  FailureOr<Value> x = c.value(0), y = c.value(1);
  if (failed(x) || failed(y) || failed(requireBroadcast(c, {*x, *y})))
    return failure();
  c.setOutput(0, tg::CompareOp::create(c.b, c.loc, p, *x, *y), kBool);
  return success();
}

LogicalResult requireBool(NodeContext &c, int i) {
  if (c.type(i) == kBool)
    return success();
  return c.error() << c.describeInput(i) << " has element type "
                   << dataTypeName(c.type(i)) << "; " << c.node.op_type()
                   << " takes bool";
}

LogicalResult logical(NodeContext &c, int kind /*0 and, 1 or, 2 xor*/) {
  if (failed(requireBool(c, 0)) || failed(requireBool(c, 1)))
    return failure();
  if (auto in = allKnown(c, 2); !in.empty()) {
    auto out = foldElementwise(
        in, kBool, [&](HostTensor &o, int64_t i, ArrayRef<int64_t> at) {
          bool a = in[0]->ints[at[0]], b = in[1]->ints[at[1]];
          o.setInt(i, kind == 0 ? (a && b) : kind == 1 ? (a || b) : (a != b));
        });
    if (out) {
      c.setOutput(0, std::move(*out));
      return success();
    }
  }
  FailureOr<Value> x = c.value(0), y = c.value(1);
  if (failed(x) || failed(y) || failed(requireBroadcast(c, {*x, *y})))
    return failure();
  Type i1 = c.b.getI1Type();
  Value r;
  if (kind == 0)
    r = tg::SelectOp::create(c.b, c.loc, *x, *y, c.scalar(i1, 0));
  else if (kind == 1)
    r = tg::SelectOp::create(c.b, c.loc, *x, c.scalar(i1, 1), *y);
  else
    r = tg::CompareOp::create(c.b, c.loc, tg::ComparePredicate::ne, *x, *y);
  c.setOutput(0, r, kBool);
  return success();
}

LogicalResult convertNot(NodeContext &c) {
  if (failed(requireBool(c, 0)))
    return failure();
  if (auto in = allKnown(c, 1); !in.empty()) {
    HostTensor out(kBool, in[0]->shape);
    for (int64_t i = 0; i < out.numElements(); ++i)
      out.setInt(i, !in[0]->ints[i]);
    c.setOutput(0, std::move(out));
    return success();
  }
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  Type i1 = c.b.getI1Type();
  c.setOutput(
      0, tg::SelectOp::create(c.b, c.loc, *x, c.scalar(i1, 0), c.scalar(i1, 1)),
      kBool);
  return success();
}

LogicalResult convertWhere(NodeContext &c) {
  if (failed(requireBool(c, 0)) || failed(requireSameType(c, 1, 2)))
    return failure();
  if (auto in = allKnown(c, 3); !in.empty()) {
    auto out = foldElementwise(
        in, in[1]->type, [&](HostTensor &o, int64_t i, ArrayRef<int64_t> at) {
          const HostTensor *pick = in[0]->ints[at[0]] ? in[1] : in[2];
          int64_t k = in[0]->ints[at[0]] ? at[1] : at[2];
          if (o.isFloat())
            o.set(i, pick->floats[k]);
          else
            o.setInt(i, pick->ints[k]);
        });
    if (out) {
      c.setOutput(0, std::move(*out));
      return success();
    }
  }
  FailureOr<Value> cond = c.value(0), x = c.value(1), y = c.value(2);
  if (failed(cond) || failed(x) || failed(y) ||
      failed(requireBroadcast(c, {*cond, *x, *y})))
    return failure();
  c.setOutput(0, tg::SelectOp::create(c.b, c.loc, *cond, *x, *y), c.type(1));
  return success();
}

LogicalResult convertIsNaN(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  c.setOutput(
      0, tg::CompareOp::create(c.b, c.loc, tg::ComparePredicate::ne, *x, *x),
      kBool);
  return success();
}

LogicalResult convertSign(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireNumeric(c, *x, 0)))
    return failure();
  Type e = typeOf(*x).getElementType();
  Value zero = c.scalar(e, 0);
  auto cmp = [&](tg::ComparePredicate p) {
    return tg::CompareOp::create(c.b, c.loc, p, *x, zero);
  };
  Value r = tg::SelectOp::create(
      c.b, c.loc, cmp(tg::ComparePredicate::gt), c.scalar(e, 1),
      tg::SelectOp::create(c.b, c.loc, cmp(tg::ComparePredicate::lt),
                           c.scalar(e, -1), zero));
  if (isa<FloatType>(e)) // NaN stays NaN
    r = tg::SelectOp::create(
        c.b, c.loc,
        tg::CompareOp::create(c.b, c.loc, tg::ComparePredicate::ne, *x, *x), *x,
        r);
  c.setOutput(0, r, c.type(0));
  return success();
}

/// x where x >= 0, else `negative(x)`; for LeakyRelu, Elu.
LogicalResult piecewise(NodeContext &c,
                        function_ref<Value(Value x, Type e)> negative) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  Type e = typeOf(*x).getElementType();
  Value isNeg = tg::CompareOp::create(c.b, c.loc, tg::ComparePredicate::lt, *x,
                                      c.scalar(e, 0));
  c.setOutput(0, tg::SelectOp::create(c.b, c.loc, isNeg, negative(*x, e), *x),
              c.type(0));
  return success();
}

LogicalResult convertLeakyRelu(NodeContext &c) {
  double alpha = c.attrFloat("alpha", 0.01f);
  return piecewise(c, [&](Value x, Type e) -> Value {
    return tg::MulOp::create(c.b, c.loc, x, c.scalar(e, alpha));
  });
}

LogicalResult convertElu(NodeContext &c) {
  double alpha = c.attrFloat("alpha", 1.0f);
  return piecewise(c, [&](Value x, Type e) -> Value {
    Value em1 = tg::SubOp::create(c.b, c.loc,
                                  tg::ExpOp::create(c.b, c.loc, x.getType(), x),
                                  c.scalar(e, 1));
    return tg::MulOp::create(c.b, c.loc, em1, c.scalar(e, alpha));
  });
}

/// clamp(alpha x + beta, 0, 1), times x for HardSwish.
LogicalResult hardSigmoid(NodeContext &c, bool swish) {
  double alpha = swish ? 1.0 / 6 : c.attrFloat("alpha", 0.2f);
  double beta = swish ? 0.5 : c.attrFloat("beta", 0.5f);
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  Type e = typeOf(*x).getElementType();
  Value lin = tg::AddOp::create(
      c.b, c.loc, tg::MulOp::create(c.b, c.loc, *x, c.scalar(e, alpha)),
      c.scalar(e, beta));
  Value r =
      tg::ClampOp::create(c.b, c.loc, lin, c.scalar(e, 0), c.scalar(e, 1));
  if (swish)
    r = tg::MulOp::create(c.b, c.loc, *x, r);
  c.setOutput(0, r, c.type(0));
  return success();
}

/// log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), which neither overflows nor
/// loses small results.
LogicalResult convertSoftplus(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  Type e = typeOf(*x).getElementType();
  Type t = x->getType();
  Value negAbs =
      tg::NegOp::create(c.b, c.loc, t, tg::AbsOp::create(c.b, c.loc, t, *x));
  Value log1p = tg::LogOp::create(
      c.b, c.loc, t,
      tg::AddOp::create(c.b, c.loc, c.scalar(e, 1),
                        tg::ExpOp::create(c.b, c.loc, t, negAbs)));
  c.setOutput(0,
              tg::AddOp::create(c.b, c.loc,
                                tg::ReluOp::create(c.b, c.loc, t, *x), log1p),
              c.type(0));
  return success();
}

LogicalResult convertGelu(NodeContext &c) {
  std::string approximate = c.attrString("approximate").value_or("none");
  if (approximate != "none" && approximate != "tanh")
    return c.error() << "approximate = '" << approximate
                     << "' is not supported (none or tanh)";
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  c.setOutput(
      0,
      tg::GeluOp::create(c.b, c.loc, x->getType(), *x, approximate == "tanh"),
      c.type(0));
  return success();
}

LogicalResult convertClip(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireNumeric(c, *x, 0)))
    return failure();
  Type e = typeOf(*x).getElementType();
  auto bound = [&](int input, const char *attrName,
                   double dflt) -> FailureOr<Value> {
    if (c.opset < 11) {
      std::optional<float> v = c.attrFloat(attrName);
      return v ? c.scalar(e, *v) : Value();
    }
    if (!c.has(input))
      return Value();
    if (failed(requireSameType(c, 0, input)))
      return failure();
    FailureOr<Value> v = c.value(input);
    if (failed(v))
      return failure();
    if (typeOf(*v).getRank() != 0)
      return c.error() << c.describeInput(input) << " has shape "
                       << shapeStr(typeOf(*v).getShape())
                       << "; Clip's bounds are scalars";
    return *v;
  };
  bool fl = isa<FloatType>(e);
  FailureOr<Value> lo = bound(1, "min", 0), hi = bound(2, "max", 0);
  if (failed(lo) || failed(hi))
    return failure();
  if (!*lo && !*hi) {
    c.setOutput(0, *x, c.type(0));
    return success();
  }
  Value l = *lo ? *lo : c.scalar(e, fl ? -INFINITY : double(INT32_MIN));
  Value h = *hi ? *hi : c.scalar(e, fl ? INFINITY : double(INT32_MAX));
  if (!fl && e.isSignlessInteger(8)) {
    if (!*lo)
      l = c.scalar(e, -128);
    if (!*hi)
      h = c.scalar(e, 127);
  }
  c.setOutput(0, tg::ClampOp::create(c.b, c.loc, *x, l, h), c.type(0));
  return success();
}

LogicalResult convertIdentity(NodeContext &c) {
  OnnxValue v = c.get(0);
  c.defineOutput(0, std::move(v));
  return success();
}

/// In inference, Dropout is the identity; its mask output is all true.
LogicalResult convertDropout(NodeContext &c) {
  c.attr("seed");
  if (c.opset < 12) {
    c.attrFloat("ratio");
  } else {
    if (c.has(1))
      c.consumeInput(1); // ratio: irrelevant when not training
    if (c.has(2)) {
      const HostTensor *training = c.known(2);
      if (!training || training->numElements() != 1)
        return c.error() << "training_mode (" << c.describeInput(2)
                         << ") computed at run time is not supported: tgc "
                            "compiles inference (make it a constant false)";
      if (training->ints[0])
        return c.error() << "training_mode true is not supported: tgc "
                            "compiles inference (random dropout)";
    }
  }
  OnnxValue v = c.get(0);
  c.defineOutput(0, v);
  if (c.wants(1)) {
    HostTensor mask(kBool, v.shape);
    if (mask.numElements() > kMaxFolded)
      return c.error() << "the mask output of a tensor this large is not "
                          "supported";
    for (auto &m : mask.ints)
      m = 1;
    c.setOutput(1, std::move(mask));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

HostTensor castHost(const HostTensor &t, int32_t to) {
  HostTensor out(to, t.shape);
  for (int64_t i = 0; i < t.numElements(); ++i) {
    if (t.isFloat())
      out.set(i, t.floats[i]);
    else if (isFloatType(to))
      out.set(i, double(t.ints[i]));
    else
      out.setInt(i, t.ints[i]);
  }
  return out;
}

LogicalResult castToType(NodeContext &c, int32_t to) {
  if (const HostTensor *t = c.known(0); t && t->numElements() <= kMaxFolded) {
    if (!dataTypeSize(to))
      return c.error() << "cast to " << dataTypeName(to) << " is not supported";
    c.setOutput(0, castHost(*t, to));
    return success();
  }
  FailureOr<Type> element = resultElement(c, to);
  FailureOr<Value> x = c.value(0);
  if (failed(element) || failed(x))
    return failure();
  c.setOutput(0, castTo(c, *x, *element), to);
  return success();
}

LogicalResult convertCast(NodeContext &c) {
  std::optional<int64_t> to = c.attrInt("to");
  if (!to)
    return c.error() << "Cast needs the 'to' attribute";
  if (c.opset >= 19) {
    // Only casts to float8 types saturate; tg has none.
    c.attr("saturate");
  }
  if (c.opset >= 24 && c.attr("round_mode")) {
    // float8/float4 rounding; irrelevant for tg's types.
  }
  return castToType(c, int32_t(*to));
}

LogicalResult convertCastLike(NodeContext &c) {
  c.attr("saturate");
  c.attr("round_mode");
  int32_t to = c.type(1);
  return castToType(c, to);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class Reduction { Sum, Mean, Max, Min, SumSquare, L1, L2 };

LogicalResult reduce(NodeContext &c, Reduction kind, int axesInputOpset) {
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  // The maximum of bools is "any", the minimum "all": reduced as i8.
  bool boolean =
      c.type(0) == kBool && (kind == Reduction::Max || kind == Reduction::Min);
  if (boolean)
    x = castTo(c, *x, c.b.getI8Type());
  else if (failed(requireNumeric(c, *x, 0)))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  bool keep = c.attrInt("keepdims", 1) != 0;
  std::vector<int64_t> axes;
  bool noop = false;
  if (c.opset >= axesInputOpset) {
    noop = c.attrInt("noop_with_empty_axes", 0) != 0;
    if (c.has(1)) {
      FailureOr<std::vector<int64_t>> a = c.ints(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else if (auto a = c.attrInts("axes")) {
    axes = *a;
  }
  Value r = *x;
  Type e = typeOf(r).getElementType();
  if (kind == Reduction::SumSquare || kind == Reduction::L2)
    r = tg::MulOp::create(c.b, c.loc, r, r);
  if (kind == Reduction::L1)
    r = tg::AbsOp::create(c.b, c.loc, r.getType(), r);
  if (axes.empty() && noop) {
    c.setOutput(0, boolean ? castTo(c, r, c.b.getI1Type()) : r, c.type(0));
    return success();
  }
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  std::vector<bool> seen(rank, false);
  for (int64_t &a : axes) {
    FailureOr<int64_t> n = c.axis(a, rank, "axis");
    if (failed(n))
      return failure();
    if (seen[*n])
      return c.error() << "axis " << a << " is listed twice";
    seen[*n] = true;
    a = *n;
  }
  if (rank == 0) { // a scalar reduces to itself
    c.setOutput(0, boolean ? castTo(c, r, c.b.getI1Type()) : r, c.type(0));
    return success();
  }
  switch (kind) {
  case Reduction::Mean:
    r = tg::ReduceMeanOp::create(c.b, c.loc, r, axes, keep);
    break;
  case Reduction::Max:
    r = tg::ReduceMaxOp::create(c.b, c.loc, r, axes, keep);
    break;
  case Reduction::Min:
    r = tg::ReduceMinOp::create(c.b, c.loc, r, axes, keep);
    break;
  default:
    r = tg::ReduceSumOp::create(c.b, c.loc, r, axes, keep);
    break;
  }
  if (kind == Reduction::L2) {
    if (!isa<FloatType>(e))
      return c.error() << "ReduceL2 of integers is not supported";
    r = tg::SqrtOp::create(c.b, c.loc, r.getType(), r);
  }
  if (boolean)
    r = castTo(c, r, c.b.getI1Type());
  c.setOutput(0, r, c.type(0));
  return success();
}

/// GlobalAveragePool, GlobalMaxPool: over every dimension after N and C.
LogicalResult globalPool(NodeContext &c, bool max) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  if (rank < 3)
    return c.error() << "the input " << x->getType()
                     << " has no spatial dimensions (N, C, D1, ...)";
  std::vector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  Value r = max ? Value(tg::ReduceMaxOp::create(c.b, c.loc, *x, axes, true))
                : Value(tg::ReduceMeanOp::create(c.b, c.loc, *x, axes, true));
  c.setOutput(0, r, c.type(0));
  return success();
}

template <bool isMax> LogicalResult argReduce(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireNumeric(c, *x, 0)))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  FailureOr<int64_t> axis = c.axis(c.attrInt("axis", 0), rank, "axis");
  if (failed(axis))
    return failure();
  bool keep = c.attrInt("keepdims", 1) != 0;
  bool last = c.attrInt("select_last_index", 0) != 0;
  if (rank == 0)
    return c.error() << "the input is a scalar; " << c.node.op_type()
                     << " needs an axis";
  Value r;
  if (isMax)
    r = tg::ArgmaxOp::create(c.b, c.loc, *x, *axis, keep, last);
  else
    r = tg::ArgminOp::create(c.b, c.loc, *x, *axis, keep, last);
  c.setOutput(0, r, kInt64);
  return success();
}

LogicalResult convertCumSum(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireNumeric(c, *x, 0)))
    return failure();
  FailureOr<std::vector<int64_t>> a = c.ints(1, "axis");
  if (failed(a))
    return failure();
  if (a->size() != 1)
    return c.error() << "axis must be a scalar";
  FailureOr<int64_t> axis = c.axis((*a)[0], typeOf(*x).getRank(), "axis");
  if (failed(axis))
    return failure();
  bool exclusive = c.attrInt("exclusive", 0) != 0;
  bool reverse = c.attrInt("reverse", 0) != 0;
  c.setOutput(0,
              tg::CumsumOp::create(c.b, c.loc, x->getType(), *x, *axis,
                                   exclusive, reverse),
              c.type(0));
  return success();
}

//===----------------------------------------------------------------------===//
// Matrix products and normalizations
//===----------------------------------------------------------------------===//

FailureOr<Value> matmul(NodeContext &c, Value a, Value b, bool ta, bool tb) {
  auto at = typeOf(a), bt = typeOf(b);
  Type e = at.getElementType();
  if (!isa<FloatType>(e) && !e.isSignlessInteger(32))
    return c.error() << "matrix products of " << e
                     << " are not supported (float32, float16, bfloat16, "
                        "int32, int64)";
  // ONNX (NumPy) promotes 1-D operands to matrices and drops the added
  // dimension from the result.
  bool aVector = at.getRank() == 1, bVector = bt.getRank() == 1;
  if (aVector)
    a = reshape(c, a, {1, at.getDimSize(0)});
  if (bVector)
    b = reshape(c, b, {bt.getDimSize(0), 1});
  auto lhsK =
      typeOf(a)
          .getShape()[ta ? typeOf(a).getRank() - 2 : typeOf(a).getRank() - 1];
  auto rhsK =
      typeOf(b)
          .getShape()[tb ? typeOf(b).getRank() - 1 : typeOf(b).getRank() - 2];
  if (lhsK != rhsK)
    return c.error() << "the operands " << at << " and " << bt
                     << " do not agree on K (" << lhsK << " vs " << rhsK << ")";
  if (!broadcastShape(typeOf(a).getShape().drop_back(2),
                      typeOf(b).getShape().drop_back(2)))
    return c.error() << "the batch dimensions of " << at << " and " << bt
                     << " do not broadcast";
  Value r = tg::MatmulOp::create(c.b, c.loc, a, b, ta, tb);
  if (aVector || bVector) {
    SmallVector<int64_t> shape(typeOf(r).getShape());
    if (bVector)
      shape.erase(shape.end() - 1);
    if (aVector)
      shape.erase(shape.end() - 1 - (bVector ? 0 : 1));
    r = reshape(c, r, shape);
  }
  return r;
}

LogicalResult convertMatMul(NodeContext &c) {
  if (failed(requireSameType(c, 0, 1)))
    return failure();
  FailureOr<Value> a = c.value(0), b = c.value(1);
  if (failed(a) || failed(b))
    return failure();
  if (typeOf(*a).getRank() == 0 || typeOf(*b).getRank() == 0)
    return c.error() << "MatMul operands must not be scalars";
  FailureOr<Value> r = matmul(c, *a, *b, false, false);
  if (failed(r))
    return failure();
  c.setOutput(0, *r, c.type(0));
  return success();
}

LogicalResult convertGemm(NodeContext &c) {
  double alpha = c.attrFloat("alpha", 1.0f), beta = c.attrFloat("beta", 1.0f);
  bool ta = c.attrInt("transA", 0) != 0, tb = c.attrInt("transB", 0) != 0;
  if (failed(requireSameType(c, 0, 1)))
    return failure();
  FailureOr<Value> a = c.value(0), b = c.value(1);
  if (failed(a) || failed(b))
    return failure();
  if (typeOf(*a).getRank() != 2 || typeOf(*b).getRank() != 2)
    return c.error() << "Gemm takes matrices, got " << a->getType() << " and "
                     << b->getType();
  FailureOr<Value> r = matmul(c, *a, *b, ta, tb);
  if (failed(r))
    return failure();
  Type e = typeOf(*r).getElementType();
  if (alpha != 1.0)
    r = Value(tg::MulOp::create(c.b, c.loc, *r, c.scalar(e, alpha)));
  if (c.has(2) && beta != 0.0) {
    if (failed(requireSameType(c, 0, 2)))
      return failure();
    FailureOr<Value> bias = c.value(2);
    if (failed(bias))
      return failure();
    Value scaled = *bias;
    if (beta != 1.0)
      scaled = tg::MulOp::create(c.b, c.loc, scaled, c.scalar(e, beta));
    auto shape =
        broadcastShape(typeOf(*r).getShape(), typeOf(scaled).getShape());
    if (!shape || ArrayRef<int64_t>(*shape) != typeOf(*r).getShape())
      return c.error() << "C " << bias->getType()
                       << " does not broadcast to the product " << r->getType();
    r = Value(tg::AddOp::create(c.b, c.loc, *r, scaled));
  } else if (c.has(2)) {
    c.consumeInput(2);
  }
  c.setOutput(0, *r, c.type(0));
  return success();
}

LogicalResult softmax(NodeContext &c, bool log) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  if (rank == 0)
    return c.error() << "the input is a scalar";
  FailureOr<int64_t> axis = c.axis(c.attrInt("axis", -1), rank, "axis");
  if (failed(axis))
    return failure();
  if (!log) {
    c.setOutput(0, tg::SoftmaxOp::create(c.b, c.loc, *x, *axis), c.type(0));
    return success();
  }
  // x - max - log(sum(exp(x - max))): no overflow, no log of 0.
  Type t = x->getType();
  Value shifted = tg::SubOp::create(
      c.b, c.loc, *x,
      tg::ReduceMaxOp::create(c.b, c.loc, *x, ArrayRef<int64_t>{*axis}, true));
  Value sum = tg::ReduceSumOp::create(c.b, c.loc,
                                      tg::ExpOp::create(c.b, c.loc, t, shifted),
                                      ArrayRef<int64_t>{*axis}, true);
  Value lse = tg::LogOp::create(c.b, c.loc, sum.getType(), sum);
  c.setOutput(0, tg::SubOp::create(c.b, c.loc, shifted, lse), c.type(0));
  return success();
}

/// A weight/bias broadcast to the normalized (trailing) shape, as tg's
/// norms take them.
FailureOr<Value> normParam(NodeContext &c, int input, Value x, int64_t axis) {
  FailureOr<Value> p = c.value(input);
  if (failed(p))
    return failure();
  if (failed(requireSameType(c, 0, input)))
    return failure();
  ArrayRef<int64_t> want = typeOf(x).getShape().drop_front(axis);
  auto type = typeOf(*p);
  if (type.getShape() == want)
    return *p;
  auto shape = broadcastShape(want, type.getShape());
  if (!shape || ArrayRef<int64_t>(*shape) != want)
    return c.error() << c.describeInput(input) << " " << type
                     << " does not broadcast to the normalized shape "
                     << shapeStr(want);
  return Value(tg::BroadcastToOp::create(c.b, c.loc, type.clone(want), *p));
}

LogicalResult convertLayerNormalization(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  FailureOr<int64_t> axis = c.axis(c.attrInt("axis", -1), rank, "axis");
  if (failed(axis))
    return failure();
  float epsilon = c.attrFloat("epsilon", 1e-5f);
  if (c.attrInt("stash_type", 1) != 1)
    return c.error() << "stash_type other than 1 (float32) is not supported";
  FailureOr<Value> w = normParam(c, 1, *x, *axis);
  if (failed(w))
    return failure();
  Value bias;
  if (c.has(2)) {
    FailureOr<Value> bv = normParam(c, 2, *x, *axis);
    if (failed(bv))
      return failure();
    bias = *bv;
  }
  c.setOutput(0,
              tg::LayerNormOp::create(c.b, c.loc, x->getType(), *x, *w, bias,
                                      c.b.getI64IntegerAttr(*axis),
                                      c.b.getF32FloatAttr(epsilon)),
              c.type(0));
  if (c.wants(1) || c.wants(2)) {
    // Mean and 1/sqrt(var + epsilon) over the normalized axes, kept as
    // size-1 dimensions, in float32 (the stash type).
    Value xf = castTo(c, *x, c.b.getF32Type());
    std::vector<int64_t> axes;
    for (int64_t d = *axis; d < rank; ++d)
      axes.push_back(d);
    Value mean = tg::ReduceMeanOp::create(c.b, c.loc, xf, axes, true);
    Value centered = tg::SubOp::create(c.b, c.loc, xf, mean);
    Value var = tg::ReduceMeanOp::create(
        c.b, c.loc, tg::MulOp::create(c.b, c.loc, centered, centered), axes,
        true);
    Value inv = tg::RsqrtOp::create(
        c.b, c.loc, var.getType(),
        tg::AddOp::create(c.b, c.loc, var,
                          c.scalar(c.b.getF32Type(), epsilon)));
    c.setOutput(1, mean, kFloat);
    c.setOutput(2, inv, kFloat);
  }
  return success();
}

/// SimplifiedLayerNormalization is ONNX Runtime's RMS norm (registered in
/// the default domain, from opset 1), which its transformer optimizer and
/// many exported decoders use; RMSNormalization is ONNX's own (opset 23).
/// Both are tg.rms_norm; the former's optional inv_std_var output is not
/// computed.
LogicalResult convertRMSNormalization(NodeContext &c) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  FailureOr<int64_t> axis =
      c.axis(c.attrInt("axis", -1), typeOf(*x).getRank(), "axis");
  if (failed(axis))
    return failure();
  float epsilon = c.attrFloat("epsilon", 1e-5f);
  if (c.attrInt("stash_type", 1) != 1)
    return c.error() << "stash_type other than 1 (float32) is not supported";
  FailureOr<Value> w = normParam(c, 1, *x, *axis);
  if (failed(w))
    return failure();
  c.setOutput(0,
              tg::RmsNormOp::create(c.b, c.loc, x->getType(), *x, *w,
                                    c.b.getI64IntegerAttr(*axis),
                                    c.b.getF32FloatAttr(epsilon)),
              c.type(0));
  return success();
}

//===----------------------------------------------------------------------===//
// Convolutions and pooling
//===----------------------------------------------------------------------===//

/// The geometry of a sliding window over the spatial dimensions of an
/// [N, C, D1, ...] tensor: kernel, strides, dilations and padding resolved
/// from the attributes (auto_pad included), and the output sizes.
struct Window {
  std::vector<int64_t> kernel, strides, dilations, padBegin, padEnd, out;
};

FailureOr<Window> window(NodeContext &c, ArrayRef<int64_t> spatial,
                         ArrayRef<int64_t> kernel, bool ceilMode) {
  size_t k = spatial.size();
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = c.attrInts("strides").value_or(std::vector<int64_t>(k, 1));
  w.dilations = c.attrInts("dilations").value_or(std::vector<int64_t>(k, 1));
  std::vector<int64_t> pads =
      c.attrInts("pads").value_or(std::vector<int64_t>(2 * k, 0));
  std::string autoPad = c.attrString("auto_pad").value_or("NOTSET");
  if (w.kernel.size() != k || w.strides.size() != k ||
      w.dilations.size() != k || pads.size() != 2 * k)
    return c.error() << "kernel_shape, strides, dilations and pads do not "
                        "match the "
                     << k << " spatial dimensions";
  for (size_t i = 0; i < k; ++i) {
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1 ||
        pads[i] < 0 || pads[k + i] < 0 || w.kernel[i] > (1 << 20) ||
        w.strides[i] > (1 << 20) || w.dilations[i] > (1 << 20) ||
        pads[i] > (1 << 20) || pads[k + i] > (1 << 20))
      return c.error() << "kernel, strides, dilations and pads must be "
                          "positive (pads non-negative) and sensible";
    int64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t o = (spatial[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total =
          std::max<int64_t>((o - 1) * w.strides[i] + extent - spatial[i], 0);
      int64_t small = total / 2;
      w.padBegin.push_back(autoPad == "SAME_UPPER" ? small : total - small);
      w.padEnd.push_back(total - w.padBegin.back());
    } else if (autoPad == "VALID" || autoPad == "NOTSET") {
      w.padBegin.push_back(autoPad == "VALID" ? 0 : pads[i]);
      w.padEnd.push_back(autoPad == "VALID" ? 0 : pads[k + i]);
    } else {
      return c.error() << "auto_pad '" << autoPad << "' is not supported";
    }
    int64_t span = spatial[i] + w.padBegin[i] + w.padEnd[i] - extent;
    if (span < 0)
      return c.error() << "the window (" << extent
                       << " wide) is larger than the padded input ("
                       << spatial[i] + w.padBegin[i] + w.padEnd[i] << ")";
    int64_t o = (ceilMode ? (span + w.strides[i] - 1) / w.strides[i]
                          : span / w.strides[i]) +
                1;
    // With ceil_mode, a window must start inside the input or left pad.
    if (ceilMode && (o - 1) * w.strides[i] >= spatial[i] + w.padBegin[i])
      --o;
    w.out.push_back(o);
  }
  return w;
}

/// x padded with `value` along the spatial dimensions (concats of splats).
Value padSpatial(NodeContext &c, Value x, const Window &w, double value) {
  for (size_t i = 0; i < w.padBegin.size(); ++i) {
    int64_t axis = 2 + i;
    SmallVector<Value> parts;
    auto splat = [&](int64_t n) {
      SmallVector<int64_t> shape(typeOf(x).getShape());
      shape[axis] = n;
      Value s = c.scalar(typeOf(x).getElementType(), value);
      return Value(
          tg::BroadcastToOp::create(c.b, c.loc, typeOf(x).clone(shape), s));
    };
    if (w.padBegin[i])
      parts.push_back(splat(w.padBegin[i]));
    parts.push_back(x);
    if (w.padEnd[i])
      parts.push_back(splat(w.padEnd[i]));
    if (parts.size() > 1)
      x = tg::ConcatOp::create(c.b, c.loc, parts, axis);
  }
  return x;
}

/// The windows of a padded [N, C, P1, ...] tensor as [O, K, N, C] (O output
/// positions, K kernel positions): a row gather of constant indices into
/// the flattened spatial dimensions (im2col).
FailureOr<Value> windows(NodeContext &c, Value padded, const Window &w) {
  auto type = typeOf(padded);
  ArrayRef<int64_t> shape = type.getShape();
  int64_t n = shape[0], ch = shape[1];
  ArrayRef<int64_t> spatial = shape.drop_front(2);
  int64_t positions = product(w.out), taps = product(w.kernel);
  if (positions * taps > (int64_t(1) << 24))
    return c.error() << "the convolution's " << positions << " x " << taps
                     << " windows are too many for tgc's im2col";
  std::vector<int64_t> strides = stridesOf(spatial);
  HostTensor idx(kInt32, {positions, taps});
  SmallVector<int64_t> o, kk;
  for (int64_t p = 0; p < positions; ++p) {
    unravel(p, w.out, o);
    for (int64_t t = 0; t < taps; ++t) {
      unravel(t, w.kernel, kk);
      int64_t at = 0;
      for (size_t i = 0; i < spatial.size(); ++i)
        at += (o[i] * w.strides[i] + kk[i] * w.dilations[i]) * strides[i];
      idx.ints[p * taps + t] = at;
    }
  }
  FailureOr<Value> ids = c.constant(idx);
  if (failed(ids))
    return failure();
  Value flat = reshape(c, padded, {n, ch, product(spatial)});
  Value rows =
      tg::TransposeOp::create(c.b, c.loc, flat, ArrayRef<int64_t>{2, 0, 1});
  return Value(tg::GatherOp::create(c.b, c.loc, rows, *ids));
}

/// Conv as im2col and one batched matmul per group: the windows [O, K, N,
/// C] are arranged as [G, N*O, C/G*K] and multiplied by the weights
/// [G, M/G, C/G*K].
LogicalResult convertConv(NodeContext &c) {
  FailureOr<Value> x = c.value(0), wv = c.value(1);
  if (failed(x) || failed(wv) || failed(requireFloat(c, *x, 0)) ||
      failed(requireSameType(c, 0, 1)))
    return failure();
  auto xt = typeOf(*x), wt = typeOf(*wv);
  int64_t rank = xt.getRank();
  if (rank < 3 || wt.getRank() != rank)
    return c.error() << "Conv takes [N, C, D...] and [M, C/group, k...], got "
                     << xt << " and " << wt;
  int64_t n = xt.getDimSize(0), ch = xt.getDimSize(1);
  int64_t m = wt.getDimSize(0), groups = c.attrInt("group", 1);
  if (groups < 1 || ch % groups || m % groups ||
      wt.getDimSize(1) != ch / groups)
    return c.error() << "group " << groups << " does not fit " << ch
                     << " input and " << m << " output channels (weight " << wt
                     << ")";
  std::vector<int64_t> kernel(wt.getShape().begin() + 2, wt.getShape().end());
  if (auto ks = c.attrInts("kernel_shape"); ks && *ks != kernel)
    return c.error() << "kernel_shape " << shapeStr(*ks)
                     << " differs from the weight's " << shapeStr(kernel);
  FailureOr<Window> w =
      window(c, xt.getShape().drop_front(2), kernel, /*ceilMode=*/false);
  if (failed(w))
    return failure();
  FailureOr<Value> cols = windows(c, padSpatial(c, *x, *w, 0.0), *w);
  if (failed(cols))
    return failure();
  int64_t positions = product(w->out), taps = product(kernel);
  int64_t cg = ch / groups, mg = m / groups;
  Value v = reshape(c, *cols, {positions, taps, n, groups, cg});
  v = tg::TransposeOp::create(c.b, c.loc, v, ArrayRef<int64_t>{3, 2, 0, 4, 1});
  v = reshape(c, v, {groups, n * positions, cg * taps});
  Value weights = reshape(c, *wv, {groups, mg, cg * taps});
  Value y = tg::MatmulOp::create(c.b, c.loc, v, weights, false, true);
  y = reshape(c, y, {groups, n, positions, mg});
  y = tg::TransposeOp::create(c.b, c.loc, y, ArrayRef<int64_t>{1, 0, 3, 2});
  SmallVector<int64_t> outShape = {n, m};
  llvm::append_range(outShape, w->out);
  y = reshape(c, y, outShape);
  if (c.has(2)) {
    FailureOr<Value> bias = c.value(2);
    if (failed(bias) || failed(requireSameType(c, 0, 2)))
      return failure();
    if (typeOf(*bias).getShape() != ArrayRef<int64_t>{m})
      return c.error() << "the bias " << bias->getType() << " is not [" << m
                       << "]";
    SmallVector<int64_t> bshape(rank - 1, 1);
    bshape[0] = m;
    y = tg::AddOp::create(c.b, c.loc, y, reshape(c, *bias, bshape));
  }
  c.setOutput(0, y, c.type(0));
  return success();
}

/// BatchNormalization in inference: per channel (dimension 1),
/// (x - mean) / sqrt(var + epsilon) * scale + bias.
LogicalResult convertBatchNormalization(NodeContext &c) {
  if (c.attrInt("training_mode", 0) != 0 || c.wants(1) || c.wants(2))
    return c.unsupported("BatchNormalization in training mode (or its "
                         "running mean/var outputs) is not supported: tgc "
                         "compiles inference");
  c.attrFloat("momentum");
  float epsilon = c.attrFloat("epsilon", 1e-5f);
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  auto xt = typeOf(*x);
  if (xt.getRank() < 2)
    return c.error() << "the input " << xt << " has no channel dimension";
  int64_t ch = xt.getDimSize(1);
  SmallVector<int64_t> perChannel(xt.getRank() - 1, 1);
  perChannel[0] = ch;
  SmallVector<Value> params;
  for (int i = 1; i <= 4; ++i) {
    FailureOr<Value> p = c.value(i);
    if (failed(p))
      return failure();
    if (typeOf(*p).getShape() != ArrayRef<int64_t>{ch})
      return c.error() << c.describeInput(i) << " " << p->getType()
                       << " is not one value per channel (" << ch << ")";
    params.push_back(
        reshape(c, castTo(c, *p, xt.getElementType()), perChannel));
  }
  Type e = xt.getElementType();
  Value inv = tg::RsqrtOp::create(
      c.b, c.loc, params[3].getType(),
      tg::AddOp::create(c.b, c.loc, params[3], c.scalar(e, epsilon)));
  Value y = tg::MulOp::create(c.b, c.loc,
                              tg::SubOp::create(c.b, c.loc, *x, params[2]),
                              tg::MulOp::create(c.b, c.loc, inv, params[0]));
  c.setOutput(0, tg::AddOp::create(c.b, c.loc, y, params[1]), c.type(0));
  return success();
}

/// MaxPool and AveragePool over the same windows: a reduction over the
/// kernel positions. Averages divide by the window's size, or with
/// count_include_pad = 0 (the default) by the number of its elements
/// inside the input, counted at import time.
LogicalResult pool(NodeContext &c, bool max) {
  FailureOr<Value> x = c.value(0);
  if (failed(x) || failed(requireFloat(c, *x, 0)))
    return failure();
  auto xt = typeOf(*x);
  if (xt.getRank() < 3)
    return c.error() << "the input " << xt << " has no spatial dimensions";
  std::optional<std::vector<int64_t>> kernel = c.attrInts("kernel_shape");
  if (!kernel)
    return c.error() << "kernel_shape is required";
  bool ceilMode = c.attrInt("ceil_mode", 0) != 0;
  if (max && c.attrInt("storage_order", 0) != 0)
    return c.unsupported("storage_order = 1 is not supported");
  if (max && c.wants(1))
    return c.unsupported("MaxPool's Indices output is not supported");
  bool includePad = !max && c.attrInt("count_include_pad", 0) != 0;
  ArrayRef<int64_t> spatial = xt.getShape().drop_front(2);
  FailureOr<Window> w = window(c, spatial, *kernel, ceilMode);
  if (failed(w))
    return failure();
  // Windows that run past the padded input (ceil_mode) read more padding.
  Window padded = *w;
  for (size_t i = 0; i < spatial.size(); ++i) {
    int64_t need = (w->out[i] - 1) * w->strides[i] +
                   (w->kernel[i] - 1) * w->dilations[i] + 1;
    int64_t have = spatial[i] + w->padBegin[i] + w->padEnd[i];
    padded.padEnd[i] += std::max<int64_t>(need - have, 0);
  }
  FailureOr<Value> cols =
      windows(c, padSpatial(c, *x, padded, max ? -INFINITY : 0.0), *w);
  if (failed(cols))
    return failure();
  int64_t n = xt.getDimSize(0), ch = xt.getDimSize(1);
  int64_t positions = product(w->out), taps = product(*kernel);
  Value r = max ? Value(tg::ReduceMaxOp::create(c.b, c.loc, *cols,
                                                ArrayRef<int64_t>{1}, false))
                : Value(tg::ReduceSumOp::create(c.b, c.loc, *cols,
                                                ArrayRef<int64_t>{1}, false));
  if (!max) {
    // The divisor of each output position.
    HostTensor count(kFloat, {positions, 1, 1});
    SmallVector<int64_t> o, kk;
    for (int64_t p = 0; p < positions; ++p) {
      unravel(p, w->out, o);
      int64_t inside = 0;
      for (int64_t t = 0; t < taps; ++t) {
        unravel(t, *kernel, kk);
        bool in = true;
        for (size_t i = 0; i < spatial.size(); ++i) {
          int64_t at =
              o[i] * w->strides[i] + kk[i] * w->dilations[i] - w->padBegin[i];
          int64_t limit = includePad ? spatial[i] + w->padEnd[i] : spatial[i];
          int64_t low = includePad ? -w->padBegin[i] : 0;
          in &= at >= low && at < limit;
        }
        inside += in;
      }
      count.floats[p] = 1.0 / double(std::max<int64_t>(inside, 1));
    }
    FailureOr<Value> scale = c.constant(count);
    if (failed(scale))
      return failure();
    r = tg::MulOp::create(c.b, c.loc, r,
                          castTo(c, *scale, xt.getElementType()));
  }
  r = tg::TransposeOp::create(c.b, c.loc, r, ArrayRef<int64_t>{1, 2, 0});
  SmallVector<int64_t> outShape = {n, ch};
  llvm::append_range(outShape, w->out);
  c.setOutput(0, reshape(c, r, outShape), c.type(0));
  return success();
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

/// Sets output 0 to `t` reshaped to `shape` (known values stay known).
LogicalResult outputReshaped(NodeContext &c, ArrayRef<int64_t> shape) {
  if (const HostTensor *t = c.known(0)) {
    HostTensor out = *t;
    out.shape.assign(shape.begin(), shape.end());
    c.setOutput(0, std::move(out));
    return success();
  }
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  c.setOutput(0, reshape(c, *x, shape), c.type(0));
  return success();
}

LogicalResult convertReshape(NodeContext &c) {
  FailureOr<std::vector<int64_t>> spec = c.ints(1, "the shape");
  if (failed(spec))
    return failure();
  bool allowZero = c.opset >= 14 && c.attrInt("allowzero", 0) != 0;
  ArrayRef<int64_t> in = c.shape(0);
  std::vector<int64_t> shape;
  int inferred = -1;
  int64_t known = 1;
  for (auto [i, d] : llvm::enumerate(*spec)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return c.error() << "shape " << shapeStr(*spec) << " copies dimension "
                         << i << " of " << shapeStr(in) << ", which has none";
      d = in[i];
    } else if (d == -1) {
      if (inferred >= 0)
        return c.error() << "shape " << shapeStr(*spec) << " has two -1";
      inferred = i;
      shape.push_back(1);
      continue;
    } else if (d < 0) {
      return c.error() << "shape " << shapeStr(*spec) << " has " << d;
    }
    shape.push_back(d);
    if (d && known > INT64_MAX / d)
      return c.error() << "shape " << shapeStr(*spec) << " is too large";
    known *= d;
  }
  int64_t total = product(in);
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return c.error() << "cannot reshape " << shapeStr(in) << " to "
                       << shapeStr(*spec);
    shape[inferred] = total / known;
  } else if (known != total) {
    return c.error() << "cannot reshape " << shapeStr(in) << " (" << total
                     << " elements) to " << shapeStr(shape);
  }
  return outputReshaped(c, shape);
}

FailureOr<std::vector<int64_t>> axesOf(NodeContext &c, int input,
                                       int inputOpset, bool required) {
  if (c.opset >= inputOpset) {
    if (!c.has(input)) {
      if (required)
        return c.error() << "axes are required";
      return std::vector<int64_t>();
    }
    return c.ints(input, "axes");
  }
  std::optional<std::vector<int64_t>> a = c.attrInts("axes");
  if (!a && required)
    return c.error() << "the axes attribute is required";
  return a.value_or(std::vector<int64_t>());
}

LogicalResult convertUnsqueeze(NodeContext &c) {
  FailureOr<std::vector<int64_t>> axes = axesOf(c, 1, 13, true);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size() + axes->size();
  std::vector<bool> added(rank, false);
  for (int64_t a : *axes) {
    FailureOr<int64_t> n = c.axis(a, rank, "axis");
    if (failed(n))
      return failure();
    if (added[*n])
      return c.error() << "axis " << a << " is listed twice";
    added[*n] = true;
  }
  std::vector<int64_t> shape;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(added[d] ? 1 : in[next++]);
  return outputReshaped(c, shape);
}

LogicalResult convertSqueeze(NodeContext &c) {
  FailureOr<std::vector<int64_t>> axes = axesOf(c, 1, 13, false);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  std::vector<bool> removed(rank, false);
  if (axes->empty()) {
    for (int64_t d = 0; d < rank; ++d)
      removed[d] = in[d] == 1;
  }
  for (int64_t a : *axes) {
    FailureOr<int64_t> n = c.axis(a, rank, "axis");
    if (failed(n))
      return failure();
    if (in[*n] != 1)
      return c.error() << "cannot squeeze axis " << a << " of size " << in[*n];
    removed[*n] = true;
  }
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!removed[d])
      shape.push_back(in[d]);
  return outputReshaped(c, shape);
}

LogicalResult convertFlatten(NodeContext &c) {
  ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  int64_t a = c.attrInt("axis", 1);
  if (a < -rank || a > rank)
    return c.error() << "axis " << a << " is out of range [" << -rank << ", "
                     << rank << "]";
  if (a < 0)
    a += rank;
  std::vector<int64_t> shape = {product(in.take_front(a)),
                                product(in.drop_front(a))};
  return outputReshaped(c, shape);
}

HostTensor transposeHost(const HostTensor &t, ArrayRef<int64_t> perm) {
  std::vector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.shape[p]);
  HostTensor out(t.type, shape);
  std::vector<int64_t> inStrides = stridesOf(t.shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0; i < out.numElements(); ++i) {
    unravel(i, shape, index);
    int64_t offset = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      offset += index[d] * inStrides[perm[d]];
    if (t.isFloat())
      out.floats[i] = t.floats[offset];
    else
      out.ints[i] = t.ints[offset];
  }
  return out;
}

LogicalResult convertTranspose(NodeContext &c) {
  int64_t rank = c.rank(0);
  std::vector<int64_t> perm;
  if (auto p = c.attrInts("perm"))
    perm = *p;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  std::vector<bool> seen(rank, false);
  if (int64_t(perm.size()) != rank)
    return c.error() << "perm " << shapeStr(perm) << " does not fit rank "
                     << rank;
  for (int64_t &p : perm) {
    FailureOr<int64_t> n = c.axis(p, rank, "perm entry");
    if (failed(n) || seen[*n])
      return c.error() << "perm " << shapeStr(perm) << " is not a permutation";
    seen[*n] = true;
    p = *n;
  }
  if (const HostTensor *t = c.known(0); t && t->numElements() <= kMaxFolded) {
    c.setOutput(0, transposeHost(*t, perm));
    return success();
  }
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  c.setOutput(0, tg::TransposeOp::create(c.b, c.loc, *x, perm), c.type(0));
  return success();
}

LogicalResult convertExpand(NodeContext &c) {
  FailureOr<std::vector<int64_t>> spec = c.ints(1, "the shape");
  if (failed(spec))
    return failure();
  auto shape = broadcastShape(c.shape(0), *spec);
  if (!shape)
    return c.error() << "cannot expand " << shapeStr(c.shape(0)) << " to "
                     << shapeStr(*spec);
  std::optional<int64_t> count = elementCount(*shape);
  if (!count)
    return c.error() << "shape " << shapeStr(*shape) << " is too large";
  if (const HostTensor *t = c.known(0); t && *count <= kMaxFolded) {
    HostTensor one(t->type, *shape);
    auto out =
        foldElementwise({t, &one}, t->type,
                        [&](HostTensor &o, int64_t i, ArrayRef<int64_t> at) {
                          if (o.isFloat())
                            o.floats[i] = t->floats[at[0]];
                          else
                            o.ints[i] = t->ints[at[0]];
                        });
    c.setOutput(0, std::move(*out));
    return success();
  }
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  Value r = *x;
  if (typeOf(r).getShape() != ArrayRef<int64_t>(*shape))
    r = tg::BroadcastToOp::create(c.b, c.loc, typeOf(r).clone(*shape), r);
  c.setOutput(0, r, c.type(0));
  return success();
}

HostTensor sliceHost(const HostTensor &t, int64_t axis, int64_t start,
                     int64_t step, int64_t count) {
  std::vector<int64_t> shape = t.shape;
  shape[axis] = count;
  HostTensor out(t.type, shape);
  std::vector<int64_t> strides = stridesOf(t.shape);
  SmallVector<int64_t> index;
  for (int64_t i = 0; i < out.numElements(); ++i) {
    unravel(i, shape, index);
    index[axis] = start + index[axis] * step;
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += index[d] * strides[d];
    if (t.isFloat())
      out.floats[i] = t.floats[offset];
    else
      out.ints[i] = t.ints[offset];
  }
  return out;
}

/// Elements `start + i * step`, i < count, along `axis` of a tg value: a
/// strided slice for positive steps, a gather of constant indices for
/// negative ones.
Value gatherAxis(NodeContext &c, Value data, Value indices, int64_t axis);

FailureOr<Value> sliceValue(NodeContext &c, Value v, int64_t axis,
                            int64_t start, int64_t step, int64_t count) {
  auto type = typeOf(v);
  if (count == 0)
    return c.error() << "the result is empty along axis " << axis
                     << "; tg tensors have no size-0 dimensions";
  if (start == 0 && step == 1 && count == type.getDimSize(axis))
    return v;
  if (step > 0) {
    SmallVector<int64_t> starts(type.getRank(), 0), sizes(type.getShape()),
        strides(type.getRank(), 1);
    starts[axis] = start;
    sizes[axis] = count;
    strides[axis] = step;
    return Value(tg::SliceOp::create(c.b, c.loc, v, starts, sizes, strides));
  }
  HostTensor idx(kInt32, {count});
  for (int64_t i = 0; i < count; ++i)
    idx.ints[i] = start + i * step;
  FailureOr<Value> ids = c.constant(idx);
  if (failed(ids))
    return failure();
  return gatherAxis(c, v, *ids, axis);
}

LogicalResult convertSlice(NodeContext &c) {
  ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  std::vector<int64_t> starts, ends, axes, steps;
  if (c.opset < 10) {
    return c.unsupported("Slice before opset 10 is not supported");
  }
  FailureOr<std::vector<int64_t>> s = c.ints(1, "starts"),
                                  e = c.ints(2, "ends");
  if (failed(s) || failed(e))
    return failure();
  starts = *s;
  ends = *e;
  if (c.has(3)) {
    FailureOr<std::vector<int64_t>> a = c.ints(3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  }
  if (c.has(4)) {
    FailureOr<std::vector<int64_t>> st = c.ints(4, "steps");
    if (failed(st))
      return failure();
    steps = *st;
  } else {
    steps.assign(starts.size(), 1);
  }
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return c.error() << "starts, ends, axes and steps differ in length";
  // Per axis: first index, step, count (ONNX's clamping rules).
  struct Cut {
    int64_t start, step, count;
  };
  std::map<int64_t, Cut> cuts;
  for (size_t i = 0; i < starts.size(); ++i) {
    FailureOr<int64_t> axis = c.axis(axes[i], rank, "axis");
    if (failed(axis))
      return failure();
    if (cuts.count(*axis))
      return c.error() << "axis " << axes[i] << " is listed twice";
    int64_t dim = in[*axis], step = steps[i];
    if (step == 0)
      return c.error() << "step 0 on axis " << axes[i];
    // Negative positions count from the end; then both are clamped into
    // [0, dim] (positive steps) or [-1, dim - 1] (negative steps).
    int64_t st = starts[i], en = ends[i];
    if (st < 0)
      st = st < -dim ? (step > 0 ? 0 : -1) : st + dim;
    if (en < 0)
      en = en < -dim ? (step > 0 ? 0 : -1) : en + dim;
    if (step > 0) {
      st = std::min<int64_t>(std::max<int64_t>(st, 0), dim);
      en = std::min<int64_t>(std::max<int64_t>(en, 0), dim);
    } else {
      st = std::min<int64_t>(std::max<int64_t>(st, -1), dim - 1);
      en = std::min<int64_t>(std::max<int64_t>(en, -1), dim - 1);
    }
    // Written so that no step, however large, overflows.
    uint64_t stride = step > 0 ? uint64_t(step) : 0 - uint64_t(step);
    int64_t count =
        step > 0 ? (en > st ? int64_t(uint64_t(en - st - 1) / stride) + 1 : 0)
                 : (st > en ? int64_t(uint64_t(st - en - 1) / stride) + 1 : 0);
    cuts[*axis] = {st, step, count};
  }
  if (const HostTensor *t = c.known(0); t && t->numElements() <= kMaxFolded) {
    HostTensor out = *t;
    for (auto [axis, cut] : cuts)
      out = sliceHost(out, axis, cut.start, cut.step, cut.count);
    c.setOutput(0, std::move(out));
    return success();
  }
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  Value r = *x;
  for (auto [axis, cut] : cuts) {
    FailureOr<Value> next =
        sliceValue(c, r, axis, cut.start, cut.step, cut.count);
    if (failed(next))
      return failure();
    r = *next;
  }
  c.setOutput(0, r, c.type(0));
  return success();
}

LogicalResult convertSplit(NodeContext &c) {
  ArrayRef<int64_t> in = c.shape(0);
  FailureOr<int64_t> axis = c.axis(c.attrInt("axis", 0), in.size(), "axis");
  if (failed(axis))
    return failure();
  int64_t dim = in[*axis];
  int outputs = c.numOutputs();
  std::vector<int64_t> sizes;
  if (c.opset >= 13 && c.has(1)) {
    FailureOr<std::vector<int64_t>> s = c.ints(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (c.opset < 13) {
    sizes = c.attrInts("split").value_or(std::vector<int64_t>());
  }
  if (sizes.empty()) {
    int64_t n = outputs;
    if (c.opset >= 18)
      if (std::optional<int64_t> k = c.attrInt("num_outputs"))
        n = *k;
    if (n <= 0)
      return c.error() << "Split has no outputs";
    // Equal parts; with num_outputs the last may be smaller.
    int64_t part = (dim + n - 1) / n;
    if (c.opset < 18 && dim % n)
      return c.error() << "axis of size " << dim << " does not split into " << n
                       << " equal parts";
    for (int64_t i = 0, left = dim; i < n; ++i, left -= part)
      sizes.push_back(std::min(part, left));
  } else if (c.opset >= 18) {
    c.attrInt("num_outputs");
  }
  if (int64_t(sizes.size()) != outputs)
    return c.error() << "split " << shapeStr(sizes) << " has " << sizes.size()
                     << " parts for " << outputs << " outputs";
  for (int64_t size : sizes)
    if (size < 0 || size > dim)
      return c.error() << "split " << shapeStr(sizes)
                       << " has a part outside [0, " << dim << "]";
  if (std::accumulate(sizes.begin(), sizes.end(), int64_t(0)) != dim)
    return c.error() << "split " << shapeStr(sizes)
                     << " does not add up to the axis size " << dim;
  const HostTensor *t = c.known(0);
  if (t && t->numElements() > kMaxFolded)
    t = nullptr;
  Value x;
  if (!t) {
    FailureOr<Value> v = c.value(0);
    if (failed(v))
      return failure();
    x = *v;
  }
  int64_t start = 0;
  for (int i = 0; i < outputs; ++i) {
    if (t) {
      c.setOutput(i, sliceHost(*t, *axis, start, 1, sizes[i]));
    } else if (c.wants(i)) {
      FailureOr<Value> part = sliceValue(c, x, *axis, start, 1, sizes[i]);
      if (failed(part))
        return failure();
      c.setOutput(i, *part, c.type(0));
    }
    start += sizes[i];
  }
  return success();
}

/// Pad: per axis, `constant` mode concatenates splats of the value;
/// `edge`, `reflect` and `wrap` gather constant source indices along the
/// axis. Negative pads crop (a slice).
LogicalResult convertPad(NodeContext &c) {
  std::string mode = c.attrString("mode").value_or("constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect" &&
      mode != "wrap")
    return c.unsupported("Pad mode '" + mode + "' is not supported");
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  FailureOr<std::vector<int64_t>> pads = c.ints(1, "pads");
  if (failed(pads))
    return failure();
  std::vector<int64_t> axes;
  if (c.has(3)) {
    FailureOr<std::vector<int64_t>> a = c.ints(3, "axes");
    if (failed(a))
      return failure();
    for (int64_t v : *a) {
      FailureOr<int64_t> n = c.axis(v, rank, "axis");
      if (failed(n))
        return failure();
      axes.push_back(*n);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  size_t k = axes.size();
  if (pads->size() != 2 * k)
    return c.error() << "pads " << shapeStr(*pads) << " need " << 2 * k
                     << " entries";
  Type e = typeOf(*x).getElementType();
  // The fill value: 0, or constant_value (a scalar, possibly computed).
  Value fill = c.scalar(e, 0);
  if (c.has(2)) {
    if (failed(requireSameType(c, 0, 2)))
      return failure();
    FailureOr<Value> v = c.value(2);
    if (failed(v))
      return failure();
    if (product(typeOf(*v).getShape()) != 1)
      return c.error() << "constant_value " << v->getType()
                       << " is not a scalar";
    fill = reshape(c, *v, {});
  }
  Value r = *x;
  for (size_t i = 0; i < k; ++i) {
    int64_t axis = axes[i], before = (*pads)[i], after = (*pads)[k + i];
    int64_t dim = typeOf(r).getDimSize(axis);
    if (before < -dim || after < -dim || before + after + dim <= 0 ||
        before > (1 << 24) || after > (1 << 24))
      return c.error() << "pads " << shapeStr(*pads)
                       << " leave nothing (or too much) of axis " << axis;
    // Cropping first.
    int64_t start = std::max<int64_t>(-before, 0);
    int64_t keep = dim - start - std::max<int64_t>(-after, 0);
    if (start || keep != dim) {
      FailureOr<Value> cut = sliceValue(c, r, axis, start, 1, keep);
      if (failed(cut))
        return failure();
      r = *cut;
      dim = keep;
    }
    before = std::max<int64_t>(before, 0);
    after = std::max<int64_t>(after, 0);
    if (!before && !after)
      continue;
    if (mode == "constant") {
      SmallVector<Value> parts;
      auto splat = [&](int64_t n) {
        SmallVector<int64_t> shape(typeOf(r).getShape());
        shape[axis] = n;
        return Value(tg::BroadcastToOp::create(c.b, c.loc,
                                               typeOf(r).clone(shape), fill));
      };
      if (before)
        parts.push_back(splat(before));
      parts.push_back(r);
      if (after)
        parts.push_back(splat(after));
      r = tg::ConcatOp::create(c.b, c.loc, parts, axis);
      continue;
    }
    if (mode == "reflect" && dim < 2)
      return c.error() << "reflect padding needs at least 2 elements along "
                          "axis "
                       << axis;
    HostTensor idx(kInt32, {before + dim + after});
    for (int64_t j = 0; j < before + dim + after; ++j) {
      int64_t src = j - before;
      if (mode == "edge") {
        src = std::min<int64_t>(std::max<int64_t>(src, 0), dim - 1);
      } else if (mode == "wrap") {
        src = ((src % dim) + dim) % dim;
      } else { // reflect: ... 2 1 | 0 1 2 ... n-1 | n-2 ...
        int64_t period = 2 * (dim - 1);
        src = ((src % period) + period) % period;
        if (src >= dim)
          src = period - src;
      }
      idx.ints[j] = src;
    }
    FailureOr<Value> ids = c.constant(idx);
    if (failed(ids))
      return failure();
    r = gatherAxis(c, r, *ids, axis);
  }
  c.setOutput(0, r, c.type(0));
  return success();
}

LogicalResult convertConcat(NodeContext &c) {
  std::optional<int64_t> a = c.attrInt("axis");
  if (!a)
    return c.error() << "Concat needs the 'axis' attribute";
  int n = c.numInputs();
  int64_t rank = c.rank(0);
  FailureOr<int64_t> axis = c.axis(*a, rank, "axis");
  if (failed(axis))
    return failure();
  for (int i = 1; i < n; ++i)
    if (failed(requireSameType(c, 0, i)))
      return failure();
  for (int i = 1; i < n; ++i) {
    ArrayRef<int64_t> first = c.shape(0), other = c.shape(i);
    bool fits = first.size() == other.size();
    for (int64_t d = 0; fits && d < rank; ++d)
      fits = d == *axis || first[d] == other[d];
    if (!fits)
      return c.error() << "inputs " << shapeStr(first) << " and "
                       << shapeStr(other) << " differ outside the axis "
                       << *axis;
  }
  // Known inputs concatenate at import time.
  if (auto in = allKnown(c, n); !in.empty()) {
    std::vector<int64_t> shape = in[0]->shape;
    shape[*axis] = 0;
    for (const HostTensor *t : in)
      shape[*axis] += t->shape[*axis];
    if (product(shape) <= kMaxFolded) {
      HostTensor out(in[0]->type, shape);
      std::vector<int64_t> outStrides = stridesOf(shape);
      int64_t base = 0;
      SmallVector<int64_t> index;
      for (const HostTensor *t : in) {
        for (int64_t i = 0; i < t->numElements(); ++i) {
          unravel(i, t->shape, index);
          index[*axis] += base;
          int64_t o = 0;
          for (size_t d = 0; d < index.size(); ++d)
            o += index[d] * outStrides[d];
          if (t->isFloat())
            out.floats[o] = t->floats[i];
          else
            out.ints[o] = t->ints[i];
        }
        base += t->shape[*axis];
      }
      c.setOutput(0, std::move(out));
      return success();
    }
  }
  SmallVector<Value> parts;
  for (int i = 0; i < n; ++i) {
    // Empty operands (shape arithmetic makes them) add nothing.
    if (product(c.shape(i)) == 0) {
      c.consumeInput(i);
      continue;
    }
    FailureOr<Value> v = c.value(i);
    if (failed(v))
      return failure();
    parts.push_back(*v);
  }
  if (parts.empty())
    return c.error() << "every input is empty";
  for (Value p : parts) {
    auto t = typeOf(p), first = typeOf(parts[0]);
    bool fits = t.getRank() == first.getRank();
    for (int64_t d = 0; fits && d < t.getRank(); ++d)
      fits = d == *axis || t.getDimSize(d) == first.getDimSize(d);
    if (!fits)
      return c.error() << "inputs " << shapeStr(first.getShape()) << " and "
                       << shapeStr(t.getShape()) << " differ outside the axis "
                       << *axis;
  }
  Value r = parts.size() == 1
                ? parts[0]
                : Value(tg::ConcatOp::create(c.b, c.loc, parts, *axis));
  c.setOutput(0, r, c.type(0));
  return success();
}

Value gatherAxis(NodeContext &c, Value data, Value indices, int64_t axis) {
  if (axis == 0)
    return tg::GatherOp::create(c.b, c.loc, data, indices);
  // Move the axis to the front, gather rows, and move the index dimensions
  // back to where the axis was.
  int64_t rank = typeOf(data).getRank();
  int64_t indexRank = typeOf(indices).getRank();
  SmallVector<int64_t> front = {axis};
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      front.push_back(d);
  Value moved = tg::TransposeOp::create(c.b, c.loc, data, front);
  Value gathered = tg::GatherOp::create(c.b, c.loc, moved, indices);
  SmallVector<int64_t> back;
  for (int64_t d = 0; d < axis; ++d)
    back.push_back(indexRank + d);
  for (int64_t d = 0; d < indexRank; ++d)
    back.push_back(d);
  for (int64_t d = indexRank + axis; d < indexRank + rank - 1; ++d)
    back.push_back(d);
  return tg::TransposeOp::create(c.b, c.loc, gathered, back);
}

LogicalResult convertGather(NodeContext &c) {
  ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  if (rank == 0)
    return c.error() << "the data is a scalar";
  FailureOr<int64_t> axis = c.axis(c.attrInt("axis", 0), rank, "axis");
  if (failed(axis))
    return failure();
  int64_t dim = in[*axis];
  int32_t indexType = c.type(1);
  if (indexType != kInt64 && indexType != kInt32)
    return c.error() << "indices have element type " << dataTypeName(indexType)
                     << "; expected int32 or int64";
  const HostTensor *ids = c.known(1);
  if (ids) {
    // Constant indices: normalized and range-checked now.
    std::vector<int64_t> normalized;
    for (int64_t i = 0; i < ids->numElements(); ++i) {
      int64_t v = ids->ints[i];
      if (v < -dim || v >= dim)
        return c.error() << "index " << v << " is out of range [" << -dim
                         << ", " << dim << ") for axis " << *axis;
      normalized.push_back(v < 0 ? v + dim : v);
    }
    const HostTensor *t = c.known(0);
    if (t && t->numElements() <= kMaxFolded) {
      std::vector<int64_t> shape(in.begin(), in.begin() + *axis);
      shape.insert(shape.end(), ids->shape.begin(), ids->shape.end());
      shape.insert(shape.end(), in.begin() + *axis + 1, in.end());
      HostTensor out(t->type, shape);
      int64_t outer = product(in.take_front(*axis));
      int64_t inner = product(in.drop_front(*axis + 1));
      int64_t n = normalized.size(), o = 0;
      for (int64_t a = 0; a < outer; ++a)
        for (int64_t k = 0; k < n; ++k)
          for (int64_t b = 0; b < inner; ++b, ++o) {
            int64_t from = (a * dim + normalized[k]) * inner + b;
            if (t->isFloat())
              out.floats[o] = t->floats[from];
            else
              out.ints[o] = t->ints[from];
          }
      c.setOutput(0, std::move(out));
      return success();
    }
    FailureOr<Value> x = c.value(0);
    if (failed(x))
      return failure();
    if (ids->shape.empty()) {
      // One index: a slice with the axis dropped.
      FailureOr<Value> s = sliceValue(c, *x, *axis, normalized[0], 1, 1);
      if (failed(s))
        return failure();
      std::vector<int64_t> shape(in.begin(), in.end());
      shape.erase(shape.begin() + *axis);
      c.setOutput(0, reshape(c, *s, shape), c.type(0));
      return success();
    }
    HostTensor idx = HostTensor::ofInts(kInt32, ids->shape, normalized);
    FailureOr<Value> iv = c.constant(idx);
    if (failed(iv))
      return failure();
    c.setOutput(0, gatherAxis(c, *x, *iv, *axis), c.type(0));
    return success();
  }
  FailureOr<Value> x = c.value(0), iv = c.value(1);
  if (failed(x) || failed(iv))
    return failure();
  // Negative indices count from the end (tg.gather clamps the rest).
  Type i32 = c.b.getI32Type();
  Value isNeg = tg::CompareOp::create(c.b, c.loc, tg::ComparePredicate::lt, *iv,
                                      c.scalar(i32, 0));
  Value wrapped = tg::AddOp::create(c.b, c.loc, *iv, c.scalar(i32, dim));
  Value idx = tg::SelectOp::create(c.b, c.loc, isNeg, wrapped, *iv);
  c.setOutput(0, gatherAxis(c, *x, idx, *axis), c.type(0));
  return success();
}

/// GatherElements on values computed at run time, as a one-hot sum:
/// with n = data's size along the axis and the indices' shape I,
/// out[i] = sum over k < n of (k == indices[i] ? data'[i, k] : 0), where
/// data' is data cut to I outside the axis with the axis moved last and
/// broadcast over I's axis. Exact (one nonzero term); O(|I| n) work.
LogicalResult gatherElementsAtRunTime(NodeContext &c, int64_t axis) {
  FailureOr<Value> data = c.value(0), ids = c.value(1);
  if (failed(data) || failed(ids))
    return failure();
  auto dataType = typeOf(*data), idsType = typeOf(*ids);
  int64_t rank = dataType.getRank(), n = dataType.getDimSize(axis);
  if (idsType.getRank() != rank)
    return c.error() << "indices " << shapeStr(idsType.getShape())
                     << " and data " << shapeStr(dataType.getShape())
                     << " differ in rank";
  SmallVector<int64_t> cut(dataType.getShape());
  for (int64_t d = 0; d < rank; ++d) {
    if (d == axis)
      continue;
    if (idsType.getDimSize(d) > dataType.getDimSize(d))
      return c.error() << "indices " << shapeStr(idsType.getShape())
                       << " exceed data " << shapeStr(dataType.getShape());
    cut[d] = idsType.getDimSize(d);
  }
  Value x = *data;
  Type element = dataType.getElementType();
  bool boolean = element.isSignlessInteger(1);
  if (boolean)
    x = castTo(c, x, c.b.getI8Type());
  if (ArrayRef<int64_t>(cut) != dataType.getShape())
    x = tg::SliceOp::create(c.b, c.loc, x, SmallVector<int64_t>(rank, 0), cut,
                            SmallVector<int64_t>(rank, 1));
  // [.., n at axis, ..] -> [.., 1 at axis, .., n] -> [I..., n].
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  x = tg::TransposeOp::create(c.b, c.loc, x, perm);
  SmallVector<int64_t> withUnit(cut);
  withUnit[axis] = 1;
  withUnit.push_back(n);
  x = reshape(c, x, withUnit);
  SmallVector<int64_t> full(idsType.getShape());
  full.push_back(n);
  x = tg::BroadcastToOp::create(c.b, c.loc, typeOf(x).clone(full), x);
  // Negative indices count from the end.
  Type i32 = c.b.getI32Type();
  Value idx = *ids;
  Value isNeg = tg::CompareOp::create(c.b, c.loc, tg::ComparePredicate::lt, idx,
                                      c.scalar(i32, 0));
  idx = tg::SelectOp::create(
      c.b, c.loc, isNeg,
      tg::AddOp::create(c.b, c.loc, idx, c.scalar(i32, double(n))), idx);
  SmallVector<int64_t> idxShape(idsType.getShape());
  idxShape.push_back(1);
  idx = reshape(c, idx, idxShape);
  Value k =
      tg::IotaOp::create(c.b, c.loc, RankedTensorType::get(full, i32), rank);
  Value hit =
      tg::CompareOp::create(c.b, c.loc, tg::ComparePredicate::eq, k, idx);
  Type xe = typeOf(x).getElementType();
  Value picked = tg::SelectOp::create(c.b, c.loc, hit, x, c.scalar(xe, 0));
  Value r = tg::ReduceSumOp::create(c.b, c.loc, picked, ArrayRef<int64_t>{rank},
                                    false);
  if (boolean)
    r = castTo(c, r, element);
  c.setOutput(0, r, c.type(0));
  return success();
}

/// out[i...] = data[i... with i[axis] replaced by indices[i...]]. Folded
/// when data and indices are known (BERT's token-type buffer gathered by
/// position ids), else a one-hot sum.
LogicalResult convertGatherElements(NodeContext &c) {
  int64_t rank = c.rank(0);
  FailureOr<int64_t> axis = c.axis(c.attrInt("axis", 0), rank, "axis");
  if (failed(axis))
    return failure();
  auto in = allKnown(c, 2);
  if (in.empty())
    return gatherElementsAtRunTime(c, *axis);
  const HostTensor &data = *in[0], &ids = *in[1];
  if (int64_t(ids.shape.size()) != rank)
    return c.error() << "indices " << shapeStr(ids.shape) << " and data "
                     << shapeStr(data.shape) << " differ in rank";
  HostTensor out(data.type, ids.shape);
  std::vector<int64_t> strides = stridesOf(data.shape);
  SmallVector<int64_t> index;
  int64_t dim = data.shape[*axis];
  for (int64_t i = 0; i < out.numElements(); ++i) {
    unravel(i, ids.shape, index);
    int64_t k = ids.ints[i];
    if (k < -dim || k >= dim)
      return c.error() << "index " << k << " is out of range [" << -dim << ", "
                       << dim << ")";
    index[*axis] = k < 0 ? k + dim : k;
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d) {
      if (index[d] >= data.shape[d])
        return c.error() << "indices " << shapeStr(ids.shape) << " exceed data "
                         << shapeStr(data.shape);
      offset += index[d] * strides[d];
    }
    if (out.isFloat())
      out.floats[i] = data.floats[offset];
    else
      out.ints[i] = data.ints[offset];
  }
  c.setOutput(0, std::move(out));
  return success();
}

LogicalResult convertShape(NodeContext &c) {
  ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  int64_t start = 0, end = rank;
  if (c.opset >= 15) {
    start = c.attrInt("start", 0);
    end = c.attrInt("end", rank);
  }
  auto clampDim = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::min(std::max<int64_t>(v, 0), rank);
  };
  start = clampDim(start);
  end = clampDim(end);
  std::vector<int64_t> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(in[d]);
  c.consumeInput(0);
  int64_t n = dims.size();
  c.setOutput(0, HostTensor::ofInts(kInt64, {n}, dims));
  return success();
}

LogicalResult convertSize(NodeContext &c) {
  c.consumeInput(0);
  c.setOutput(0, HostTensor::ofInts(kInt64, {}, {product(c.shape(0))}));
  return success();
}

LogicalResult convertConstantOfShape(NodeContext &c) {
  FailureOr<std::vector<int64_t>> shape = c.ints(0, "the shape");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return c.error() << "shape " << shapeStr(*shape) << " has " << d;
  HostTensor fill = HostTensor::scalar(kFloat, 0.0);
  if (const onnx::AttributeProto *a = c.attr("value")) {
    std::string error;
    std::optional<HostTensor> v = c.decode(a->t(), error);
    if (!v || v->numElements() != 1)
      return c.error() << "value must be a one-element tensor"
                       << (error.empty() ? "" : ": " + error);
    fill = *v;
  }
  std::optional<int64_t> count = elementCount(*shape);
  if (!count)
    return c.error() << "shape " << shapeStr(*shape) << " is too large";
  int64_t n = *count;
  if (n <= kMaxFolded) {
    HostTensor out(fill.type, *shape);
    for (int64_t i = 0; i < n; ++i) {
      if (out.isFloat())
        out.floats[i] = fill.floats[0];
      else
        out.ints[i] = fill.ints[0];
    }
    c.setOutput(0, std::move(out));
    return success();
  }
  FailureOr<Value> one = c.constant(fill);
  FailureOr<Type> element = resultElement(c, fill.type);
  if (failed(one) || failed(element))
    return failure();
  c.setOutput(0,
              tg::BroadcastToOp::create(
                  c.b, c.loc, RankedTensorType::get(*shape, *element), *one),
              fill.type);
  return success();
}

LogicalResult convertConstant(NodeContext &c) {
  auto setFloats = [&](std::vector<double> v, std::vector<int64_t> shape) {
    HostTensor t(kFloat, shape);
    for (size_t i = 0; i < v.size(); ++i)
      t.set(i, v[i]);
    c.setOutput(0, std::move(t));
    return success();
  };
  if (const onnx::AttributeProto *a = c.attr("value")) {
    const onnx::TensorProto &tensor = a->t();
    std::vector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
    std::optional<int64_t> n = elementCount(shape);
    if (!n)
      return c.error() << "the value has invalid dimensions";
    if (*n <= kMaxFolded) {
      std::string error;
      std::optional<HostTensor> t = c.decode(tensor, error);
      if (!t)
        return c.error() << error;
      c.setOutput(0, std::move(*t));
      return success();
    }
    // A large constant is a weight like an initializer.
    OnnxValue v;
    v.initializer = &tensor;
    v.type = tensor.data_type();
    v.shape = shape;
    c.defineOutput(0, std::move(v));
    return success();
  }
  if (auto f = c.attrFloat("value_float"))
    return setFloats({*f}, {});
  if (const onnx::AttributeProto *a = c.attr("value_floats")) {
    std::vector<double> v(a->floats().begin(), a->floats().end());
    int64_t n = v.size();
    return setFloats(v, {n});
  }
  if (auto i = c.attrInt("value_int")) {
    c.setOutput(0, HostTensor::ofInts(kInt64, {}, {*i}));
    return success();
  }
  if (auto v = c.attrInts("value_ints")) {
    int64_t n = v->size();
    c.setOutput(0, HostTensor::ofInts(kInt64, {n}, *v));
    return success();
  }
  for (const char *name : {"sparse_value", "value_string", "value_strings"})
    if (c.attr(name))
      return c.error() << "a Constant with " << name << " is not supported";
  return c.error() << "Constant has no value";
}

LogicalResult convertRange(NodeContext &c) {
  auto in = allKnown(c, 3);
  if (in.empty())
    return c.error() << "start, limit and delta must be known at compile "
                        "time (the result's length is its shape)";
  for (const HostTensor *t : in)
    if (t->numElements() != 1)
      return c.error() << "start, limit and delta must be scalars";
  double start = in[0]->at(0), limit = in[1]->at(0), delta = in[2]->at(0);
  if (delta == 0 || !std::isfinite(start) || !std::isfinite(limit) ||
      !std::isfinite(delta) || std::fabs((limit - start) / delta) > 1e12)
    return c.error() << "start " << start << ", limit " << limit
                     << " and delta " << delta
                     << " do not make a range tgc can build";
  int64_t n = std::max<int64_t>(int64_t(std::ceil((limit - start) / delta)), 0);
  if (n > kMaxFolded) {
    FailureOr<Type> element = resultElement(c, in[0]->type);
    if (failed(element))
      return failure();
    // start + iota * delta, computed by the model.
    auto type = RankedTensorType::get({n}, *element);
    Value iota = tg::IotaOp::create(c.b, c.loc, type, 0);
    Value r = tg::AddOp::create(
        c.b, c.loc,
        tg::MulOp::create(c.b, c.loc, iota, c.scalar(*element, delta)),
        c.scalar(*element, start));
    c.setOutput(0, r, in[0]->type);
    return success();
  }
  HostTensor out(in[0]->type, {n});
  for (int64_t i = 0; i < n; ++i) {
    if (out.isFloat())
      out.set(i, start + double(i) * delta);
    else
      out.setInt(i, in[0]->ints[0] + i * in[2]->ints[0]);
  }
  c.setOutput(0, std::move(out));
  return success();
}

LogicalResult convertTile(NodeContext &c) {
  FailureOr<std::vector<int64_t>> repeats = c.ints(1, "repeats");
  if (failed(repeats))
    return failure();
  ArrayRef<int64_t> in = c.shape(0);
  if (repeats->size() != in.size())
    return c.error() << "repeats " << shapeStr(*repeats)
                     << " do not match the rank " << in.size();
  // [d0, d1, ...] -> [1, d0, 1, d1, ...] -> broadcast to [r0, d0, r1, d1,
  // ...] -> [r0 d0, r1 d1, ...].
  std::vector<int64_t> interleaved, spread, result;
  for (size_t d = 0; d < in.size(); ++d) {
    if ((*repeats)[d] < 1)
      return c.error() << "repeat " << (*repeats)[d]
                       << " would make an empty tensor";
    interleaved.insert(interleaved.end(), {1, in[d]});
    spread.insert(spread.end(), {(*repeats)[d], in[d]});
    if (in[d] && (*repeats)[d] > INT64_MAX / in[d])
      return c.error() << "repeats " << shapeStr(*repeats)
                       << " make a tensor too large";
    result.push_back((*repeats)[d] * in[d]);
  }
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  Value r = reshape(c, *x, interleaved);
  r = tg::BroadcastToOp::create(c.b, c.loc, typeOf(r).clone(spread), r);
  c.setOutput(0, reshape(c, r, result), c.type(0));
  return success();
}

LogicalResult convertTrilu(NodeContext &c) {
  bool upper = c.attrInt("upper", 1) != 0;
  int64_t k = 0;
  if (c.has(1)) {
    FailureOr<std::vector<int64_t>> kv = c.ints(1, "k");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return c.error() << "k must be a scalar";
    k = (*kv)[0];
  }
  FailureOr<Value> x = c.value(0);
  if (failed(x))
    return failure();
  auto type = typeOf(*x);
  int64_t rank = type.getRank();
  if (rank < 2)
    return c.error() << "Trilu needs a matrix, got " << type;
  // Keep element (i, j) where j - i >= k (upper) or j - i <= k (lower).
  int64_t n = type.getDimSize(rank - 2), m = type.getDimSize(rank - 1);
  auto mat = RankedTensorType::get({n, m}, c.b.getI32Type());
  Value rows = tg::IotaOp::create(c.b, c.loc, mat, 0);
  Value cols = tg::IotaOp::create(c.b, c.loc, mat, 1);
  Value diff = tg::SubOp::create(c.b, c.loc, cols, rows);
  Value keep = tg::CompareOp::create(
      c.b, c.loc, upper ? tg::ComparePredicate::ge : tg::ComparePredicate::le,
      diff,
      c.scalar(c.b.getI32Type(),
               double(std::clamp<int64_t>(k, INT32_MIN, INT32_MAX))));
  Value zero = c.scalar(type.getElementType(), 0);
  c.setOutput(0, tg::SelectOp::create(c.b, c.loc, keep, *x, zero), c.type(0));
  return success();
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

double negate(double x) { return -x; }
double absolute(double x) { return std::fabs(x); }

#define UNARY(name, op)                                                        \
  LogicalResult convert##name(NodeContext &c) { return floatUnary<op>(c); }
UNARY(Exp, tg::ExpOp)
UNARY(Log, tg::LogOp)
UNARY(Sqrt, tg::SqrtOp)
UNARY(Reciprocal, tg::ReciprocalOp)
UNARY(Tanh, tg::TanhOp)
UNARY(Sigmoid, tg::SigmoidOp)
UNARY(Sin, tg::SinOp)
UNARY(Cos, tg::CosOp)
UNARY(Erf, tg::ErfOp)
UNARY(Floor, tg::FloorOp)
UNARY(Ceil, tg::CeilOp)
UNARY(Round, tg::RoundOp)
#undef UNARY

const OpConverter kConverters[] = {
    {"Abs", 6,
     [](NodeContext &c) { return numericUnary<tg::AbsOp>(c, absolute); }},
    {"Add", 7, convertAdd},
    {"And", 7, [](NodeContext &c) { return logical(c, 0); }},
    {"ArgMax", 11, argReduce<true>},
    {"ArgMin", 11, argReduce<false>},
    {"AveragePool", 11, [](NodeContext &c) { return pool(c, false); }},
    {"BatchNormalization", 9, convertBatchNormalization},
    {"Cast", 6, convertCast},
    {"CastLike", 15, convertCastLike},
    {"Ceil", 6, convertCeil},
    {"Clip", 6, convertClip},
    {"Concat", 4, convertConcat},
    {"Constant", 9, convertConstant},
    {"ConstantOfShape", 9, convertConstantOfShape},
    {"Conv", 11, convertConv},
    {"Cos", 7, convertCos},
    {"CumSum", 11, convertCumSum},
    {"Div", 7, convertDiv},
    {"Dropout", 7, convertDropout},
    {"Elu", 6, convertElu},
    {"Equal", 7,
     [](NodeContext &c) { return compare(c, tg::ComparePredicate::eq); }},
    {"Erf", 9, convertErf},
    {"Exp", 6, convertExp},
    {"Expand", 8, convertExpand},
    {"Flatten", 11, convertFlatten},
    {"Floor", 6, convertFloor},
    {"Gather", 11, convertGather},
    {"GatherElements", 11, convertGatherElements},
    {"Gelu", 20, convertGelu},
    {"Gemm", 11, convertGemm},
    {"GlobalAveragePool", 1,
     [](NodeContext &c) { return globalPool(c, false); }},
    {"GlobalMaxPool", 1, [](NodeContext &c) { return globalPool(c, true); }},
    {"Greater", 7,
     [](NodeContext &c) { return compare(c, tg::ComparePredicate::gt); }},
    {"GreaterOrEqual", 12,
     [](NodeContext &c) { return compare(c, tg::ComparePredicate::ge); }},
    {"HardSigmoid", 6, [](NodeContext &c) { return hardSigmoid(c, false); }},
    {"HardSwish", 14, [](NodeContext &c) { return hardSigmoid(c, true); }},
    {"Identity", 1, convertIdentity},
    {"InstanceNormalization", 6, convertInstanceNormalization},
    {"IsNaN", 9, convertIsNaN},
    {"LayerNormalization", 17, convertLayerNormalization},
    {"LeakyRelu", 6, convertLeakyRelu},
    {"Less", 7,
     [](NodeContext &c) { return compare(c, tg::ComparePredicate::lt); }},
    {"LessOrEqual", 12,
     [](NodeContext &c) { return compare(c, tg::ComparePredicate::le); }},
    {"Log", 6, convertLog},
    {"LogSoftmax", 13, [](NodeContext &c) { return softmax(c, true); }},
    {"MatMul", 9, convertMatMul},
    {"Max", 8, [](NodeContext &c) { return variadic<tg::MaxOp>(c, false); }},
    {"MaxPool", 11, [](NodeContext &c) { return pool(c, true); }},
    {"Mean", 8, [](NodeContext &c) { return variadic<tg::AddOp>(c, true); }},
    {"Min", 8, [](NodeContext &c) { return variadic<tg::MinOp>(c, false); }},
    {"Mod", 10, convertMod},
    {"Mul", 7, convertMul},
    {"Neg", 6,
     [](NodeContext &c) { return numericUnary<tg::NegOp>(c, negate); }},
    {"Not", 1, convertNot},
    {"Or", 7, [](NodeContext &c) { return logical(c, 1); }},
    {"Pad", 11, convertPad},
    {"Pow", 7, convertPow},
    {"RMSNormalization", 23, convertRMSNormalization},
    {"Range", 11, convertRange},
    {"Reciprocal", 6, convertReciprocal},
    {"ReduceL1", 11,
     [](NodeContext &c) { return reduce(c, Reduction::L1, 18); }},
    {"ReduceL2", 11,
     [](NodeContext &c) { return reduce(c, Reduction::L2, 18); }},
    {"ReduceMax", 11,
     [](NodeContext &c) { return reduce(c, Reduction::Max, 18); }},
    {"ReduceMean", 11,
     [](NodeContext &c) { return reduce(c, Reduction::Mean, 18); }},
    {"ReduceMin", 11,
     [](NodeContext &c) { return reduce(c, Reduction::Min, 18); }},
    {"ReduceSum", 11,
     [](NodeContext &c) { return reduce(c, Reduction::Sum, 13); }},
    {"ReduceSumSquare", 11,
     [](NodeContext &c) { return reduce(c, Reduction::SumSquare, 18); }},
    {"Relu", 6, [](NodeContext &c) { return numericUnary<tg::ReluOp>(c); }},
    {"Reshape", 5, convertReshape},
    {"Round", 11, convertRound},
    {"Shape", 1, convertShape},
    {"Sigmoid", 6, convertSigmoid},
    {"Sign", 9, convertSign},
    {"SimplifiedLayerNormalization", 1, convertRMSNormalization},
    {"Sin", 7, convertSin},
    {"Size", 1, convertSize},
    {"Slice", 10, convertSlice},
    {"Softmax", 13, [](NodeContext &c) { return softmax(c, false); }},
    {"Softplus", 1, convertSoftplus},
    {"Split", 11, convertSplit},
    {"Sqrt", 6, convertSqrt},
    {"Squeeze", 11, convertSqueeze},
    {"Sub", 7, convertSub},
    {"Sum", 8, [](NodeContext &c) { return variadic<tg::AddOp>(c, false); }},
    {"Tanh", 6, convertTanh},
    {"Tile", 6, convertTile},
    {"Transpose", 1, convertTranspose},
    {"Trilu", 14, convertTrilu},
    {"Unsqueeze", 11, convertUnsqueeze},
    {"Where", 9, convertWhere},
    {"Xor", 7, [](NodeContext &c) { return logical(c, 2); }},
};

} // namespace

ArrayRef<OpConverter> tgc::onnx_import::opConverters() { return kConverters; }

const OpConverter *tgc::onnx_import::findConverter(StringRef opType) {
  for (const OpConverter &c : kConverters)
    if (opType == c.opType)
      return &c;
  return nullptr;
}
