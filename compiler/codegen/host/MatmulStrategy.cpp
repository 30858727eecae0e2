//===- MatmulStrategy.cpp - host matmul kernels ---------------------------===//
//
// The classic structure of a fast CPU matmul (Goto's), in MLIR's vector
// dialect so that one strategy serves AVX2, AVX-512 and NEON:
//
//   workgroup = one MC x NC block of C (a 2-D split, so every shape keeps
//               every thread busy), over all of K in KC-deep slices;
//   per slice: pack A's MC x KC block into MR-row panels and B's KC x NC
//               block into NR-column panels (in the workspace, converted to
//               the accumulator type, zero-padded at the edges), then run
//               the micro-kernel on every MR x NR tile;
//   micro-kernel: MR x NR accumulators in vector registers (MR rows of
//               NR / lanes vectors), one multiply-add per row and vector for
//               each k: B's row of the panel is loaded once, A's values are
//               broadcast;
//   after the last slice: the epilogue (bias, activation, residual, cast)
//               on the tile in L1, written to the output once.
//
// MR and NR follow the target's registers: NR is two vectors, and MR x 2
// accumulators plus the B vectors fill 32 registers (MR = 12) or 16 (MR = 6).
// Packing reads each operand in the order it is contiguous in memory, so
// both layouts (transpose_a / transpose_b, PyTorch's [out, in] weights)
// pack with vector loads; a B that is contiguous along k is transposed in
// registers, lanes x lanes at a time. Operands that are not plain bindings
// (a cast f16 input, an inlined scale) are packed element by element through
// the kernel emitter, which LLVM vectorizes where it can.
//
// The accumulators of an unfinished tile live in a C buffer between slices
// when K is deeper than one slice.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/host/HostKernelBuilder.h"
#include "compiler/transforms/ScalarOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace tgc;

namespace {

/// Depth of a K slice: a B panel (KC x NR) stays in L1 while the A panels
/// stream through it.
constexpr int64_t kSliceDepth = 256;
/// Largest blocks of C per workgroup: the packed A and B blocks (256 KiB
/// each) stay in L2 (1 MiB and more per core on current x86 and Arm cores)
/// next to the C buffer. 256 rows keep the MLP's and attention's M in one
/// block, so B is packed once per block of C columns.
constexpr int64_t kMaxBlockRows = 256, kMaxBlockColumns = 256;
/// Below this many workgroups, blocks are split further so threads share
/// the work (when the blocks stay a few tiles wide).
constexpr int64_t kMinWorkgroups = 8;

int64_t roundUp(int64_t v, int64_t multiple) {
  return llvm::divideCeilSigned(v, multiple) * multiple;
}

/// Block sizes of the C split: `blocks` near-equal blocks of whole tiles.
int64_t blockSize(int64_t extent, int64_t blocks, int64_t tile) {
  return roundUp(llvm::divideCeilSigned(extent, blocks), tile);
}

/// How an operand of the contraction sits in memory, when it is a kernel
/// argument (or a reshape of one: a view of the same bytes) read at a
/// projection of the loops: the argument, the reshapes from it to the
/// operand, and which operand dimension walks each loop.
struct DirectOperand {
  BlockArgument argument;
  /// Reshapes from the argument to the operand, innermost first.
  SmallVector<Operation *> reshapes;
  /// Operand dimension of each loop (-1 when the loop does not index it).
  SmallVector<int64_t> dimOfLoop;
  bool contiguousIn(unsigned loop, int64_t rank) const {
    return dimOfLoop[loop] == rank - 1;
  }
  Type elementType() const { return getElementTypeOrSelf(argument.getType()); }
  /// The bound memref, reshaped like the operand (views, no copies).
  Value memref(OpBuilder &b, Location loc, KernelEmitter &e) const {
    Value v = e.memref(argument.getArgNumber());
    for (Operation *op : reshapes) {
      if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
        v = memref::CollapseShapeOp::create(b, loc, v,
                                            collapse.getReassociationIndices());
      else
        v = memref::ExpandShapeOp::create(
            b, loc, memrefFor(op->getResult(0).getType()).getShape(), v,
            cast<tensor::ExpandShapeOp>(op).getReassociationIndices());
    }
    return v;
  }
};

std::optional<DirectOperand> directOperand(OpOperand *operand, AffineMap map,
                                           unsigned numLoops) {
  DirectOperand direct{BlockArgument(), {}, SmallVector<int64_t>(numLoops, -1)};
  Value v = operand->get();
  while (isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
      v.getDefiningOp())) {
    direct.reshapes.insert(direct.reshapes.begin(), v.getDefiningOp());
    v = v.getDefiningOp()->getOperand(0);
  }
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || !isa<func::FuncOp>(arg.getOwner()->getParentOp()))
    return std::nullopt;
  direct.argument = arg;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (auto d = dyn_cast<AffineDimExpr>(expr))
      direct.dimOfLoop[d.getPosition()] = i;
    else if (!isa<AffineConstantExpr>(expr))
      return std::nullopt;
  }
  return direct;
}

class MatmulGenerator : HostLoopBuilder {
public:
  MatmulGenerator(HostKernelBuilder &kernel, const MatmulLoops &loops)
      : HostLoopBuilder(kernel.func.getLoc()), kernel(kernel), loops(loops),
        acc(loops.accumulator), lanes(kernel.vectors.lanes()), NR(2 * lanes),
        MR(kernel.vectors.registers >= 32 ? 12 : 6) {
    int64_t batch = computeProduct(loops.batchShape);
    int64_t mBlocks = llvm::divideCeilSigned(loops.M, kMaxBlockRows);
    int64_t nBlocks = llvm::divideCeilSigned(loops.N, kMaxBlockColumns);
    auto sizes = [&] {
      MC = blockSize(loops.M, mBlocks, MR);
      NC = blockSize(loops.N, nBlocks, NR);
    };
    sizes();
    while (batch * mBlocks * nBlocks < kMinWorkgroups) {
      if (NC >= 4 * NR)
        nBlocks *= 2;
      else if (MC >= 4 * MR)
        mBlocks *= 2;
      else
        break;
      sizes();
    }
    // Blocks of whole tiles may cover the extent in fewer blocks than asked.
    mBlocks = llvm::divideCeilSigned(loops.M, MC);
    nBlocks = llvm::divideCeilSigned(loops.N, NC);
    KC = std::min(kSliceDepth, loops.K);
    slices = llvm::divideCeilSigned(loops.K, KC);
    workgroups = batch * mBlocks * nBlocks;
    gridShape = {batch, mBlocks, nBlocks};
    // Workspace (in accumulator elements): the packed blocks, the C buffer
    // between slices, one tile for the epilogue.
    aOffset = 0;
    bOffset = aOffset + MC * KC;
    cOffset = bOffset + KC * NC;
    tileOffset = cOffset + (slices > 1 ? MC * NC : 0);
    workspaceElements = tileOffset + MR * NR;
  }

  LogicalResult generate() {
    unsigned bytes = acc.getIntOrFloatBitWidth() / 8;
    return kernel.createFunc(
        workgroups,
        [&](OpBuilder &b, KernelEmitter &e, Value wg, Value out) {
          body(b, e, wg, out);
        },
        [&](OpBuilder &b, KernelEmitter &) {
          space = kernel.typedWorkspace(b, acc, workspaceElements);
        },
        workspaceElements * bytes);
  }

private:
  bool isFloat() const { return isa<FloatType>(acc); }
  VectorType vectorType() const { return VectorType::get({lanes}, acc); }

  /// The loop indices of an operand element: the batch, m (or n) and k.
  SmallVector<Value> loopIndices(KernelEmitter &e, Value mn, unsigned mnDim,
                                 Value k) {
    SmallVector<Value> idx(batchIdx);
    idx.resize(loops.numBatch + 3, e.index(0));
    idx[mnDim] = mn;
    idx[loops.kDim] = k;
    return idx;
  }

  /// Operand element (m or n, k) in the accumulator type; `mn` must be in
  /// bounds.
  Value element(OpBuilder &b, KernelEmitter &e, OpOperand *operand,
                AffineMap map, Value mn, unsigned mnDim, Value k) {
    return convertScalar(
        b, loc,
        e.emit(operand->get(), e.applyMap(map, loopIndices(e, mn, mnDim, k))),
        acc);
  }

  void body(OpBuilder &b, KernelEmitter &e, Value wg, Value out);
  void packA(OpBuilder &b, KernelEmitter &e, Value m0, Value mLen, Value k0,
             Value kLen);
  void packB(OpBuilder &b, KernelEmitter &e, Value n0, Value nLen, Value k0,
             Value kLen);
  void packBTransposed(OpBuilder &b, KernelEmitter &e, const DirectOperand &d,
                       Value n0, Value nLen, Value k0, Value kLen);
  void microKernel(OpBuilder &b, KernelEmitter &e, Value p, Value q, Value m0,
                   Value n0, Value k0, Value slice, Value kLen, Value out);
  void epilogue(OpBuilder &b, KernelEmitter &e, ArrayRef<Value> accumulators,
                Value m, Value n, Value out);

  HostKernelBuilder &kernel;
  const MatmulLoops &loops;
  Type acc;
  int64_t lanes, NR, MR;
  int64_t MC = 0, NC = 0, KC = 0, slices = 0, workgroups = 0;
  SmallVector<int64_t> gridShape;
  int64_t aOffset = 0, bOffset = 0, cOffset = 0, tileOffset = 0;
  int64_t workspaceElements = 0;
  /// A packed as [MR rows][KC] per panel (k contiguous) or [KC][MR rows]
  /// (m contiguous): element (i, k) of a panel is at i * aRowStride +
  /// k * aDepthStride.
  int64_t aRowStride = 0, aDepthStride = 0;
  Value space;
  SmallVector<Value> batchIdx;
  /// A is read in place (not packed) from `aSource`.
  bool aInPlace = false;
  Value aSource;
};

void MatmulGenerator::body(OpBuilder &b, KernelEmitter &e, Value wg,
                           Value out) {
  SmallVector<Value> decoded = e.delinearize(wg, gridShape);
  batchIdx = e.delinearize(decoded[0], loops.batchShape);
  Value m0 = mul(b, decoded[1], e.index(MC));
  Value n0 = mul(b, decoded[2], e.index(NC));
  Value mLen =
      min(b, e.index(MC), arith::SubIOp::create(b, loc, e.index(loops.M), m0));
  Value nLen =
      min(b, e.index(NC), arith::SubIOp::create(b, loc, e.index(loops.N), n0));

  // A contiguous along m (transpose_a) packs k-major.
  unsigned numLoops = loops.numBatch + 3;
  std::optional<DirectOperand> directA =
      directOperand(loops.lhs, loops.lhsMap, numLoops);
  unsigned lhsRank = loops.lhsMap.getNumResults();
  bool aKMajor = directA && directA->contiguousIn(loops.mDim, lhsRank);
  aRowStride = aKMajor ? 1 : KC;
  aDepthStride = aKMajor ? MR : 1;
  // A plain row-major A of the accumulator type is read where it is: the
  // micro-kernel broadcasts MR of its rows, which the prefetchers stream as
  // well as a packed panel, and packing it again for every block of C
  // columns cost a fifth of the MLP's time.
  aInPlace = directA && directA->contiguousIn(loops.kDim, lhsRank) &&
             directA->elementType() == acc;
  if (aInPlace)
    aSource = directA->memref(b, loc, e);

  loop(b, e, e.index(0), e.index(loops.K), KC, [&](Value k0) {
    Value slice = arith::DivSIOp::create(b, loc, k0, e.index(KC));
    Value kLen = min(b, e.index(KC),
                     arith::SubIOp::create(b, loc, e.index(loops.K), k0));
    packB(b, e, n0, nLen, k0, kLen);
    if (!aInPlace)
      packA(b, e, m0, mLen, k0, kLen);
    Value panelsN = arith::CeilDivSIOp::create(b, loc, nLen, e.index(NR));
    Value panelsM = arith::CeilDivSIOp::create(b, loc, mLen, e.index(MR));
    loop(b, e, e.index(0), panelsN, 1, [&](Value q) {
      loop(b, e, e.index(0), panelsM, 1, [&](Value p) {
        microKernel(b, e, p, q, m0, n0, k0, slice, kLen, out);
      });
    });
  });
}

void MatmulGenerator::packA(OpBuilder &b, KernelEmitter &e, Value m0,
                            Value mLen, Value k0, Value kLen) {
  // Rows past the block read the last valid row, then become zeros, so the
  // loops stay branch-free (vectorizable).
  Value panels = arith::CeilDivSIOp::create(b, loc, mLen, e.index(MR));
  Value lastRow = arith::SubIOp::create(b, loc, mLen, e.index(1));
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(acc));
  auto store = [&](Value p, Value i, Value k) {
    Value row = add(b, mul(b, p, e.index(MR)), i);
    Value m = add(b, m0, min(b, row, lastRow));
    Value v =
        element(b, e, loops.lhs, loops.lhsMap, m, loops.mDim, add(b, k0, k));
    v = arith::SelectOp::create(b, loc, less(b, row, mLen), v, zero);
    Value at = add(b, e.index(aOffset),
                   add(b, mul(b, p, e.index(MR * KC)),
                       add(b, mul(b, i, e.index(aRowStride)),
                           mul(b, k, e.index(aDepthStride)))));
    memref::StoreOp::create(b, loc, v, space, at);
  };
  loop(b, e, e.index(0), panels, 1, [&](Value p) {
    // The innermost loop walks the operand's contiguous dimension.
    if (aDepthStride == 1) {
      loop(b, e, e.index(0), e.index(MR), 1, [&](Value i) {
        loop(b, e, e.index(0), kLen, 1, [&](Value k) { store(p, i, k); });
      });
    } else {
      loop(b, e, e.index(0), kLen, 1, [&](Value k) {
        loop(b, e, e.index(0), e.index(MR), 1,
             [&](Value i) { store(p, i, k); });
      });
    }
  });
}

void MatmulGenerator::packB(OpBuilder &b, KernelEmitter &e, Value n0,
                            Value nLen, Value k0, Value kLen) {
  unsigned numLoops = loops.numBatch + 3;
  std::optional<DirectOperand> direct =
      directOperand(loops.rhs, loops.rhsMap, numLoops);
  unsigned rank = loops.rhsMap.getNumResults();
  if (direct && direct->contiguousIn(loops.kDim, rank) &&
      direct->elementType() == acc) {
    packBTransposed(b, e, *direct, n0, nLen, k0, kLen);
    return;
  }
  Value panels = arith::CeilDivSIOp::create(b, loc, nLen, e.index(NR));
  Value lastColumn = arith::SubIOp::create(b, loc, nLen, e.index(1));
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(acc));
  loop(b, e, e.index(0), panels, 1, [&](Value q) {
    loop(b, e, e.index(0), kLen, 1, [&](Value k) {
      loop(b, e, e.index(0), e.index(NR), 1, [&](Value j) {
        Value column = add(b, mul(b, q, e.index(NR)), j);
        Value n = add(b, n0, min(b, column, lastColumn));
        Value v = this->element(b, e, loops.rhs, loops.rhsMap, n, loops.nDim,
                                add(b, k0, k));
        v = arith::SelectOp::create(b, loc, less(b, column, nLen), v, zero);
        Value at = add(b, e.index(bOffset),
                       add(b, mul(b, q, e.index(KC * NR)),
                           add(b, mul(b, k, e.index(NR)), j)));
        memref::StoreOp::create(b, loc, v, space, at);
      });
    });
  });
}

/// B contiguous along k (a [N, K] weight): `lanes` rows of `lanes` k-values
/// are loaded as vectors and transposed in registers, so the panel's rows
/// (along n) are written as vectors. Edges go element by element.
void MatmulGenerator::packBTransposed(OpBuilder &b, KernelEmitter &e,
                                      const DirectOperand &d, Value n0,
                                      Value nLen, Value k0, Value kLen) {
  Value source = d.memref(b, loc, e);
  VectorType vector = vectorType();
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(acc));
  Value zeroVector = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vector, b.getZeroAttr(acc)));
  // Indices into the source for loop indices (n, k).
  auto sourceIndices = [&](Value n, Value k) {
    SmallVector<Value> loopIdx = loopIndices(e, n, loops.nDim, k);
    return e.applyMap(loops.rhsMap, loopIdx);
  };
  Value panels = arith::CeilDivSIOp::create(b, loc, nLen, e.index(NR));
  Value kFull = arith::MulIOp::create(
      b, loc, arith::DivSIOp::create(b, loc, kLen, e.index(lanes)),
      e.index(lanes));
  loop(b, e, e.index(0), panels, 1, [&](Value q) {
    // Whole lanes x lanes blocks along k, each group of `lanes` columns.
    loop(b, e, e.index(0), kFull, lanes, [&](Value k) {
      for (int64_t g = 0; g < NR / lanes; ++g) {
        SmallVector<Value> rows;
        for (int64_t r = 0; r < lanes; ++r) {
          Value column = add(b, mul(b, q, e.index(NR)), e.index(g * lanes + r));
          Value inside = less(b, column, nLen);
          Value n = add(
              b, n0,
              min(b, column, arith::SubIOp::create(b, loc, nLen, e.index(1))));
          Value loaded = vector::LoadOp::create(
              b, loc, vector, source, sourceIndices(n, add(b, k0, k)));
          rows.push_back(
              arith::SelectOp::create(b, loc, inside, loaded, zeroVector));
        }
        // In-register transpose: for each bit of the lane index, swap the
        // off-diagonal halves of every 2x2 block of sub-blocks.
        for (int64_t bit = 1; bit < lanes; bit *= 2) {
          for (int64_t r = 0; r < lanes; ++r) {
            if (r & bit)
              continue;
            SmallVector<int64_t> low, high;
            for (int64_t j = 0; j < lanes; ++j) {
              low.push_back(j & bit ? lanes + j - bit : j);
              high.push_back(j & bit ? lanes + j : j + bit);
            }
            Value x = rows[r], y = rows[r + bit];
            rows[r] = vector::ShuffleOp::create(b, loc, x, y, low);
            rows[r + bit] = vector::ShuffleOp::create(b, loc, x, y, high);
          }
        }
        for (int64_t c = 0; c < lanes; ++c) {
          Value at = add(b, e.index(bOffset),
                         add(b, mul(b, q, e.index(KC * NR)),
                             add(b, mul(b, add(b, k, e.index(c)), e.index(NR)),
                                 e.index(g * lanes))));
          vector::StoreOp::create(b, loc, rows[c], space, at);
        }
      }
    });
    // The k tail, element by element.
    loop(b, e, kFull, kLen, 1, [&](Value k) {
      loop(b, e, e.index(0), e.index(NR), 1, [&](Value j) {
        Value column = add(b, mul(b, q, e.index(NR)), j);
        Value n = add(
            b, n0,
            min(b, column, arith::SubIOp::create(b, loc, nLen, e.index(1))));
        Value v = memref::LoadOp::create(b, loc, source,
                                         sourceIndices(n, add(b, k0, k)));
        v = arith::SelectOp::create(b, loc, less(b, column, nLen), v, zero);
        Value at = add(b, e.index(bOffset),
                       add(b, mul(b, q, e.index(KC * NR)),
                           add(b, mul(b, k, e.index(NR)), j)));
        memref::StoreOp::create(b, loc, v, space, at);
      });
    });
  });
}

void MatmulGenerator::microKernel(OpBuilder &b, KernelEmitter &e, Value p,
                                  Value q, Value m0, Value n0, Value k0,
                                  Value slice, Value kLen, Value out) {
  VectorType vector = vectorType();
  int64_t vectors = NR / lanes;
  int64_t count = MR * vectors;
  Value aPanel = add(b, e.index(aOffset), mul(b, p, e.index(MR * KC)));
  Value bPanel = add(b, e.index(bOffset), mul(b, q, e.index(KC * NR)));
  // The tile's slot in the C buffer between slices.
  Value panelsM = e.index(MC / MR);
  Value cTile = add(b, e.index(cOffset),
                    mul(b, add(b, mul(b, q, panelsM), p), e.index(MR * NR)));
  Value zeroVector = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vector, b.getZeroAttr(acc)));

  // Accumulators: zero in the first slice, else from the C buffer.
  SmallVector<Value> init(count, zeroVector);
  if (slices > 1) {
    Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, slice,
                                        e.index(0));
    auto start = scf::IfOp::create(b, loc, SmallVector<Type>(count, vector),
                                   first, /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&start.getThenRegion().front());
      scf::YieldOp::create(b, loc, SmallVector<Value>(count, zeroVector));
      b.setInsertionPointToStart(&start.getElseRegion().front());
      SmallVector<Value> loaded;
      for (int64_t t = 0; t < count; ++t)
        loaded.push_back(vector::LoadOp::create(
            b, loc, vector, space, add(b, cTile, e.index(t * lanes))));
      scf::YieldOp::create(b, loc, loaded);
    }
    init.assign(start.getResults().begin(), start.getResults().end());
  }

  // Rows of an in-place A; rows past M repeat the last one (their results
  // are not written).
  SmallVector<Value> aRows;
  if (aInPlace)
    for (int64_t i = 0; i < MR; ++i)
      aRows.push_back(
          min(b, add(b, m0, add(b, mul(b, p, e.index(MR)), e.index(i))),
              e.index(loops.M - 1)));
  auto kLoop = scf::ForOp::create(b, loc, e.index(0), kLen, e.index(1), init);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k = kLoop.getInductionVar();
    Value bRow = add(b, bPanel, mul(b, k, e.index(NR)));
    SmallVector<Value> bs;
    for (int64_t v = 0; v < vectors; ++v)
      bs.push_back(vector::LoadOp::create(b, loc, vector, space,
                                          add(b, bRow, e.index(v * lanes))));
    Value aColumn = add(b, aPanel, mul(b, k, e.index(aDepthStride)));
    SmallVector<Value> next;
    for (int64_t i = 0; i < MR; ++i) {
      Value a = aInPlace ? memref::LoadOp::create(
                               b, loc, aSource,
                               e.applyMap(loops.lhsMap,
                                          loopIndices(e, aRows[i], loops.mDim,
                                                      add(b, k0, k))))
                         : memref::LoadOp::create(
                               b, loc, space,
                               add(b, aColumn, e.index(i * aRowStride)));
      Value broadcast = vector::BroadcastOp::create(b, loc, vector, a);
      for (int64_t v = 0; v < vectors; ++v)
        next.push_back(multiplyAdd(b, loc,
                                   kLoop.getRegionIterArgs()[i * vectors + v],
                                   broadcast, bs[v]));
    }
    scf::YieldOp::create(b, loc, next);
  }
  SmallVector<Value> accumulators(kLoop.getResults().begin(),
                                  kLoop.getResults().end());

  Value m = add(b, m0, mul(b, p, e.index(MR)));
  Value n = add(b, n0, mul(b, q, e.index(NR)));
  if (slices == 1) {
    epilogue(b, e, accumulators, m, n, out);
    return;
  }
  Value last = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, slice,
                                     e.index(slices - 1));
  auto finish = scf::IfOp::create(b, loc, last, /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&finish.getThenRegion().front());
    e.pushScope();
    epilogue(b, e, accumulators, m, n, out);
    e.popScope();
    b.setInsertionPointToStart(&finish.getElseRegion().front());
    for (int64_t t = 0; t < count; ++t)
      vector::StoreOp::create(b, loc, accumulators[t], space,
                              add(b, cTile, e.index(t * lanes)));
  }
}

void MatmulGenerator::epilogue(OpBuilder &b, KernelEmitter &e,
                               ArrayRef<Value> accumulators, Value m, Value n,
                               Value out) {
  // The tile goes through L1 once: the epilogue then runs as plain loops over
  // its valid part, which LLVM vectorizes along n.
  int64_t vectors = NR / lanes;
  for (int64_t i = 0; i < MR; ++i)
    for (int64_t v = 0; v < vectors; ++v)
      vector::StoreOp::create(b, loc, accumulators[i * vectors + v], space,
                              e.index(tileOffset + i * NR + v * lanes));
  Value mEnd = min(b, add(b, m, e.index(MR)), e.index(loops.M));
  Value nEnd = min(b, add(b, n, e.index(NR)), e.index(loops.N));
  loop(b, e, m, mEnd, 1, [&](Value row) {
    loop(b, e, n, nEnd, 1, [&](Value column) {
      SmallVector<Value> idx(batchIdx);
      idx.push_back(row);
      idx.push_back(column);
      Value at =
          add(b, e.index(tileOffset),
              add(b, mul(b, arith::SubIOp::create(b, loc, row, m), e.index(NR)),
                  arith::SubIOp::create(b, loc, column, n)));
      e.define(linalg::GenericOp(loops.op).getResult(0), idx,
               memref::LoadOp::create(b, loc, space, at));
      memref::StoreOp::create(b, loc, e.emit(kernel.root, idx), out, idx);
    });
  });
}

} // namespace

LogicalResult tgc::generateHostMatmulKernel(HostKernelBuilder &kernel,
                                            const MatmulLoops &loops) {
  return MatmulGenerator(kernel, loops).generate();
}
