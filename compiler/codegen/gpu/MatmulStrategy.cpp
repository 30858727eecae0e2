//===- MatmulStrategy.cpp - GPU matmul kernels ----------------------------===//
//
// 128x128 (8x8 per thread) or, for small matrices, 64x64 (4x4) output tiles
// per workgroup of 256 threads; A and B tiles staged through workgroup
// memory; the epilogue (bias, activation, ...) applied to the accumulators
// in registers. FMA on CUDA cores (every target, every element type); f16
// and bf16 matmuls on chips with matrix instructions use
// MatrixCoreMatmulStrategy.cpp instead.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/gpu/GpuKernelBuilder.h"
#include "compiler/transforms/ScalarOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace tgc;

namespace {

constexpr int64_t kThreads = 256;

/// Output tile of a workgroup (tileM x tileN, tileK deep per stage) and the
/// micro-tile of one thread (micro x micro); 256 threads either way.
struct MatmulTiling {
  int64_t tileM, tileN, tileK, micro;
};
/// Large matrices: 128x128 tiles with 8x8 per thread double the work per
/// workgroup-memory load. Small ones: 64x64 tiles waste fewer threads.
constexpr MatmulTiling kLargeTiling{128, 128, 8, 8};
constexpr MatmulTiling kSmallTiling{64, 64, 16, 4};

} // namespace

LogicalResult tgc::generateGpuMatmulKernel(GpuKernelBuilder &kernel,
                                           const MatmulLoops &loops) {
  const GpuTargetHooks &hooks = kernel.hooks;
  int64_t M = loops.M, N = loops.N, K = loops.K;
  ArrayRef<int64_t> batchShape = loops.batchShape;
  Type acc = loops.accumulator;
  const MatmulTiling &t = M >= 128 && N >= 128 ? kLargeTiling : kSmallTiling;
  auto tileA = hooks.workgroupMemory({t.tileK, t.tileM}, acc);
  auto tileB = hooks.workgroupMemory({t.tileK, t.tileN}, acc);

  // The batch shares grid.x with the N tiles: grid.z is limited to 65535.
  int64_t tilesN = llvm::divideCeilSigned(N, t.tileN);
  std::array<int64_t, 3> grid = {tilesN * computeProduct(batchShape),
                                 llvm::divideCeilSigned(M, t.tileM), 1};
  Location loc = kernel.func.getLoc();
  int64_t side = t.tileM / t.micro; // threads per tile row/column (16)
  return kernel.createFunc(
      grid, {kThreads, 1, 1}, {tileA, tileB},
      [&](OpBuilder &b, gpu::GPUFuncOp func) {
        KernelEmitter e(b, loc, kernel.func, kernel.inputMemrefs(func));
        Value aTile = func.getWorkgroupAttributions()[0];
        Value bTile = func.getWorkgroupAttributions()[1];
        Value tid = hooks.threadId(b, loc);
        Value tx = arith::RemUIOp::create(b, loc, tid, e.index(side));
        Value ty = arith::DivUIOp::create(b, loc, tid, e.index(side));
        Value m0 = arith::MulIOp::create(
            b, loc, hooks.workgroupId(b, loc, gpu::Dimension::y),
            e.index(t.tileM));
        SmallVector<Value> column =
            e.delinearize(hooks.workgroupId(b, loc, gpu::Dimension::x),
                          {computeProduct(batchShape), tilesN});
        Value n0 = arith::MulIOp::create(b, loc, column[1], e.index(t.tileN));
        SmallVector<Value> batchIdx = e.delinearize(column[0], batchShape);
        Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(acc));

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
                loopIdx.resize(loops.numBatch + 3, e.index(0));
                loopIdx[mnDim] = mn;
                loopIdx[loops.kDim] = k;
                Value v = convertScalar(
                    nb, l, e.emit(operand->get(), e.applyMap(map, loopIdx)),
                    acc);
                e.popScope();
                scf::YieldOp::create(nb, l, v);
              },
              [&](OpBuilder &nb, Location l) {
                scf::YieldOp::create(nb, l, zero);
              });
          return ifOp.getResult(0);
        };

        SmallVector<Value> init(t.micro * t.micro, zero);
        auto kLoop = scf::ForOp::create(b, loc, e.index(0), e.index(K),
                                        e.index(t.tileK), init);
        {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(kLoop.getBody());
          e.pushScope();
          Value k0 = kLoop.getInductionVar();
          hooks.barrier(b, loc);
          int64_t perThread = t.tileM * t.tileK / kThreads;
          for (int64_t q = 0; q < perThread; ++q) {
            Value flat =
                arith::AddIOp::create(b, loc, tid, e.index(q * kThreads));
            // A: consecutive threads walk k (contiguous in row-major A).
            Value am = arith::DivUIOp::create(b, loc, flat, e.index(t.tileK));
            Value ak = arith::RemUIOp::create(b, loc, flat, e.index(t.tileK));
            Value a = loadOperand(
                loops.lhs, loops.lhsMap, arith::AddIOp::create(b, loc, m0, am),
                loops.mDim, arith::AddIOp::create(b, loc, k0, ak), M);
            memref::StoreOp::create(b, loc, a, aTile, ValueRange{ak, am});
            // B: consecutive threads walk n (contiguous in row-major B).
            Value bk = arith::DivUIOp::create(b, loc, flat, e.index(t.tileN));
            Value bn = arith::RemUIOp::create(b, loc, flat, e.index(t.tileN));
            Value v = loadOperand(
                loops.rhs, loops.rhsMap, arith::AddIOp::create(b, loc, n0, bn),
                loops.nDim, arith::AddIOp::create(b, loc, k0, bk), N);
            memref::StoreOp::create(b, loc, v, bTile, ValueRange{bk, bn});
          }
          hooks.barrier(b, loc);
          auto inner =
              scf::ForOp::create(b, loc, e.index(0), e.index(t.tileK),
                                 e.index(1), kLoop.getRegionIterArgs());
          {
            OpBuilder::InsertionGuard g2(b);
            b.setInsertionPointToStart(inner.getBody());
            Value kk = inner.getInductionVar();
            SmallVector<Value> as, bs;
            for (int64_t i = 0; i < t.micro; ++i) {
              Value row = arith::AddIOp::create(b, loc, ty, e.index(side * i));
              as.push_back(
                  memref::LoadOp::create(b, loc, aTile, ValueRange{kk, row}));
              Value col = arith::AddIOp::create(b, loc, tx, e.index(side * i));
              bs.push_back(
                  memref::LoadOp::create(b, loc, bTile, ValueRange{kk, col}));
            }
            SmallVector<Value> next;
            for (int64_t i = 0; i < t.micro; ++i)
              for (int64_t j = 0; j < t.micro; ++j)
                next.push_back(multiplyAdd(
                    b, loc, inner.getRegionIterArgs()[i * t.micro + j], as[i],
                    bs[j]));
            scf::YieldOp::create(b, loc, next);
          }
          e.popScope();
          scf::YieldOp::create(b, loc, inner.getResults());
        }

        // Epilogue: the root at each output element, with the contraction's
        // value taken from the accumulators.
        Value out = kernel.outputMemref(func);
        for (int64_t i = 0; i < t.micro; ++i)
          for (int64_t j = 0; j < t.micro; ++j) {
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
            e.define(linalg::GenericOp(loops.op).getResult(0), idx,
                     kLoop.getResult(i * t.micro + j));
            memref::StoreOp::create(b, loc, e.emit(kernel.root, idx), out, idx);
            e.popScope();
          }
        return e.status();
      });
}
