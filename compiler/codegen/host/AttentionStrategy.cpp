//===- AttentionStrategy.cpp - fused host attention -----------------------===//
//
// softmax(q kᵀ scale + mask) v for one tgc.attention, without storing the
// scores (flash attention's structure, laid out for CPU vector registers):
//
//   workgroup = one batch entry (head) and a block of MB queries, MB = V
//               vectors: two, or one when M fits in one (a decode step's
//               few queries per head, for which a second vector would be
//               all padding); the block's queries, scaled, are transposed
//               into the workspace once ([D][MB]), so every later step
//               works on vectors along the queries;
//   per block of KB keys:
//     scores  S[j][i] = sum_d k[j][d] * qᵀ[d][i] for MR keys at a time: MR x V
//             vector accumulators, one broadcast key element and V query
//             vectors per multiply-add, keys read where they are (no packing);
//     softmax per query vector: the block's maximum, the
//             running maximum m, P = exp(S - m) in place of S, the running
//             sum l rescaled by exp(m_old - m);
//     values  oᵀ[e][i] = oᵀ[e][i] * exp(m_old - m) + sum_j v[j][e] * P[j][i]
//             for MR value columns at a time, the same register tile;
//   finally o[i][e] = oᵀ[e][i] * (1 / l[i]), written once.
//
// Reductions over keys are vertical (per query lane), so no horizontal
// reduction or shuffle is needed anywhere. A run-time key_count ends the
// key loop early (a decode step reads only the cache rows written so far);
// a count per query (a causal mask) ends it at the block's largest.
// A fully masked row gives 0 / 0, NaN, as the unfused softmax does.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/host/HostKernelBuilder.h"
#include "compiler/transforms/ScalarOps.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace tgc;

namespace {

/// Keys per block: the block's scores (KB x MB floats) stay in L1 next to
/// the transposed queries and output.
constexpr int64_t kKeyGroupsPerBlock = 8;

class AttentionGenerator : HostLoopBuilder {
public:
  AttentionGenerator(HostKernelBuilder &kernel, AttentionOp op)
      : HostLoopBuilder(op.getLoc()), kernel(kernel), op(op),
        f32(Float32Type::get(op.getContext())), lanes(kernel.vectors.lanes()),
        MR(kernel.vectors.registers >= 32 ? 12 : 6) {
    auto q = op.getQuery().getType();
    int64_t rank = q.getRank();
    batchShape.assign(q.getShape().begin(), q.getShape().end() - 2);
    M = q.getDimSize(rank - 2);
    V = M <= lanes ? 1 : 2;
    MB = V * lanes;
    D = q.getDimSize(rank - 1);
    N = op.getKey().getType().getDimSize(rank - 2);
    E = op.getValue().getType().getDimSize(rank - 1);
    KB = std::min(kKeyGroupsPerBlock * MR, llvm::divideCeilSigned(N, MR) * MR);
    queryBlocks = llvm::divideCeilSigned(M, MB);
    workgroups = computeProduct(batchShape) * queryBlocks;
    qOffset = 0;
    sOffset = qOffset + D * MB;
    oOffset = sOffset + KB * MB;
    lOffset = oOffset + E * MB;
    workspaceElements = lOffset + MB;
  }

  LogicalResult generate() {
    return kernel.createFunc(
        workgroups,
        [&](OpBuilder &b, KernelEmitter &e, Value wg, Value out) {
          body(b, e, wg, out);
        },
        [&](OpBuilder &b, KernelEmitter &) {
          space = kernel.typedWorkspace(b, f32, workspaceElements);
        },
        workspaceElements * 4);
  }

private:
  VectorType vectorType() const { return VectorType::get({lanes}, f32); }
  Value splat(OpBuilder &b, double v) {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorType(), b.getFloatAttr(f32, v)));
  }
  Value loadVector(OpBuilder &b, KernelEmitter &e, Value at) {
    return vector::LoadOp::create(b, loc, vectorType(), space, at);
  }
  void storeVector(OpBuilder &b, Value v, Value at) {
    vector::StoreOp::create(b, loc, v, space, at);
  }

  /// if (condition) body(), in its own emitter scope.
  void when(OpBuilder &b, KernelEmitter &e, Value condition,
            function_ref<void()> body) {
    auto branch = scf::IfOp::create(b, loc, condition);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&branch.getThenRegion().front());
    e.pushScope();
    body();
    e.popScope();
  }

  /// The query that lane `lane` of the block at `i0` computes: rows past M
  /// repeat the last query (their results are not written).
  Value queryRow(OpBuilder &b, KernelEmitter &e, Value i0, int64_t lane) {
    return min(b, add(b, i0, e.index(lane)), e.index(M - 1));
  }

  /// Element (row, column) of an operand of this batch entry, as f32.
  Value element(OpBuilder &b, KernelEmitter &e, Value tensor, Value row,
                Value column) {
    SmallVector<Value> idx(batchIdx);
    idx.push_back(row);
    idx.push_back(column);
    return convertScalar(b, loc, e.emit(tensor, idx), f32);
  }

  void body(OpBuilder &b, KernelEmitter &e, Value wg, Value out);
  void scores(OpBuilder &b, KernelEmitter &e, Value i0, Value kb0, Value kLen);
  void scoreGroup(OpBuilder &b, KernelEmitter &e, Value i0, Value j0,
                  Value slot, bool clamp);
  void values(OpBuilder &b, KernelEmitter &e, Value kb0, Value kLen,
              ArrayRef<Value> alpha);
  void valueGroup(OpBuilder &b, KernelEmitter &e, Value kb0, Value kLen,
                  Value e0, int64_t columns, ArrayRef<Value> alpha);

  HostKernelBuilder &kernel;
  AttentionOp op;
  Type f32;
  int64_t lanes, MR;
  /// Query vectors per block (1 or 2) and queries per block.
  int64_t V = 2, MB = 0;
  SmallVector<int64_t> batchShape;
  int64_t M = 0, D = 0, N = 0, E = 0, KB = 0;
  int64_t queryBlocks = 0, workgroups = 0;
  /// Workspace (f32 elements): qᵀ [D][MB], S/P [KB][MB], oᵀ [E][MB], 1/l [MB].
  int64_t qOffset = 0, sOffset = 0, oOffset = 0, lOffset = 0;
  int64_t workspaceElements = 0;
  Value space;
  SmallVector<Value> batchIdx;
  /// With a key count per query: the counts of the block's query vectors.
  SmallVector<Value> countVectors;
};

void AttentionGenerator::body(OpBuilder &b, KernelEmitter &e, Value wg,
                              Value out) {
  Value batch = arith::DivSIOp::create(b, loc, wg, e.index(queryBlocks));
  Value block = arith::RemSIOp::create(b, loc, wg, e.index(queryBlocks));
  batchIdx.clear();
  if (!batchShape.empty())
    batchIdx = e.delinearize(batch, batchShape);
  Value i0 = mul(b, block, e.index(MB));
  Value scale = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(f32, op.getScale().convertToDouble()));

  // qᵀ, scaled; rows past M repeat the last query (their results are not
  // written).
  loop(b, e, e.index(0), e.index(MB), 1, [&](Value i) {
    Value row = min(b, add(b, i0, i), e.index(M - 1));
    loop(b, e, e.index(0), e.index(D), 1, [&](Value d) {
      Value q = arith::MulFOp::create(
          b, loc, element(b, e, op.getQuery(), row, d), scale);
      memref::StoreOp::create(
          b, loc, q, space,
          ValueRange{
              add(b, e.index(qOffset), add(b, mul(b, d, e.index(MB)), i))});
    });
  });
  Value zero = splat(b, 0.0);
  loop(b, e, e.index(0), e.index(E * MB), lanes,
       [&](Value t) { storeVector(b, zero, add(b, e.index(oOffset), t)); });

  // Keys from key_count on are hidden: the loop stops before them, so a
  // decode step costs what its visible keys cost (the last block partial).
  // With a count per query (a causal mask) the loop ends at the block's
  // largest, and scoreGroup hides each query's keys past its own.
  Value keyEnd = e.index(N);
  countVectors.clear();
  if (Value count = op.getKeyCount()) {
    auto clamped = [&](ValueRange idx) {
      Value c = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                           e.emit(count, idx));
      return min(b, arith::MaxSIOp::create(b, loc, c, e.index(0)), e.index(N));
    };
    if (cast<RankedTensorType>(count.getType()).getRank() == 0) {
      keyEnd = clamped({});
    } else {
      Type i32 = b.getI32Type();
      keyEnd = e.index(0);
      for (int64_t c = 0; c < V; ++c) {
        SmallVector<Value> lanesOfCount;
        for (int64_t l = 0; l < lanes; ++l) {
          SmallVector<Value> idx(batchIdx);
          idx.push_back(queryRow(b, e, i0, c * lanes + l));
          Value n = clamped(idx);
          keyEnd = arith::MaxSIOp::create(b, loc, keyEnd, n);
          lanesOfCount.push_back(arith::IndexCastOp::create(b, loc, i32, n));
        }
        countVectors.push_back(vector::FromElementsOp::create(
            b, loc, VectorType::get({lanes}, i32), lanesOfCount));
      }
    }
  }
  Value minusInf = splat(b, -std::numeric_limits<double>::infinity());
  // Carried: the running maximum of each query vector, then the sums.
  SmallVector<Value> init(V, minusInf);
  init.append(V, zero);
  SmallVector<Value> last = loop(
      b, e, e.index(0), keyEnd, KB, init, [&](Value kb0, ValueRange carried) {
        Value kLen =
            min(b, e.index(KB), arith::SubIOp::create(b, loc, keyEnd, kb0));
        scores(b, e, i0, kb0, kLen);
        SmallVector<Value> next(2 * V), alpha(V);
        for (int64_t c = 0; c < V; ++c) {
          Value column = e.index(c * lanes);
          auto scoreAt = [&](Value j) {
            return add(b, e.index(sOffset),
                       add(b, mul(b, j, e.index(MB)), column));
          };
          // The maximum needs no NaN semantics of its own: a NaN score
          // makes its exp, and so the row's sum and output, NaN whatever
          // the maximum is. `x > m ? x : m` is one max instruction.
          auto greater = [&](Value x, Value y) {
            Value gt =
                arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
            return arith::SelectOp::create(b, loc, gt, x, y).getResult();
          };
          Value blockMax =
              loop(b, e, e.index(0), kLen, 1, {minusInf},
                   [&](Value j, ValueRange acc) -> SmallVector<Value> {
                     return {greater(loadVector(b, e, scoreAt(j)), acc[0])};
                   })[0];
          Value m = greater(blockMax, carried[c]);
          // While every key so far is masked (m = -inf), subtract 0 so that
          // exp gives 0 rather than exp(-inf + inf) = NaN.
          Value allMasked = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OEQ, m, minusInf);
          Value shift = arith::SelectOp::create(b, loc, allMasked, zero, m);
          alpha[c] = math::ExpOp::create(
              b, loc, arith::SubFOp::create(b, loc, carried[c], shift));
          Value sum = loop(
              b, e, e.index(0), kLen, 1, {zero},
              [&](Value j, ValueRange acc) -> SmallVector<Value> {
                Value at = scoreAt(j);
                Value p = math::ExpOp::create(
                    b, loc,
                    arith::SubFOp::create(b, loc, loadVector(b, e, at), shift));
                storeVector(b, p, at);
                return {arith::AddFOp::create(b, loc, acc[0], p)};
              })[0];
          next[c] = m;
          next[V + c] = arith::AddFOp::create(
              b, loc, arith::MulFOp::create(b, loc, carried[V + c], alpha[c]),
              sum);
        }
        values(b, e, kb0, kLen, alpha);
        return next;
      });

  // 1 / l once per query, so the output loop multiplies.
  Value one = splat(b, 1.0);
  for (int64_t c = 0; c < V; ++c)
    storeVector(b, arith::DivFOp::create(b, loc, one, last[V + c]),
                e.index(lOffset + c * lanes));
  Value rows =
      min(b, e.index(MB), arith::SubIOp::create(b, loc, e.index(M), i0));
  Type element = op.getResult().getType().getElementType();
  loop(b, e, e.index(0), rows, 1, [&](Value i) {
    Value inverse = memref::LoadOp::create(
        b, loc, space, ValueRange{add(b, e.index(lOffset), i)});
    loop(b, e, e.index(0), e.index(E), 1, [&](Value col) {
      Value o = memref::LoadOp::create(
          b, loc, space,
          ValueRange{
              add(b, e.index(oOffset), add(b, mul(b, col, e.index(MB)), i))});
      Value result = convertScalar(
          b, loc, arith::MulFOp::create(b, loc, o, inverse), element);
      SmallVector<Value> idx(batchIdx);
      idx.push_back(add(b, i0, i));
      idx.push_back(col);
      memref::StoreOp::create(b, loc, result, out,
                              attentionResultIndex(op, idx));
    });
  });
}

void AttentionGenerator::scores(OpBuilder &b, KernelEmitter &e, Value i0,
                                Value kb0, Value kLen) {
  // Whole groups of MR keys read their keys directly; the last, partial
  // group repeats the last key (rows past kLen are never read).
  Value full =
      mul(b, arith::DivSIOp::create(b, loc, kLen, e.index(MR)), e.index(MR));
  loop(b, e, e.index(0), full, MR, [&](Value g) {
    scoreGroup(b, e, i0, add(b, kb0, g), g, /*clamp=*/false);
  });
  Value partial =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, full, kLen);
  when(b, e, partial,
       [&] { scoreGroup(b, e, i0, add(b, kb0, full), full, /*clamp=*/true); });
}

void AttentionGenerator::scoreGroup(OpBuilder &b, KernelEmitter &e, Value i0,
                                    Value j0, Value slot, bool clamp) {
  SmallVector<Value> keys;
  for (int64_t r = 0; r < MR; ++r) {
    Value key = add(b, j0, e.index(r));
    keys.push_back(clamp ? min(b, key, e.index(N - 1)) : key);
  }
  Value zero = splat(b, 0.0);
  SmallVector<Value> acc = loop(
      b, e, e.index(0), e.index(D), 1, SmallVector<Value>(V * MR, zero),
      [&](Value d, ValueRange carried) {
        Value row = add(b, e.index(qOffset), mul(b, d, e.index(MB)));
        SmallVector<Value, 2> q;
        for (int64_t c = 0; c < V; ++c)
          q.push_back(loadVector(b, e, add(b, row, e.index(c * lanes))));
        SmallVector<Value> next;
        for (int64_t r = 0; r < MR; ++r) {
          Value k = vector::BroadcastOp::create(
              b, loc, vectorType(), element(b, e, op.getKey(), keys[r], d));
          for (int64_t c = 0; c < V; ++c)
            next.push_back(multiplyAdd(b, loc, carried[V * r + c], k, q[c]));
        }
        return next;
      });
  if (Value mask = op.getMask()) {
    // The mask is read per element (it is rarely a plain tensor: causal
    // masks are computed from indices, which the emitter evaluates here).
    for (int64_t r = 0; r < MR; ++r)
      for (int64_t c = 0; c < V; ++c) {
        SmallVector<Value> lanesOfMask;
        for (int64_t l = 0; l < lanes; ++l) {
          Value row = queryRow(b, e, i0, c * lanes + l);
          lanesOfMask.push_back(element(b, e, mask, row, keys[r]));
        }
        Value m =
            vector::FromElementsOp::create(b, loc, vectorType(), lanesOfMask);
        acc[V * r + c] = arith::AddFOp::create(b, loc, acc[V * r + c], m);
      }
  }
  if (!countVectors.empty()) {
    // Keys from each query's own count on are -inf.
    Value minusInf = splat(b, -std::numeric_limits<double>::infinity());
    auto i32s = VectorType::get({lanes}, b.getI32Type());
    for (int64_t r = 0; r < MR; ++r) {
      Value key = vector::BroadcastOp::create(
          b, loc, i32s,
          arith::IndexCastOp::create(b, loc, b.getI32Type(), keys[r]));
      for (int64_t c = 0; c < V; ++c) {
        Value shown = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                            key, countVectors[c]);
        acc[V * r + c] =
            arith::SelectOp::create(b, loc, shown, acc[V * r + c], minusInf);
      }
    }
  }
  if (Value visible = op.getVisible()) {
    // Hidden scores become -inf whatever they were (a select, not an add:
    // a hidden key's NaN must not reach the row).
    Value minusInf = splat(b, -std::numeric_limits<double>::infinity());
    auto maskType = VectorType::get({lanes}, b.getI1Type());
    for (int64_t r = 0; r < MR; ++r)
      for (int64_t c = 0; c < V; ++c) {
        SmallVector<Value> lanesOfVisible;
        for (int64_t l = 0; l < lanes; ++l) {
          SmallVector<Value> idx(batchIdx);
          idx.push_back(queryRow(b, e, i0, c * lanes + l));
          idx.push_back(keys[r]);
          lanesOfVisible.push_back(e.emit(visible, idx));
        }
        Value shown =
            vector::FromElementsOp::create(b, loc, maskType, lanesOfVisible);
        acc[V * r + c] =
            arith::SelectOp::create(b, loc, shown, acc[V * r + c], minusInf);
      }
  }
  for (int64_t r = 0; r < MR; ++r)
    for (int64_t c = 0; c < V; ++c)
      storeVector(b, acc[V * r + c],
                  add(b, e.index(sOffset + c * lanes),
                      mul(b, add(b, slot, e.index(r)), e.index(MB))));
}

void AttentionGenerator::values(OpBuilder &b, KernelEmitter &e, Value kb0,
                                Value kLen, ArrayRef<Value> alpha) {
  int64_t whole = E / MR * MR;
  if (whole > 0)
    loop(b, e, e.index(0), e.index(whole), MR,
         [&](Value e0) { valueGroup(b, e, kb0, kLen, e0, MR, alpha); });
  if (E > whole)
    valueGroup(b, e, kb0, kLen, e.index(whole), E - whole, alpha);
}

void AttentionGenerator::valueGroup(OpBuilder &b, KernelEmitter &e, Value kb0,
                                    Value kLen, Value e0, int64_t columns,
                                    ArrayRef<Value> alpha) {
  auto outAt = [&](int64_t r, int64_t c) {
    return add(b, e.index(oOffset + c * lanes),
               mul(b, add(b, e0, e.index(r)), e.index(MB)));
  };
  SmallVector<Value> init;
  for (int64_t r = 0; r < columns; ++r)
    for (int64_t c = 0; c < V; ++c)
      init.push_back(arith::MulFOp::create(
          b, loc, loadVector(b, e, outAt(r, c)), alpha[c]));
  SmallVector<Value> acc =
      loop(b, e, e.index(0), kLen, 1, init, [&](Value j, ValueRange carried) {
        Value row = add(b, e.index(sOffset), mul(b, j, e.index(MB)));
        SmallVector<Value, 2> p;
        for (int64_t c = 0; c < V; ++c)
          p.push_back(loadVector(b, e, add(b, row, e.index(c * lanes))));
        Value key = add(b, kb0, j);
        SmallVector<Value> next;
        for (int64_t r = 0; r < columns; ++r) {
          Value v = vector::BroadcastOp::create(
              b, loc, vectorType(),
              element(b, e, op.getValue(), key, add(b, e0, e.index(r))));
          for (int64_t c = 0; c < V; ++c)
            next.push_back(multiplyAdd(b, loc, carried[V * r + c], v, p[c]));
        }
        return next;
      });
  for (int64_t r = 0; r < columns; ++r)
    for (int64_t c = 0; c < V; ++c)
      storeVector(b, acc[V * r + c], outAt(r, c));
}

} // namespace

LogicalResult tgc::generateHostAttentionKernel(HostKernelBuilder &kernel) {
  auto op = kernel.root.getDefiningOp<AttentionOp>();
  if (!op)
    return kernel.func.emitError("attention kernel without a tgc.attention");
  return AttentionGenerator(kernel, op).generate();
}
