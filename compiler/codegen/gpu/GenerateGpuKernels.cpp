//===- GenerateGpuKernels.cpp - kernel functions to gpu.func --------------===//
//
// One gpu.func per outlined kernel, in `gpu.module @tgc_gpu_kernels`, with
// one memref argument per binding (kernel inputs, then the output). The
// launch shape is recorded on the kernel function as `tgc.gpu_grid` and
// `tgc.gpu_block`. Strategies:
//   elementwise: one thread per 4 contiguous elements (vector loads and
//                stores) when the innermost dimension allows, else 1;
//   row:         one block per row; each reduction is a block-strided loop,
//                a warp-shuffle butterfly and a shared-memory step across
//                warps; its value is then reused by the rest of the row;
//   matmul:      128x128 (8x8 per thread) or, for small matrices, 64x64
//                (4x4) output tiles per block of 256 threads, A and B
//                staged through shared memory, epilogue in registers;
//   generic:     one thread per output element with serial reductions.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/codegen/KernelEmitter.h"
#include "compiler/transforms/ScalarOps.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace tgc {
#define GEN_PASS_DEF_TGCGENERATEGPUKERNELS
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;

namespace {

constexpr int64_t kElementwiseBlock = 256;
constexpr int64_t kWarp = 32;
constexpr int64_t kMatmulThreads = 256;

/// Output tile of a matmul block (tileM x tileN, tileK deep per stage) and
/// the micro-tile of one thread (micro x micro); 256 threads either way.
struct MatmulTiling {
  int64_t tileM, tileN, tileK, micro;
};
/// Large matrices: 128x128 tiles with 8x8 per thread double the work per
/// shared-memory load. Small ones: 64x64 tiles waste fewer threads.
constexpr MatmulTiling kLargeTiling{128, 128, 8, 8};
constexpr MatmulTiling kSmallTiling{64, 64, 16, 4};

MemRefType memrefFor(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get(t.getShape(), t.getElementType());
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Value combineValues(OpBuilder &b, Location loc, CombineKind kind, Value x,
                    Value y) {
  switch (kind) {
  case CombineKind::AddF:
    return arith::AddFOp::create(b, loc, x, y);
  case CombineKind::MulF:
    return arith::MulFOp::create(b, loc, x, y);
  case CombineKind::MaxF:
    return arith::MaximumFOp::create(b, loc, x, y);
  case CombineKind::MinF:
    return arith::MinimumFOp::create(b, loc, x, y);
  case CombineKind::AddI:
    return arith::AddIOp::create(b, loc, x, y);
  case CombineKind::MulI:
    return arith::MulIOp::create(b, loc, x, y);
  case CombineKind::MaxSI:
    return arith::MaxSIOp::create(b, loc, x, y);
  case CombineKind::MinSI:
    return arith::MinSIOp::create(b, loc, x, y);
  }
  llvm_unreachable("bad combine kind");
}

/// gpu.shuffle works on 32-bit values; narrower integers are widened.
Value shuffleXor(OpBuilder &b, Location loc, Value v, int32_t offset) {
  Type type = v.getType();
  bool widen = type.isInteger() && type.getIntOrFloatBitWidth() < 32;
  Value x = widen ? arith::ExtSIOp::create(b, loc, b.getI32Type(), v) : v;
  Value r =
      gpu::ShuffleOp::create(b, loc, x, offset, kWarp, gpu::ShuffleMode::XOR)
          .getShuffleResult();
  return widen ? arith::TruncIOp::create(b, loc, type, r) : r;
}

Value warpAllReduce(OpBuilder &b, Location loc, CombineKind kind, Value v) {
  for (int32_t offset = kWarp / 2; offset > 0; offset /= 2)
    v = combineValues(b, loc, kind, v, shuffleXor(b, loc, v, offset));
  return v;
}

class GpuKernelBuilder {
public:
  GpuKernelBuilder(func::FuncOp kernel, gpu::GPUModuleOp module)
      : kernel(kernel), module(module), ctx(kernel.getContext()) {}

  LogicalResult build() {
    KernelKind kind = *getKernelKind(kernel);
    auto ret = cast<func::ReturnOp>(kernel.getBody().front().getTerminator());
    root = ret.getOperand(0);
    outType = cast<RankedTensorType>(root.getType());

    if (kind == KernelKind::row)
      return buildRow();
    if (kind == KernelKind::matmul)
      if (succeeded(buildMatmul()))
        return success();
    return buildElementwise(/*allowVector=*/kind == KernelKind::elementwise);
  }

private:
  /// Creates the gpu.func with memref arguments and the given workgroup
  /// buffers; `body` fills it.
  void createFunc(int64_t grid[3], int64_t block[3],
                  ArrayRef<Type> workgroupBuffers,
                  function_ref<void(OpBuilder &, gpu::GPUFuncOp)> body) {
    SmallVector<Type> args;
    for (Type t : kernel.getArgumentTypes())
      args.push_back(memrefFor(t));
    args.push_back(memrefFor(outType));
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto func = gpu::GPUFuncOp::create(b, kernel.getLoc(), kernel.getSymName(),
                                       FunctionType::get(ctx, args, {}),
                                       workgroupBuffers);
    func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
    func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
        {int32_t(block[0]), int32_t(block[1]), int32_t(block[2])}));
    b.setInsertionPointToStart(&func.getBody().front());
    body(b, func);
    gpu::ReturnOp::create(b, kernel.getLoc());
    OpBuilder kb(kernel);
    auto *tgc = ctx->getLoadedDialect<TgcDialect>();
    tgc->getGpuGridAttrHelper().setAttr(
        kernel, kb.getDenseI64ArrayAttr({grid[0], grid[1], grid[2]}));
    tgc->getGpuBlockAttrHelper().setAttr(
        kernel, kb.getDenseI64ArrayAttr({block[0], block[1], block[2]}));
  }

  // The entry block also holds the workgroup attributions after the
  // function arguments: count from the function type.
  SmallVector<Value> inputMemrefs(gpu::GPUFuncOp func) {
    unsigned numInputs = func.getFunctionType().getNumInputs() - 1;
    return llvm::to_vector_of<Value>(func.getArguments().take_front(numInputs));
  }
  Value outputMemref(gpu::GPUFuncOp func) {
    return func.getArgument(func.getFunctionType().getNumInputs() - 1);
  }

  void store(OpBuilder &b, Location loc, Value value, Value memref,
             ValueRange indices) {
    memref::StoreOp::create(b, loc, value, memref, indices);
  }

  LogicalResult buildElementwise(bool allowVector) {
    int64_t n = outType.getNumElements();
    ArrayRef<int64_t> shape = outType.getShape();
    int64_t inner = shape.empty() ? 1 : shape.back();
    unsigned elementBits = outType.getElementType().getIntOrFloatBitWidth();
    int64_t width = allowVector && inner % 4 == 0 && elementBits >= 8 &&
                            elementBits <= 32 && n >= 4 * kElementwiseBlock
                        ? 4
                        : 1;
    int64_t threads = ceilDiv(n, width);
    int64_t grid[3] = {ceilDiv(threads, kElementwiseBlock), 1, 1};
    int64_t block[3] = {std::min<int64_t>(kElementwiseBlock, threads), 1, 1};
    Location loc = kernel.getLoc();
    createFunc(grid, block, {}, [&](OpBuilder &b, gpu::GPUFuncOp func) {
      KernelEmitter e(b, loc, kernel, inputMemrefs(func));
      Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
      Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
      Value flat = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, bid, e.index(block[0])), tid);
      Value first = arith::MulIOp::create(b, loc, flat, e.index(width));
      Value inBounds = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             first, e.index(n));
      auto guard = scf::IfOp::create(b, loc, inBounds, false);
      OpBuilder::InsertionGuard restore(b);
      b.setInsertionPointToStart(&guard.getThenRegion().front());
      SmallVector<Value> idx = e.delinearize(first, shape);
      if (width == 1) {
        store(b, loc, e.emit(root, idx), outputMemref(func), idx);
        return;
      }
      // Lanes share every index but the innermost.
      SmallVector<Value> lastIndices;
      for (int64_t lane = 0; lane < width; ++lane)
        lastIndices.push_back(lane == 0 ? idx.back()
                                        : b.createOrFold<arith::AddIOp>(
                                              loc, idx.back(), e.index(lane)));
      SmallVector<Value> values;
      for (int64_t lane = 0; lane < width; ++lane) {
        SmallVector<Value> at(idx);
        at.back() = lastIndices[lane];
        e.setLanes(lastIndices, lane);
        values.push_back(e.emit(root, at));
      }
      e.clearLanes();
      auto vectorType = VectorType::get({width}, outType.getElementType());
      Value vec = vector::FromElementsOp::create(b, loc, vectorType, values);
      vector::StoreOp::create(b, loc, vec, outputMemref(func), idx,
                              /*nontemporal=*/false,
                              llvm::MaybeAlign(width * elementBits / 8));
    });
    return success();
  }

  LogicalResult buildRow() {
    auto *tgc = ctx->getLoadedDialect<TgcDialect>();
    ArrayRef<int64_t> rowShape =
        tgc->getRowShapeAttrHelper().getAttr(kernel).asArrayRef();
    ArrayRef<int64_t> reducedShape =
        tgc->getReducedShapeAttrHelper().getAttr(kernel).asArrayRef();
    int64_t rows = product(rowShape), reduced = product(reducedShape);
    // Each thread walks the row in vectors of `width` contiguous elements
    // (16-byte loads for f32) when the innermost reduced dimension allows.
    unsigned outBits = outType.getElementType().getIntOrFloatBitWidth();
    int64_t width = reducedShape.back() % 4 == 0 && reduced >= 4 * kWarp &&
                            outBits >= 8 && outBits <= 32
                        ? 4
                        : 1;
    int64_t vectors = reduced / width;
    // Enough threads for ~4 vectors each, at least one warp.
    int64_t threads = kWarp;
    while (threads < 256 && threads * 4 < vectors)
      threads *= 2;
    int64_t warps = threads / kWarp;

    SmallVector<linalg::GenericOp> reductions;
    kernel.walk([&](linalg::GenericOp op) {
      if (isReduction(op))
        reductions.push_back(op);
    });
    SmallVector<Type> shared;
    if (warps > 1)
      for (linalg::GenericOp r : reductions)
        shared.push_back(MemRefType::get(
            {kWarp},
            cast<RankedTensorType>(r.getResult(0).getType()).getElementType(),
            MemRefLayoutAttrInterface{},
            gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup)));

    int64_t grid[3] = {rows, 1, 1};
    int64_t block[3] = {threads, 1, 1};
    Location loc = kernel.getLoc();
    createFunc(grid, block, shared, [&](OpBuilder &b, gpu::GPUFuncOp func) {
      KernelEmitter e(b, loc, kernel, inputMemrefs(func));
      Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
      Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
      SmallVector<Value> rowIdx = e.delinearize(bid, rowShape);
      Value lane = arith::RemUIOp::create(b, loc, tid, e.index(kWarp));
      Value warp = arith::DivUIOp::create(b, loc, tid, e.index(kWarp));

      for (auto [i, reduction] : llvm::enumerate(reductions)) {
        CombineKind kind = *getCombineKind(getCombiner(reduction));
        Type accType = cast<RankedTensorType>(reduction.getResult(0).getType())
                           .getElementType();
        Value identity = arith::ConstantOp::create(
            b, loc, getCombineIdentity(b, kind, accType));
        // Thread-strided partial reduction over the row.
        auto loop = scf::ForOp::create(b, loc, tid, e.index(vectors),
                                       e.index(threads), identity);
        {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(loop.getBody());
          e.pushScope();
          Value acc = loop.getRegionIterArgs()[0];
          forEachLane(b, e, loop.getInductionVar(), rowIdx, reducedShape, width,
                      [&](ValueRange idx) {
                        acc = e.emitReductionStep(reduction, idx, acc);
                      });
          e.popScope();
          scf::YieldOp::create(b, loc, acc);
        }
        Value partial = warpAllReduce(b, loc, kind, loop.getResult(0));
        if (warps > 1) {
          Value smem = func.getWorkgroupAttributions()[i];
          Value isLeader = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::eq, lane, e.index(0));
          auto write = scf::IfOp::create(b, loc, isLeader, false);
          {
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPointToStart(&write.getThenRegion().front());
            memref::StoreOp::create(b, loc, partial, smem, warp);
          }
          gpu::BarrierOp::create(b, loc);
          // Every warp reduces the per-warp partials, so all threads end
          // with the total and no broadcast step is needed.
          Value hasPartial = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ult, lane, e.index(warps));
          auto read = scf::IfOp::create(
              b, loc, hasPartial,
              [&](OpBuilder &nb, Location l) {
                scf::YieldOp::create(
                    nb, l,
                    memref::LoadOp::create(nb, l, smem, lane).getResult());
              },
              [&](OpBuilder &nb, Location l) {
                scf::YieldOp::create(nb, l, identity);
              });
          partial = warpAllReduce(b, loc, kind, read.getResult(0));
        }
        e.defineReduction(reduction, partial);
      }

      Value out = outputMemref(func);
      if (outType.getShape() == rowShape) {
        Value isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              tid, e.index(0));
        auto write = scf::IfOp::create(b, loc, isFirst, false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(&write.getThenRegion().front());
        e.pushScope();
        store(b, loc, e.emit(root, rowIdx), out, rowIdx);
        e.popScope();
        return;
      }
      auto loop =
          scf::ForOp::create(b, loc, tid, e.index(vectors), e.index(threads));
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(loop.getBody());
      e.pushScope();
      SmallVector<Value> values, first;
      forEachLane(b, e, loop.getInductionVar(), rowIdx, reducedShape, width,
                  [&](ValueRange idx) {
                    if (first.empty())
                      first.assign(idx.begin(), idx.end());
                    values.push_back(e.emit(root, idx));
                  });
      storeLanes(b, loc, values, out, first);
      e.popScope();
    });
    return success();
  }

  /// Calls `body` with the indices of each of the `width` contiguous
  /// elements of vector `vectorIndex` of a row, in lane order, with the
  /// emitter's lane mode on so their loads become one vector load.
  void forEachLane(OpBuilder &b, KernelEmitter &e, Value vectorIndex,
                   ArrayRef<Value> rowIdx, ArrayRef<int64_t> reducedShape,
                   int64_t width, function_ref<void(ValueRange)> body) {
    Location loc = kernel.getLoc();
    Value first = width == 1 ? vectorIndex
                             : b.createOrFold<arith::MulIOp>(loc, vectorIndex,
                                                             e.index(width));
    SmallVector<Value> idx(rowIdx);
    llvm::append_range(idx, e.delinearize(first, reducedShape));
    if (width == 1) {
      body(idx);
      return;
    }
    SmallVector<Value> lastIndices;
    for (int64_t lane = 0; lane < width; ++lane)
      lastIndices.push_back(lane == 0 ? idx.back()
                                      : b.createOrFold<arith::AddIOp>(
                                            loc, idx.back(), e.index(lane)));
    for (int64_t lane = 0; lane < width; ++lane) {
      idx.back() = lastIndices[lane];
      e.setLanes(lastIndices, lane);
      body(idx);
    }
    e.clearLanes();
  }

  /// Stores lane values to consecutive elements starting at `first`.
  void storeLanes(OpBuilder &b, Location loc, ArrayRef<Value> values,
                  Value memref, ValueRange first) {
    if (values.size() == 1) {
      store(b, loc, values[0], memref, first);
      return;
    }
    unsigned bits = outType.getElementType().getIntOrFloatBitWidth();
    auto vectorType =
        VectorType::get({int64_t(values.size())}, outType.getElementType());
    Value vec = vector::FromElementsOp::create(b, loc, vectorType, values);
    vector::StoreOp::create(b, loc, vec, memref, first, /*nontemporal=*/false,
                            llvm::MaybeAlign(values.size() * bits / 8));
  }

  LogicalResult buildMatmul() {
    std::optional<MatmulLoops> loops = analyzeMatmul(kernel);
    if (!loops)
      return failure();
    linalg::GenericOp contraction = loops->op;
    unsigned numBatch = loops->numBatch, mDim = loops->mDim, nDim = loops->nDim,
             kDim = loops->kDim;
    int64_t M = loops->M, N = loops->N, K = loops->K;
    ArrayRef<int64_t> batchShape = loops->batchShape;
    OpOperand *lhs = loops->lhs, *rhs = loops->rhs;
    AffineMap lhsMap = loops->lhsMap, rhsMap = loops->rhsMap;
    Type acc = loops->accumulator;
    bool isFloat = isa<FloatType>(acc);
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    const MatmulTiling &t = M >= 128 && N >= 128 ? kLargeTiling : kSmallTiling;
    const int64_t kTileM = t.tileM, kTileN = t.tileN, kTileK = t.tileK,
                  kMicro = t.micro;
    auto tileType = MemRefType::get({kTileK, kTileM}, acc,
                                    MemRefLayoutAttrInterface{}, workgroup);
    auto tileTypeB = MemRefType::get({kTileK, kTileN}, acc,
                                     MemRefLayoutAttrInterface{}, workgroup);

    // The batch shares grid.x with the N tiles: grid.z is limited to 65535.
    int64_t tilesN = ceilDiv(N, kTileN);
    int64_t grid[3] = {tilesN * product(batchShape), ceilDiv(M, kTileM), 1};
    int64_t block[3] = {kMatmulThreads, 1, 1};
    Location loc = kernel.getLoc();
    int64_t side = kTileM / kMicro; // threads per tile row/column (16)
    createFunc(
        grid, block, {tileType, tileTypeB},
        [&](OpBuilder &b, gpu::GPUFuncOp func) {
          KernelEmitter e(b, loc, kernel, inputMemrefs(func));
          Value aTile = func.getWorkgroupAttributions()[0];
          Value bTile = func.getWorkgroupAttributions()[1];
          Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
          Value tx = arith::RemUIOp::create(b, loc, tid, e.index(side));
          Value ty = arith::DivUIOp::create(b, loc, tid, e.index(side));
          Value m0 = arith::MulIOp::create(
              b, loc, gpu::BlockIdOp::create(b, loc, gpu::Dimension::y),
              e.index(kTileM));
          SmallVector<Value> column =
              e.delinearize(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
                            {product(batchShape), tilesN});
          Value n0 = arith::MulIOp::create(b, loc, column[1], e.index(kTileN));
          SmallVector<Value> batchIdx = e.delinearize(column[0], batchShape);
          Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(acc));
          auto fastmath = arith::FastMathFlags::contract;

          // Loads one element of an operand at (m or n, k), zero outside.
          auto loadOperand = [&](OpOperand *operand, AffineMap map, Value mn,
                                 unsigned mnDim, Value k, int64_t mnSize) {
            Value inside = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, mn,
                                      e.index(mnSize)),
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, k,
                                      e.index(K)));
            auto ifOp = scf::IfOp::create(
                b, loc, inside,
                [&](OpBuilder &nb, Location l) {
                  e.pushScope();
                  SmallVector<Value> loopIdx(batchIdx);
                  loopIdx.resize(numBatch + 3, e.index(0));
                  loopIdx[mnDim] = mn;
                  loopIdx[kDim] = k;
                  SmallVector<Value> idx;
                  for (AffineExpr expr : map.getResults()) {
                    AffineMap single =
                        AffineMap::get(map.getNumDims(), 0, expr);
                    idx.push_back(applyExpr(e, single, loopIdx));
                  }
                  Value v =
                      convertScalar(nb, l, e.emit(operand->get(), idx), acc);
                  e.popScope();
                  scf::YieldOp::create(nb, l, v);
                },
                [&](OpBuilder &nb, Location l) {
                  scf::YieldOp::create(nb, l, zero);
                });
            return ifOp.getResult(0);
          };

          SmallVector<Value> init(kMicro * kMicro, zero);
          auto kLoop = scf::ForOp::create(b, loc, e.index(0), e.index(K),
                                          e.index(kTileK), init);
          {
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPointToStart(kLoop.getBody());
            e.pushScope();
            Value k0 = kLoop.getInductionVar();
            gpu::BarrierOp::create(b, loc);
            int64_t perThread = kTileM * kTileK / kMatmulThreads;
            for (int64_t q = 0; q < perThread; ++q) {
              Value flat = arith::AddIOp::create(b, loc, tid,
                                                 e.index(q * kMatmulThreads));
              // A: consecutive threads walk k (contiguous in row-major A).
              Value am = arith::DivUIOp::create(b, loc, flat, e.index(kTileK));
              Value ak = arith::RemUIOp::create(b, loc, flat, e.index(kTileK));
              Value a = loadOperand(lhs, lhsMap,
                                    arith::AddIOp::create(b, loc, m0, am), mDim,
                                    arith::AddIOp::create(b, loc, k0, ak), M);
              memref::StoreOp::create(b, loc, a, aTile, ValueRange{ak, am});
              // B: consecutive threads walk n (contiguous in row-major B).
              Value bk = arith::DivUIOp::create(b, loc, flat, e.index(kTileN));
              Value bn = arith::RemUIOp::create(b, loc, flat, e.index(kTileN));
              Value v = loadOperand(rhs, rhsMap,
                                    arith::AddIOp::create(b, loc, n0, bn), nDim,
                                    arith::AddIOp::create(b, loc, k0, bk), N);
              memref::StoreOp::create(b, loc, v, bTile, ValueRange{bk, bn});
            }
            gpu::BarrierOp::create(b, loc);
            auto inner =
                scf::ForOp::create(b, loc, e.index(0), e.index(kTileK),
                                   e.index(1), kLoop.getRegionIterArgs());
            {
              OpBuilder::InsertionGuard g2(b);
              b.setInsertionPointToStart(inner.getBody());
              Value kk = inner.getInductionVar();
              SmallVector<Value> as, bs;
              for (int64_t i = 0; i < kMicro; ++i) {
                Value row =
                    arith::AddIOp::create(b, loc, ty, e.index(side * i));
                as.push_back(
                    memref::LoadOp::create(b, loc, aTile, ValueRange{kk, row}));
                Value col =
                    arith::AddIOp::create(b, loc, tx, e.index(side * i));
                bs.push_back(
                    memref::LoadOp::create(b, loc, bTile, ValueRange{kk, col}));
              }
              SmallVector<Value> next;
              for (int64_t i = 0; i < kMicro; ++i)
                for (int64_t j = 0; j < kMicro; ++j) {
                  Value c = inner.getRegionIterArgs()[i * kMicro + j];
                  if (isFloat) {
                    Value p =
                        arith::MulFOp::create(b, loc, as[i], bs[j], fastmath);
                    next.push_back(
                        arith::AddFOp::create(b, loc, c, p, fastmath));
                  } else {
                    Value p = arith::MulIOp::create(b, loc, as[i], bs[j]);
                    next.push_back(arith::AddIOp::create(b, loc, c, p));
                  }
                }
              scf::YieldOp::create(b, loc, next);
            }
            e.popScope();
            scf::YieldOp::create(b, loc, inner.getResults());
          }

          // Epilogue: the root at each output element, with the contraction's
          // value taken from the accumulators.
          Value out = outputMemref(func);
          for (int64_t i = 0; i < kMicro; ++i)
            for (int64_t j = 0; j < kMicro; ++j) {
              Value m = arith::AddIOp::create(
                  b, loc, m0,
                  arith::AddIOp::create(b, loc, ty, e.index(side * i)));
              Value n = arith::AddIOp::create(
                  b, loc, n0,
                  arith::AddIOp::create(b, loc, tx, e.index(side * j)));
              Value inside = arith::AndIOp::create(
                  b, loc,
                  arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, m,
                                        e.index(M)),
                  arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, n,
                                        e.index(N)));
              auto write = scf::IfOp::create(b, loc, inside, false);
              OpBuilder::InsertionGuard g(b);
              b.setInsertionPointToStart(&write.getThenRegion().front());
              e.pushScope();
              SmallVector<Value> idx(batchIdx);
              idx.push_back(m);
              idx.push_back(n);
              e.define(contraction.getResult(0), idx,
                       kLoop.getResult(i * kMicro + j));
              store(b, loc, e.emit(root, idx), out, idx);
              e.popScope();
            }
        });
    return success();
  }

  static Value applyExpr(KernelEmitter &e, AffineMap single,
                         ValueRange loopIdx);

  func::FuncOp kernel;
  gpu::GPUModuleOp module;
  MLIRContext *ctx;
  Value root;
  RankedTensorType outType;
};

Value GpuKernelBuilder::applyExpr(KernelEmitter &e, AffineMap single,
                                  ValueRange loopIdx) {
  AffineExpr expr = single.getResult(0);
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return loopIdx[d.getPosition()];
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return e.index(c.getValue());
  llvm::report_fatal_error("matmul operand maps must be projections");
}

struct TgcGenerateGpuKernels
    : tgc::impl::TgcGenerateGpuKernelsBase<TgcGenerateGpuKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    b.getUnitAttr());
    auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(),
                                              TgcDialect::kGpuKernelModuleName);
    for (auto kernel : module.getOps<func::FuncOp>()) {
      if (!isKernelFunction(kernel))
        continue;
      if (failed(GpuKernelBuilder(kernel, gpuModule).build())) {
        kernel.emitError("cannot generate a GPU kernel");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
