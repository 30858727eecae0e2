//===- MatmulStrategy.cpp - host matmul kernels ---------------------------===//
//
// A workgroup is a 32x64 output tile, accumulated in a local buffer by
// k-outer, n-inner loops, then the epilogue.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/host/HostKernelBuilder.h"
#include "compiler/transforms/ScalarOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace tgc;

static constexpr int64_t kTileM = 32, kTileN = 64;

LogicalResult tgc::generateHostMatmulKernel(HostKernelBuilder &kernel,
                                            const MatmulLoops &loops) {
  ArrayRef<int64_t> batchShape = loops.batchShape;
  Type acc = loops.accumulator;
  int64_t tilesM = llvm::divideCeilSigned(loops.M, kTileM),
          tilesN = llvm::divideCeilSigned(loops.N, kTileN);
  Location loc = kernel.func.getLoc();
  Value accBuffer;
  return kernel.createFunc(
      computeProduct(batchShape) * tilesM * tilesN,
      [&](OpBuilder &b, KernelEmitter &e, Value wg, Value out) {
        SmallVector<Value> decoded =
            e.delinearize(wg, {computeProduct(batchShape), tilesM, tilesN});
        SmallVector<Value> batchIdx = e.delinearize(decoded[0], batchShape);
        Value m0 = arith::MulIOp::create(b, loc, decoded[1], e.index(kTileM));
        Value n0 = arith::MulIOp::create(b, loc, decoded[2], e.index(kTileN));
        Value mt = arith::MinUIOp::create(
            b, loc, e.index(kTileM),
            arith::SubIOp::create(b, loc, e.index(loops.M), m0));
        Value nt = arith::MinUIOp::create(
            b, loc, e.index(kTileN),
            arith::SubIOp::create(b, loc, e.index(loops.N), n0));
        Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(acc));
        kernel.loop(b, e, e.index(0), mt, [&](Value i) {
          kernel.loop(b, e, e.index(0), nt, [&](Value j) {
            memref::StoreOp::create(b, loc, zero, accBuffer, ValueRange{i, j});
          });
        });
        kernel.loop(b, e, e.index(0), e.index(loops.K), [&](Value k) {
          kernel.loop(b, e, e.index(0), mt, [&](Value i) {
            SmallVector<Value> loopIdx(batchIdx);
            loopIdx.resize(loops.numBatch + 3, e.index(0));
            loopIdx[loops.mDim] = arith::AddIOp::create(b, loc, m0, i);
            loopIdx[loops.kDim] = k;
            Value a = convertScalar(
                b, loc,
                e.emit(loops.lhs->get(), e.applyMap(loops.lhsMap, loopIdx)),
                acc);
            kernel.loop(b, e, e.index(0), nt, [&](Value j) {
              SmallVector<Value> bIdx(loopIdx);
              bIdx[loops.mDim] = e.index(0);
              bIdx[loops.nDim] = arith::AddIOp::create(b, loc, n0, j);
              Value bv = convertScalar(
                  b, loc,
                  e.emit(loops.rhs->get(), e.applyMap(loops.rhsMap, bIdx)),
                  acc);
              Value c =
                  memref::LoadOp::create(b, loc, accBuffer, ValueRange{i, j});
              memref::StoreOp::create(b, loc, multiplyAdd(b, loc, c, a, bv),
                                      accBuffer, ValueRange{i, j});
            });
          });
        });
        kernel.loop(b, e, e.index(0), mt, [&](Value i) {
          kernel.loop(b, e, e.index(0), nt, [&](Value j) {
            SmallVector<Value> idx(batchIdx);
            idx.push_back(arith::AddIOp::create(b, loc, m0, i));
            idx.push_back(arith::AddIOp::create(b, loc, n0, j));
            e.define(
                linalg::GenericOp(loops.op).getResult(0), idx,
                memref::LoadOp::create(b, loc, accBuffer, ValueRange{i, j}));
            memref::StoreOp::create(b, loc, e.emit(kernel.root, idx), out, idx);
          });
        });
      },
      [&](OpBuilder &b, KernelEmitter &) {
        // One accumulator tile per call, outside the workgroup loop.
        accBuffer = memref::AllocaOp::create(
            b, loc, MemRefType::get({kTileM, kTileN}, acc));
      });
}
