//===- AttentionStrategy.cpp - fused GPU attention
//-------------------------===//
//
// softmax(q kᵀ scale + mask) v for one tgc.attention in one kernel, the
// scores never in memory (flash attention's structure on CUDA cores / SIMD
// lanes; tgc.attention is only formed for f32, see FuseAttention.cpp):
//
//   workgroup = 256 threads for one batch entry (head), a block of BM
//               queries (64, or 16 for a decode step's few queries) and a
//               block of EB output columns (all of E up to 128; wider
//               values split over workgroups, each recomputing the scores);
//   per block of BN = 64 keys, up to the run-time key count (with a count
//   per query, as a causal mask gives, the block's largest):
//     scores  S = (q scale) kᵀ over D in chunks of DK, both chunks staged
//             in workgroup memory, each thread a (BM/16) x 4 register tile
//             (rows ty + 16 r, keys tx + 16 c); mask added, hidden keys
//             (not `visible`, or past the count) -inf; S to workgroup
//             memory;
//     softmax 256 / BM consecutive lanes per query row: the block maximum
//             and sum by xor shuffles, the running maximum m and sum l in
//             those lanes' registers, P = exp(S - m) in place of S, the
//             rescale factor exp(m_old - m) to workgroup memory;
//     values  o = o * rescale + P v, v staged VK keys at a time, each thread
//             a (BM/16) x (EB/16) register tile of o;
//   finally o / l written once, through the result permutation.
//
// The online softmax is the host strategy's (host/AttentionStrategy.cpp):
// while every key so far is masked the shift is 0, so exp gives 0, not
// NaN; a row with no visible key ends 0 / 0 = NaN, as the unfused softmax.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/gpu/GpuKernelBuilder.h"
#include "compiler/transforms/ScalarOps.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

#include <limits>

using namespace mlir;
using namespace tgc;

namespace {

constexpr int64_t kThreads = 256;
/// Threads along the keys (and output columns) of a register tile; the
/// other 16 go along the queries.
constexpr int64_t kSide = 16;
/// Keys per block, head-dimension elements per staged q/k chunk, keys per
/// staged v chunk, and the widest column block of o a workgroup keeps.
constexpr int64_t kKeyBlock = 64;
constexpr int64_t kDepthChunk = 16;
constexpr int64_t kValueChunk = 16;
constexpr int64_t kMaxColumns = 128;

class AttentionGenerator {
public:
  AttentionGenerator(GpuKernelBuilder &kernel, AttentionOp op)
      : kernel(kernel), hooks(kernel.hooks), op(op), loc(op.getLoc()),
        f32(Float32Type::get(op.getContext())) {
    auto q = op.getQuery().getType();
    int64_t rank = q.getRank();
    batchShape.assign(q.getShape().begin(), q.getShape().end() - 2);
    M = q.getDimSize(rank - 2);
    D = q.getDimSize(rank - 1);
    N = op.getKey().getType().getDimSize(rank - 2);
    E = op.getValue().getType().getDimSize(rank - 1);
    BM = M <= kSide ? kSide : 4 * kSide;
    rowsPerThread = BM / kSide;
    lanesPerRow = kThreads / BM;
    int64_t columnBlocks = llvm::divideCeilSigned(E, kMaxColumns);
    EB = llvm::alignTo(llvm::divideCeilSigned(E, columnBlocks), kSide);
    columnsPerThread = EB / kSide;
    columnBlocks = llvm::divideCeilSigned(E, EB);
    workgroupShape = {computeProduct(batchShape), llvm::divideCeilSigned(M, BM),
                      columnBlocks};
  }

  LogicalResult generate() {
    // One padding column keeps the transposed stores (consecutive lanes
    // walk the head dimension) and the score rows off a single bank.
    // Per-query key counts get a buffer of the block's counts.
    SmallVector<Type> buffers = {
        hooks.workgroupMemory({kDepthChunk, BM + 1}, f32), // (q scale)ᵀ
        hooks.workgroupMemory({kDepthChunk, kKeyBlock + 1}, f32), // kᵀ
        hooks.workgroupMemory({BM, kKeyBlock + 1}, f32),          // S, then P
        hooks.workgroupMemory({kValueChunk, EB}, f32),            // v
        hooks.workgroupMemory({BM}, f32),                         // rescale
        hooks.workgroupMemory({BM}, f32)};                        // 1 / l
    if (perQueryCounts())
      buffers.push_back(
          hooks.workgroupMemory({BM}, IntegerType::get(op.getContext(), 32)));
    return kernel.createFunc(
        {computeProduct(workgroupShape), 1, 1}, {kThreads, 1, 1}, buffers,
        [&](OpBuilder &b, gpu::GPUFuncOp func) { return body(b, func); });
  }

private:
  bool perQueryCounts() {
    Value count = op.getKeyCount();
    return count && cast<RankedTensorType>(count.getType()).getRank() != 0;
  }
  Value add(OpBuilder &b, Value x, Value y) {
    return b.createOrFold<arith::AddIOp>(loc, x, y);
  }
  Value mul(OpBuilder &b, Value x, Value y) {
    return b.createOrFold<arith::MulIOp>(loc, x, y);
  }
  Value less(OpBuilder &b, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, y);
  }
  Value both(OpBuilder &b, Value x, Value y) {
    return arith::AndIOp::create(b, loc, x, y);
  }
  Value constant(OpBuilder &b, double v) {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, v));
  }
  /// `x > y ? x : y`: one max instruction; a NaN score makes its row NaN
  /// through exp and the sum whatever the maximum is.
  Value greater(OpBuilder &b, Value x, Value y) {
    Value gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
    return arith::SelectOp::create(b, loc, gt, x, y);
  }

  /// scf.for from lb to ub carrying `init`; `body` returns the next values.
  using LoopBody =
      function_ref<SmallVector<Value>(Value index, ValueRange carried)>;
  SmallVector<Value> loop(OpBuilder &b, Value lb, Value ub, int64_t step,
                          ValueRange init, LoopBody body) {
    auto forOp = scf::ForOp::create(b, loc, lb, ub, e->index(step), init);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(forOp.getBody());
    e->pushScope();
    SmallVector<Value> next =
        body(forOp.getInductionVar(), forOp.getRegionIterArgs());
    e->popScope();
    scf::YieldOp::create(b, loc, next);
    return llvm::to_vector_of<Value>(forOp.getResults());
  }

  /// `condition ? value of `tensor` at (row, column) : otherwise`, the
  /// element computed only where the condition holds: as f32 for the
  /// float operands (then through `use`), as it is for `visible`.
  Value elementIf(OpBuilder &b, Value condition, Value tensor, Value row,
                  Value column, Value otherwise,
                  function_ref<Value(OpBuilder &, Value)> use = nullptr,
                  bool asF32 = true) {
    auto ifOp = scf::IfOp::create(
        b, loc, condition,
        [&](OpBuilder &nb, Location l) {
          e->pushScope();
          SmallVector<Value> idx(batchIdx);
          idx.push_back(row);
          idx.push_back(column);
          Value v = e->emit(tensor, idx);
          if (asF32)
            v = convertScalar(nb, l, v, f32);
          if (use)
            v = use(nb, v);
          e->popScope();
          scf::YieldOp::create(nb, l, v);
        },
        [&](OpBuilder &nb, Location l) {
          scf::YieldOp::create(nb, l, otherwise);
        });
    return ifOp.getResult(0);
  }

  LogicalResult body(OpBuilder &b, gpu::GPUFuncOp func);
  Value keyCounts(OpBuilder &b);
  SmallVector<Value> scores(OpBuilder &b, Value kb0, Value keyEnd);
  SmallVector<Value> softmax(OpBuilder &b, Value m, Value l);
  SmallVector<Value> values(OpBuilder &b, Value kb0, Value keyEnd,
                            ValueRange o);

  GpuKernelBuilder &kernel;
  const GpuTargetHooks &hooks;
  AttentionOp op;
  Location loc;
  Type f32;
  SmallVector<int64_t> batchShape;
  int64_t M = 0, D = 0, N = 0, E = 0;
  /// Queries and output columns per workgroup, and per thread.
  int64_t BM = 0, EB = 0, rowsPerThread = 0, columnsPerThread = 0;
  /// Consecutive lanes that share a query row in the softmax step.
  int64_t lanesPerRow = 0;
  /// Workgroups (all along grid.x): batch entries, query blocks, column
  /// blocks.
  SmallVector<int64_t> workgroupShape;

  // Set while the body is built.
  KernelEmitter *e = nullptr;
  Value qTile, kTile, sTile, vTile, rescaleTile, inverseTile, countTile;
  /// The key count of each of this thread's score rows.
  SmallVector<Value> rowCounts;
  Value tid, tx, ty, i0, e0;
  SmallVector<Value> batchIdx;
};

LogicalResult AttentionGenerator::body(OpBuilder &b, gpu::GPUFuncOp func) {
  KernelEmitter emitter(b, loc, kernel.func, kernel.inputMemrefs(func));
  e = &emitter;
  ArrayRef<BlockArgument> buffers = func.getWorkgroupAttributions();
  qTile = buffers[0];
  kTile = buffers[1];
  sTile = buffers[2];
  vTile = buffers[3];
  rescaleTile = buffers[4];
  inverseTile = buffers[5];
  countTile = perQueryCounts() ? buffers[6] : nullptr;

  tid = hooks.threadId(b, loc);
  tx = arith::RemUIOp::create(b, loc, tid, e->index(kSide));
  ty = arith::DivUIOp::create(b, loc, tid, e->index(kSide));
  SmallVector<Value> wg = e->delinearize(
      hooks.workgroupId(b, loc, gpu::Dimension::x), workgroupShape);
  batchIdx = e->delinearize(wg[0], batchShape);
  i0 = mul(b, wg[1], e->index(BM));
  e0 = mul(b, wg[2], e->index(EB));

  // Keys from key_count on are hidden: the loop stops before their block.
  Value keyEnd = keyCounts(b);

  // Carried: this thread's tile of o, then its softmax row's m and l.
  Value zero = constant(b, 0.0);
  SmallVector<Value> init(rowsPerThread * columnsPerThread, zero);
  init.push_back(constant(b, -std::numeric_limits<double>::infinity()));
  init.push_back(zero);
  SmallVector<Value> last =
      loop(b, e->index(0), keyEnd, kKeyBlock, init,
           [&](Value kb0, ValueRange carried) {
             SmallVector<Value> s = scores(b, kb0, keyEnd);
             for (int64_t r = 0; r < rowsPerThread; ++r)
               for (int64_t c = 0; c < 4; ++c)
                 memref::StoreOp::create(
                     b, loc, s[r * 4 + c], sTile,
                     ValueRange{add(b, ty, e->index(kSide * r)),
                                add(b, tx, e->index(kSide * c))});
             hooks.barrier(b, loc);
             SmallVector<Value> ml =
                 softmax(b, carried[carried.size() - 2], carried.back());
             hooks.barrier(b, loc);
             SmallVector<Value> next =
                 values(b, kb0, keyEnd, carried.drop_back(2));
             next.append(ml);
             return next;
           });

  // 1 / l once per row, then every thread scales its tile of o.
  Value row = arith::DivUIOp::create(b, loc, tid, e->index(lanesPerRow));
  Value firstLane = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(b, loc, tid, e->index(lanesPerRow)), e->index(0));
  auto writeInverse = scf::IfOp::create(b, loc, firstLane, false);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&writeInverse.getThenRegion().front());
    memref::StoreOp::create(
        b, loc, arith::DivFOp::create(b, loc, constant(b, 1.0), last.back()),
        inverseTile, ValueRange{row});
  }
  hooks.barrier(b, loc);

  Value out = kernel.outputMemref(func);
  Type element = op.getResult().getType().getElementType();
  for (int64_t r = 0; r < rowsPerThread; ++r) {
    Value localRow = add(b, ty, e->index(kSide * r));
    Value i = add(b, i0, localRow);
    Value inverse =
        memref::LoadOp::create(b, loc, inverseTile, ValueRange{localRow});
    for (int64_t c = 0; c < columnsPerThread; ++c) {
      Value column = add(b, e0, add(b, tx, e->index(kSide * c)));
      auto write = scf::IfOp::create(
          b, loc,
          both(b, less(b, i, e->index(M)), less(b, column, e->index(E))),
          false);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&write.getThenRegion().front());
      Value result =
          convertScalar(b, loc,
                        arith::MulFOp::create(
                            b, loc, last[r * columnsPerThread + c], inverse),
                        element);
      SmallVector<Value> idx(batchIdx);
      idx.push_back(i);
      idx.push_back(column);
      memref::StoreOp::create(b, loc, result, out,
                              attentionResultIndex(op, idx));
    }
  }
  return e->status();
}

/// The end of the key loop, with rowCounts set: N, the key count, or with
/// a count per query the block's largest (the counts staged in workgroup
/// memory by the first BM threads; rows past M repeat row M - 1's).
Value AttentionGenerator::keyCounts(OpBuilder &b) {
  Value count = op.getKeyCount();
  auto clamped = [&](OpBuilder &nb, ValueRange queryIdx) -> Value {
    Value c = arith::IndexCastOp::create(nb, loc, nb.getIndexType(),
                                         e->emit(count, queryIdx));
    return arith::MinSIOp::create(
        nb, loc, arith::MaxSIOp::create(nb, loc, c, e->index(0)), e->index(N));
  };
  if (!count) {
    rowCounts.assign(rowsPerThread, e->index(N));
    return e->index(N);
  }
  if (!perQueryCounts()) {
    Value end = clamped(b, {});
    rowCounts.assign(rowsPerThread, end);
    return end;
  }
  auto stage = scf::IfOp::create(b, loc, less(b, tid, e->index(BM)), false);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&stage.getThenRegion().front());
    e->pushScope();
    SmallVector<Value> idx(batchIdx);
    idx.push_back(
        arith::MinSIOp::create(b, loc, add(b, i0, tid), e->index(M - 1)));
    memref::StoreOp::create(
        b, loc,
        arith::IndexCastOp::create(b, loc, b.getI32Type(), clamped(b, idx)),
        countTile, ValueRange{tid});
    e->popScope();
  }
  hooks.barrier(b, loc);
  auto countAt = [&](Value row) -> Value {
    return arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        memref::LoadOp::create(b, loc, countTile, ValueRange{row}));
  };
  rowCounts.clear();
  for (int64_t r = 0; r < rowsPerThread; ++r)
    rowCounts.push_back(countAt(add(b, ty, e->index(kSide * r))));
  return loop(b, e->index(0), e->index(BM), 1, {e->index(0)},
              [&](Value i, ValueRange end) -> SmallVector<Value> {
                return {arith::MaxSIOp::create(b, loc, end[0], countAt(i))};
              })[0];
}

SmallVector<Value> AttentionGenerator::scores(OpBuilder &b, Value kb0,
                                              Value keyEnd) {
  Value zero = constant(b, 0.0);
  Value scale = constant(b, op.getScale().convertToDouble());
  SmallVector<Value> init(rowsPerThread * 4, zero);
  SmallVector<Value> s = loop(
      b, e->index(0), e->index(D), kDepthChunk, init,
      [&](Value d0, ValueRange carried) {
        // The previous chunk's (or block's) readers are done with the tiles.
        hooks.barrier(b, loc);
        // Consecutive lanes walk the head dimension, contiguous in q and k;
        // rows past M or the key count and columns past D stage zeros.
        for (int64_t t = 0; t < BM * kDepthChunk / kThreads; ++t) {
          Value flat = add(b, tid, e->index(t * kThreads));
          Value localRow =
              arith::DivUIOp::create(b, loc, flat, e->index(kDepthChunk));
          Value dd =
              arith::RemUIOp::create(b, loc, flat, e->index(kDepthChunk));
          Value i = add(b, i0, localRow), d = add(b, d0, dd);
          Value q = elementIf(
              b, both(b, less(b, i, e->index(M)), less(b, d, e->index(D))),
              op.getQuery(), i, d, zero, [&](OpBuilder &nb, Value v) {
                return arith::MulFOp::create(nb, loc, v, scale).getResult();
              });
          memref::StoreOp::create(b, loc, q, qTile, ValueRange{dd, localRow});
        }
        for (int64_t t = 0; t < kKeyBlock * kDepthChunk / kThreads; ++t) {
          Value flat = add(b, tid, e->index(t * kThreads));
          Value localKey =
              arith::DivUIOp::create(b, loc, flat, e->index(kDepthChunk));
          Value dd =
              arith::RemUIOp::create(b, loc, flat, e->index(kDepthChunk));
          Value j = add(b, kb0, localKey), d = add(b, d0, dd);
          Value k =
              elementIf(b, both(b, less(b, j, keyEnd), less(b, d, e->index(D))),
                        op.getKey(), j, d, zero);
          memref::StoreOp::create(b, loc, k, kTile, ValueRange{dd, localKey});
        }
        hooks.barrier(b, loc);
        return loop(b, e->index(0), e->index(kDepthChunk), 1, carried,
                    [&](Value dd, ValueRange acc) {
                      SmallVector<Value> qs, ks, next;
                      for (int64_t r = 0; r < rowsPerThread; ++r)
                        qs.push_back(memref::LoadOp::create(
                            b, loc, qTile,
                            ValueRange{dd, add(b, ty, e->index(kSide * r))}));
                      for (int64_t c = 0; c < 4; ++c)
                        ks.push_back(memref::LoadOp::create(
                            b, loc, kTile,
                            ValueRange{dd, add(b, tx, e->index(kSide * c))}));
                      for (int64_t r = 0; r < rowsPerThread; ++r)
                        for (int64_t c = 0; c < 4; ++c)
                          next.push_back(multiplyAdd(b, loc, acc[r * 4 + c],
                                                     qs[r], ks[c]));
                      return next;
                    });
      });

  // Keys past the count are -inf; the mask is added where it is defined
  // (it is rarely a plain tensor: causal masks are computed from indices,
  // which the emitter evaluates here). Rows past M read row M - 1's mask.
  Value minusInf = constant(b, -std::numeric_limits<double>::infinity());
  for (int64_t r = 0; r < rowsPerThread; ++r) {
    Value i = arith::MinSIOp::create(
        b, loc, add(b, i0, add(b, ty, e->index(kSide * r))), e->index(M - 1));
    for (int64_t c = 0; c < 4; ++c) {
      Value j = add(b, kb0, add(b, tx, e->index(kSide * c)));
      Value &score = s[r * 4 + c];
      Value shown = less(b, j, rowCounts[r]);
      // Hidden scores are -inf whatever they were: a select, as in the
      // unfused graph, so a hidden key's NaN does not reach the row.
      if (Value visible = op.getVisible())
        shown = elementIf(b, shown, visible, i, j, shown, nullptr,
                          /*asF32=*/false);
      if (Value mask = op.getMask())
        score = elementIf(
            b, shown, mask, i, j, minusInf, [&](OpBuilder &nb, Value m) {
              return arith::AddFOp::create(nb, loc, score, m).getResult();
            });
      else
        score = arith::SelectOp::create(b, loc, shown, score, minusInf);
    }
  }
  return s;
}

SmallVector<Value> AttentionGenerator::softmax(OpBuilder &b, Value m, Value l) {
  // Lanes [row * lanesPerRow, (row + 1) * lanesPerRow) share a query row,
  // each reading every lanesPerRow-th score: one subgroup holds whole rows,
  // so xor shuffles below lanesPerRow reduce exactly one row.
  Value row = arith::DivUIOp::create(b, loc, tid, e->index(lanesPerRow));
  Value part = arith::RemUIOp::create(b, loc, tid, e->index(lanesPerRow));
  int64_t perLane = kKeyBlock / lanesPerRow;
  auto scoreAt = [&](int64_t u) -> SmallVector<Value, 2> {
    return {row, add(b, part, e->index(u * lanesPerRow))};
  };
  auto reduceRow = [&](Value v, bool maximum) {
    for (int32_t mask = lanesPerRow / 2; mask > 0; mask /= 2) {
      Value other = hooks.shuffleXor(b, loc, v, mask);
      v = maximum ? greater(b, v, other)
                  : arith::AddFOp::create(b, loc, v, other).getResult();
    }
    return v;
  };
  Value minusInf = constant(b, -std::numeric_limits<double>::infinity());
  Value blockMax = minusInf;
  SmallVector<Value> scores;
  for (int64_t u = 0; u < perLane; ++u) {
    scores.push_back(memref::LoadOp::create(b, loc, sTile, scoreAt(u)));
    blockMax = greater(b, scores.back(), blockMax);
  }
  Value newMax = greater(b, reduceRow(blockMax, /*maximum=*/true), m);
  // While every key so far is masked (max -inf), subtract 0 so that exp
  // gives 0 rather than exp(-inf + inf) = NaN.
  Value allMasked = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                          newMax, minusInf);
  Value shift =
      arith::SelectOp::create(b, loc, allMasked, constant(b, 0.0), newMax);
  Value rescale =
      math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, m, shift));
  Value sum = constant(b, 0.0);
  for (int64_t u = 0; u < perLane; ++u) {
    Value p = math::ExpOp::create(
        b, loc, arith::SubFOp::create(b, loc, scores[u], shift));
    memref::StoreOp::create(b, loc, p, sTile, scoreAt(u));
    sum = arith::AddFOp::create(b, loc, sum, p);
  }
  Value newSum =
      arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, l, rescale),
                            reduceRow(sum, /*maximum=*/false));
  auto first =
      scf::IfOp::create(b, loc,
                        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              part, e->index(0)),
                        false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&first.getThenRegion().front());
  memref::StoreOp::create(b, loc, rescale, rescaleTile, ValueRange{row});
  return {newMax, newSum};
}

SmallVector<Value> AttentionGenerator::values(OpBuilder &b, Value kb0,
                                              Value keyEnd, ValueRange o) {
  SmallVector<Value> acc;
  for (int64_t r = 0; r < rowsPerThread; ++r) {
    Value rescale = memref::LoadOp::create(
        b, loc, rescaleTile, ValueRange{add(b, ty, e->index(kSide * r))});
    for (int64_t c = 0; c < columnsPerThread; ++c)
      acc.push_back(
          arith::MulFOp::create(b, loc, o[r * columnsPerThread + c], rescale));
  }
  Value zero = constant(b, 0.0);
  return loop(
      b, e->index(0), e->index(kKeyBlock), kValueChunk, acc,
      [&](Value j0, ValueRange carried) {
        // The previous chunk's readers are done with the v tile.
        hooks.barrier(b, loc);
        // Consecutive lanes walk the output columns, contiguous in v. Keys
        // past the count stage zeros: their P is 0, and 0 x a stale NaN
        // would not be.
        for (int64_t t = 0; t < kValueChunk * EB / kThreads; ++t) {
          Value flat = add(b, tid, e->index(t * kThreads));
          Value localKey = arith::DivUIOp::create(b, loc, flat, e->index(EB));
          Value column = arith::RemUIOp::create(b, loc, flat, e->index(EB));
          Value j = add(b, kb0, add(b, j0, localKey));
          Value col = add(b, e0, column);
          Value v = elementIf(
              b, both(b, less(b, j, keyEnd), less(b, col, e->index(E))),
              op.getValue(), j, col, zero);
          memref::StoreOp::create(b, loc, v, vTile,
                                  ValueRange{localKey, column});
        }
        hooks.barrier(b, loc);
        return loop(
            b, e->index(0), e->index(kValueChunk), 1, carried,
            [&](Value jj, ValueRange accs) {
              SmallVector<Value> ps, vs, next;
              for (int64_t r = 0; r < rowsPerThread; ++r)
                ps.push_back(memref::LoadOp::create(
                    b, loc, sTile,
                    ValueRange{add(b, ty, e->index(kSide * r)),
                               add(b, j0, jj)}));
              for (int64_t c = 0; c < columnsPerThread; ++c)
                vs.push_back(memref::LoadOp::create(
                    b, loc, vTile,
                    ValueRange{jj, add(b, tx, e->index(kSide * c))}));
              for (int64_t r = 0; r < rowsPerThread; ++r)
                for (int64_t c = 0; c < columnsPerThread; ++c)
                  next.push_back(multiplyAdd(
                      b, loc, accs[r * columnsPerThread + c], ps[r], vs[c]));
              return next;
            });
      });
}

} // namespace

LogicalResult tgc::generateGpuAttentionKernel(GpuKernelBuilder &kernel) {
  auto op = kernel.root.getDefiningOp<AttentionOp>();
  if (!op)
    return kernel.func.emitError("attention kernel without a tgc.attention");
  if (!op.getQuery().getType().getElementType().isF32())
    return kernel.func.emitError(
        "the GPU attention strategy computes f32 attention only");
  return AttentionGenerator(kernel, op).generate();
}
