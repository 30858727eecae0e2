//===- FuseAttention.cpp - softmax(q k^T scale + mask) v as one op --------===//
//
// Finds scaled dot-product attention among tg ops, as written by hand
// (examples/attention.mlir) and as ONNX and PyTorch exports spell it:
//
//   s = matmul(q, k, transpose_b)     or matmul(q, transpose(k))
//   s = s * c | c * s | s / c         optional, c a scalar constant
//   s = s + mask | mask + s           optional
//   s = select(visible, s, -inf)      optional (a causal mask)
//   p = softmax(s, last axis)
//   o = matmul(p, v)
//
// and replaces it with one tgc.attention (which also absorbs a following
// transpose back to [M, heads, E]), which host code generation
// computes in query blocks with an online softmax so that the scores never
// go to memory. Each intermediate must have no other use. Operands whose
// batch dimensions broadcast in the matmuls are broadcast explicitly (an
// inlined index computation, not a copy). Only f32 is fused: in f16/bf16
// the unfused ops round the scores and probabilities, the fused kernel
// would not, and the results must not change with the targets.
//
// A decode step attends to the cache rows 0..pos of a cache sized for the
// maximum context. Its mask, `visible = compare(le, iota, pos)` over the
// key index (or lt, or the mirrored ge/gt with pos on the left), applied by
// a select of -inf or added as select(visible, 0, -inf), hides a suffix of
// the keys: it becomes the op's run-time key_count (pos + 1 or pos) rather
// than a mask, so that the kernel skips the hidden keys instead of
// computing and discarding them, and a step costs O(pos), not O(context).
// A causal mask, `pos` one value per query (the query index plus an
// offset: key-invariant), becomes a key count per query, so that each
// query block's key loop ends at its last query's bound. Any other select
// condition becomes the op's `visible` operand: hidden scores are -inf
// whatever they were, exactly as the select makes them.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace tgc {
#define GEN_PASS_DEF_TGCFUSEATTENTION
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;

namespace {

/// The value of a splat float constant, looking through broadcasts.
std::optional<double> splatValue(Value v) {
  if (auto broadcast = v.getDefiningOp<tg::BroadcastToOp>())
    v = broadcast.getInput();
  auto constant = v.getDefiningOp<tg::ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto dense = dyn_cast<DenseFPElementsAttr>(constant.getValue());
  if (!dense || !dense.isSplat())
    return std::nullopt;
  return dense.getSplatValue<APFloat>().convertToDouble();
}

bool hasOneUse(Value v) { return v.hasOneUse(); }

/// Whether `v` holds the key index j at every position [..., j]: a tg.iota
/// along its last dimension, or a constant 0, 1, ..., n-1 along it.
bool isKeyIndex(Value v, int64_t n) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() == 0 || type.getShape().back() != n ||
      !type.getElementType().isSignlessInteger(32))
    return false;
  if (auto iota = v.getDefiningOp<tg::IotaOp>())
    return iota.getDimension() == type.getRank() - 1;
  auto constant = v.getDefiningOp<tg::ConstantOp>();
  auto dense =
      constant ? dyn_cast<DenseIntElementsAttr>(constant.getValue()) : nullptr;
  if (!dense)
    return false;
  int64_t i = 0;
  for (const APInt &x : dense.getValues<APInt>())
    if (x.getSExtValue() != i++ % n)
      return false;
  return true;
}

/// Whether `v`, broadcast against the scores [..., M, N] (trailing
/// dimensions aligned), has one value along the keys: its last dimension
/// is 1, or it is an iota along another dimension, a splat, or a broadcast
/// or elementwise arithmetic of such values.
bool isKeyInvariant(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type)
    return false;
  if (type.getRank() == 0 || type.getShape().back() == 1)
    return true;
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto iota = dyn_cast<tg::IotaOp>(def))
    return iota.getDimension() != type.getRank() - 1;
  if (auto broadcast = dyn_cast<tg::BroadcastToOp>(def))
    return isKeyInvariant(broadcast.getInput());
  if (auto constant = dyn_cast<tg::ConstantOp>(def)) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    return dense && dense.isSplat();
  }
  if (isa<tg::AddOp, tg::SubOp, tg::MulOp, tg::MinOp, tg::MaxOp>(def))
    return llvm::all_of(def->getOperands(), isKeyInvariant);
  return false;
}

/// The run-time bound of a mask that shows keys 0 .. count-1 and hides the
/// rest: `compare(le | lt, keyIndex, pos)` or `compare(ge | gt, pos,
/// keyIndex)` with `pos` one i32 (of any all-ones shape: a decode step) or
/// one per query (key-invariant: a causal mask, `pos = queryIndex + c`).
struct KeyLimit {
  Value pos;
  bool inclusive; // le: keys 0..pos are visible; lt: keys 0..pos-1
  bool perQuery;
};

std::optional<KeyLimit> matchKeyLimit(Value visible, int64_t n) {
  auto compare = visible.getDefiningOp<tg::CompareOp>();
  if (!compare)
    return std::nullopt;
  Value index = compare.getLhs(), pos = compare.getRhs();
  tg::ComparePredicate predicate = compare.getPredicate();
  if (predicate == tg::ComparePredicate::ge ||
      predicate == tg::ComparePredicate::gt) {
    std::swap(index, pos);
    predicate = predicate == tg::ComparePredicate::ge
                    ? tg::ComparePredicate::le
                    : tg::ComparePredicate::lt;
  }
  if (predicate != tg::ComparePredicate::le &&
      predicate != tg::ComparePredicate::lt)
    return std::nullopt;
  if (!isKeyIndex(index, n) || !isKeyInvariant(pos))
    return std::nullopt;
  return KeyLimit{pos, predicate == tg::ComparePredicate::le,
                  cast<RankedTensorType>(pos.getType()).getNumElements() != 1};
}

/// The number of visible keys: pos, or min(pos, n) + 1, which cannot
/// overflow; a tensor<i32>, or per query an i32 [batch..., M] (pos at key
/// 0, broadcast over the batch and queries).
Value buildKeyCount(PatternRewriter &rewriter, Location loc, KeyLimit limit,
                    ArrayRef<int64_t> batch, int64_t m, int64_t n) {
  Type i32 = rewriter.getI32Type();
  auto scalar = RankedTensorType::get({}, i32);
  auto constant = [&](int64_t v) {
    return tg::ConstantOp::create(
        rewriter, loc, scalar,
        DenseElementsAttr::get(scalar, rewriter.getI32IntegerAttr(v)));
  };
  Value count = limit.pos;
  auto type = cast<RankedTensorType>(count.getType());
  RankedTensorType countType = scalar;
  if (limit.perQuery) {
    SmallVector<int64_t> shape(type.getShape());
    if (shape.back() != 1) {
      shape.back() = 1;
      count = tg::SliceOp::create(rewriter, loc, count,
                                  SmallVector<int64_t>(shape.size(), 0), shape,
                                  SmallVector<int64_t>(shape.size(), 1));
    }
    SmallVector<int64_t> column(batch);
    column.append({m, 1});
    if (ArrayRef<int64_t>(shape) != ArrayRef<int64_t>(column))
      count = tg::BroadcastToOp::create(
          rewriter, loc, RankedTensorType::get(column, i32), count);
    column.pop_back();
    countType = RankedTensorType::get(column, i32);
    count = tg::ReshapeOp::create(rewriter, loc, countType, count);
  } else if (type.getRank() != 0) {
    count = tg::ReshapeOp::create(rewriter, loc, scalar, count);
  }
  if (limit.inclusive) {
    count = tg::MinOp::create(rewriter, loc, countType, count, constant(n));
    count = tg::AddOp::create(rewriter, loc, countType, count, constant(1));
  }
  return count;
}

bool isMinusInfinity(Value v) {
  std::optional<double> c = splatValue(v);
  return c && std::isinf(*c) && *c < 0;
}

/// A transpose that swaps the last two dimensions only.
bool swapsLastTwo(tg::TransposeOp op) {
  ArrayRef<int64_t> perm = op.getPermutation();
  int64_t rank = perm.size();
  if (rank < 2)
    return false;
  for (int64_t i = 0; i < rank - 2; ++i)
    if (perm[i] != i)
      return false;
  return perm[rank - 2] == rank - 1 && perm[rank - 1] == rank - 2;
}

struct FuseAttentionPattern : OpRewritePattern<tg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tg::MatmulOp pv,
                                PatternRewriter &rewriter) const override {
    if (pv.getTransposeA() || pv.getTransposeB())
      return failure();
    auto softmax = pv.getLhs().getDefiningOp<tg::SoftmaxOp>();
    if (!softmax || !hasOneUse(softmax.getResult()))
      return failure();
    auto scoresType = cast<RankedTensorType>(softmax.getType());
    int64_t rank = scoresType.getRank();
    int64_t axis = softmax.getAxis();
    if (axis < 0)
      axis += rank;
    if (axis != rank - 1 || !scoresType.getElementType().isF32())
      return failure();

    // Walk up from the softmax input: the visible keys, mask, scale, then
    // the score matmul.
    Value s = softmax.getInput();
    Value mask, visible;
    std::optional<KeyLimit> limit;
    double scale = 1.0;
    int64_t keys = scoresType.getDimSize(rank - 1);
    auto single = [&](Value v) {
      return hasOneUse(v) && v.getType() == scoresType;
    };
    if (auto select = s.getDefiningOp<tg::SelectOp>(); select && single(s)) {
      if (select.getTrueValue().getType() != scoresType ||
          !isMinusInfinity(select.getFalseValue()))
        return failure();
      limit = matchKeyLimit(select.getCond(), keys);
      // Any other condition (a causal mask) hides keys per query.
      if (!limit)
        visible = select.getCond();
      s = select.getTrueValue();
    }
    if (auto add = s.getDefiningOp<tg::AddOp>(); add && single(s)) {
      for (auto [x, y] : {std::pair(add.getLhs(), add.getRhs()),
                          std::pair(add.getRhs(), add.getLhs())}) {
        if (x.getDefiningOp<tg::MatmulOp>() || x.getDefiningOp<tg::MulOp>() ||
            x.getDefiningOp<tg::DivOp>()) {
          s = x;
          mask = y;
          break;
        }
      }
      if (!mask)
        return failure();
      // select(visible, 0, -inf) added: the same as the select above.
      auto select = mask.getDefiningOp<tg::SelectOp>();
      std::optional<double> zero =
          select ? splatValue(select.getTrueValue()) : std::nullopt;
      if (!limit && zero && *zero == 0.0 &&
          isMinusInfinity(select.getFalseValue())) {
        limit = matchKeyLimit(select.getCond(), keys);
        if (limit)
          mask = nullptr;
      }
    }
    if (auto mul = s.getDefiningOp<tg::MulOp>(); mul && single(s)) {
      std::optional<double> c = splatValue(mul.getRhs());
      Value other = mul.getLhs();
      if (!c) {
        c = splatValue(mul.getLhs());
        other = mul.getRhs();
      }
      if (!c)
        return failure();
      scale = *c;
      s = other;
    } else if (auto div = s.getDefiningOp<tg::DivOp>(); div && single(s)) {
      std::optional<double> c = splatValue(div.getRhs());
      if (!c || *c == 0.0)
        return failure();
      scale = 1.0 / *c;
      s = div.getLhs();
    }
    auto qk = s.getDefiningOp<tg::MatmulOp>();
    if (!qk || qk.getTransposeA() || !single(s))
      return failure();

    Location loc = pv.getLoc();
    auto resultType = cast<RankedTensorType>(pv.getType());
    ArrayRef<int64_t> batch = resultType.getShape().drop_back(2);
    int64_t m = scoresType.getDimSize(rank - 2),
            n = scoresType.getDimSize(rank - 1),
            e = resultType.getDimSize(rank - 1);
    int64_t d = cast<RankedTensorType>(qk.getLhs().getType()).getShape().back();
    if (scoresType.getShape().drop_back(2) != batch)
      return failure();

    // k as [..., N, D].
    Value key = qk.getRhs();
    if (!qk.getTransposeB()) {
      auto transpose = key.getDefiningOp<tg::TransposeOp>();
      if (transpose && swapsLastTwo(transpose)) {
        key = transpose.getInput();
      } else {
        auto type = cast<RankedTensorType>(key.getType());
        SmallVector<int64_t> perm, shape(type.getShape());
        for (int64_t i = 0; i < type.getRank(); ++i)
          perm.push_back(i);
        std::swap(perm[type.getRank() - 2], perm[type.getRank() - 1]);
        std::swap(shape[type.getRank() - 2], shape[type.getRank() - 1]);
        key = tg::TransposeOp::create(rewriter, loc, type.clone(shape), key,
                                      rewriter.getDenseI64ArrayAttr(perm));
      }
    }
    // Every operand at the full batch shape.
    auto full = [&](Value v, int64_t rows, int64_t columns) -> Value {
      SmallVector<int64_t> shape(batch);
      shape.append({rows, columns});
      auto type = cast<RankedTensorType>(v.getType());
      if (type.getShape() == ArrayRef<int64_t>(shape))
        return v;
      return tg::BroadcastToOp::create(rewriter, loc, type.clone(shape), v);
    };
    Value query = full(qk.getLhs(), m, d);
    key = full(key, n, d);
    Value value = full(pv.getRhs(), n, e);
    if (mask)
      mask = full(mask, m, n);
    if (visible)
      visible = full(visible, m, n);
    Value keyCount =
        limit ? buildKeyCount(rewriter, loc, *limit, batch, m, n) : nullptr;
    // A transpose of the result that keeps the value depth innermost (back
    // to [M, heads, E] before the output projection) is written directly.
    auto transpose = dyn_cast<tg::TransposeOp>(
        pv->hasOneUse() ? *pv->getUsers().begin() : nullptr);
    if (transpose && transpose.getPermutation().back() == rank - 1) {
      rewriter.setInsertionPoint(transpose);
      auto fused = tgc::AttentionOp::create(
          rewriter, loc, transpose.getType(), query, key, value, mask, visible,
          keyCount, rewriter.getF64FloatAttr(scale),
          transpose.getPermutationAttr());
      rewriter.replaceOp(transpose, fused.getResult());
      rewriter.eraseOp(pv);
      return success();
    }
    rewriter.replaceOpWithNewOp<tgc::AttentionOp>(
        pv, resultType, query, key, value, mask, visible, keyCount,
        rewriter.getF64FloatAttr(scale), DenseI64ArrayAttr());
    return success();
  }
};

struct TgcFuseAttention : tgc::impl::TgcFuseAttentionBase<TgcFuseAttention> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseAttentionPattern>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
