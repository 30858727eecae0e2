//===- RowStrategy.cpp - GPU kernels that reduce rows ---------------------===//
//
// One workgroup per row. Each reduction is a thread-strided loop over the
// row (vectors of 4 when the innermost reduced dimension allows), a
// subgroup butterfly and a step through workgroup memory across subgroups;
// its value is then reused by the rest of the row (softmax, layer_norm).
//
// With registerRows (tgc --gpu-register-rows), when each thread's share of
// the row is a few whole vectors, the passes are unrolled over the same
// index values: the emitter computes each element once, so the row is read
// from memory once and everything derived from it (softmax's exp) is
// computed once, instead of once per pass through L1.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/gpu/GpuKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace tgc;

static constexpr int64_t kMaxThreads = 256;
static constexpr int64_t kVectorWidth = 4;
/// The most vectors a thread keeps in registers with registerRows (32
/// floats of input, as many derived values).
static constexpr int64_t kMaxRegisterVectors = 8;

LogicalResult tgc::generateGpuRowKernel(GpuKernelBuilder &kernel,
                                        bool registerRows) {
  const GpuTargetHooks &hooks = kernel.hooks;
  const int64_t subgroup = hooks.subgroupSize();
  RowShapes shapes = getRowShapes(kernel.func);
  ArrayRef<int64_t> rowShape = shapes.rows, reducedShape = shapes.reduced;
  int64_t rows = computeProduct(rowShape),
          reduced = computeProduct(reducedShape);
  RankedTensorType outType = kernel.outType;
  // Each thread walks the row in vectors of `width` contiguous elements
  // (16-byte loads for f32) when the innermost reduced dimension allows.
  unsigned outBits = outType.getElementType().getIntOrFloatBitWidth();
  int64_t width = reducedShape.back() % kVectorWidth == 0 &&
                          reduced >= kVectorWidth * subgroup && outBits >= 8 &&
                          outBits <= 32
                      ? kVectorWidth
                      : 1;
  int64_t vectors = reduced / width;
  // Enough threads for ~4 vectors each, at least one subgroup.
  int64_t threads = subgroup;
  while (threads < kMaxThreads && threads * 4 < vectors)
    threads *= 2;
  int64_t subgroups = threads / subgroup;
  // Vectors per thread when every thread has the same whole number of them.
  int64_t perThread = registerRows && vectors % threads == 0 &&
                              vectors / threads <= kMaxRegisterVectors
                          ? vectors / threads
                          : 0;

  SmallVector<linalg::GenericOp> reductions = collectReductions(kernel.func);
  SmallVector<Type> shared;
  if (subgroups > 1)
    for (linalg::GenericOp r : reductions)
      shared.push_back(hooks.workgroupMemory(
          {subgroup},
          cast<RankedTensorType>(r.getResult(0).getType()).getElementType()));

  Location loc = kernel.func.getLoc();
  return kernel.createFunc(
      {rows, 1, 1}, {threads, 1, 1}, shared,
      [&](OpBuilder &b, gpu::GPUFuncOp func) {
        KernelEmitter e(b, loc, kernel.func, kernel.inputMemrefs(func));
        Value tid = hooks.threadId(b, loc);
        Value bid = hooks.workgroupId(b, loc, gpu::Dimension::x);
        SmallVector<Value> rowIdx = e.delinearize(bid, rowShape);
        Value lane = arith::RemUIOp::create(b, loc, tid, e.index(subgroup));
        Value warp = arith::DivUIOp::create(b, loc, tid, e.index(subgroup));
        // This thread's vectors, when unrolled (perThread > 0).
        SmallVector<GpuKernelBuilder::RowLanes> mine;
        for (int64_t k = 0; k < perThread; ++k)
          mine.push_back(kernel.rowLanes(
              b, e,
              b.createOrFold<arith::AddIOp>(loc, tid, e.index(k * threads)),
              rowIdx, reducedShape, width));

        for (auto [i, reduction] : llvm::enumerate(reductions)) {
          CombineKind kind = *getCombineKind(getCombiner(reduction));
          Type accType =
              cast<RankedTensorType>(reduction.getResult(0).getType())
                  .getElementType();
          Value identity = arith::ConstantOp::create(
              b, loc, getCombineIdentity(b, kind, accType));
          // Thread-strided partial reduction over the row: unrolled over
          // this thread's vectors in the function's scope (whose values the
          // later passes reuse), or a loop.
          Value threadPartial = identity;
          if (perThread > 0) {
            for (const GpuKernelBuilder::RowLanes &lanes : mine)
              kernel.forEachLane(e, lanes, [&](ValueRange idx) {
                threadPartial =
                    e.emitReductionStep(reduction, idx, threadPartial);
              });
          } else {
            auto loop = scf::ForOp::create(b, loc, tid, e.index(vectors),
                                           e.index(threads), identity);
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPointToStart(loop.getBody());
            e.pushScope();
            Value acc = loop.getRegionIterArgs()[0];
            kernel.forEachLane(b, e, loop.getInductionVar(), rowIdx,
                               reducedShape, width, [&](ValueRange idx) {
                                 acc = e.emitReductionStep(reduction, idx, acc);
                               });
            e.popScope();
            scf::YieldOp::create(b, loc, acc);
            threadPartial = loop.getResult(0);
          }
          Value partial = kernel.subgroupAllReduce(b, loc, kind, threadPartial);
          if (subgroups > 1) {
            Value smem = func.getWorkgroupAttributions()[i];
            Value isLeader = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::eq, lane, e.index(0));
            auto write = scf::IfOp::create(b, loc, isLeader, false);
            {
              OpBuilder::InsertionGuard g(b);
              b.setInsertionPointToStart(&write.getThenRegion().front());
              memref::StoreOp::create(b, loc, partial, smem, warp);
            }
            hooks.barrier(b, loc);
            // Every subgroup reduces the per-subgroup partials, so all
            // threads end with the total and no broadcast step is needed.
            Value hasPartial = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::ult, lane, e.index(subgroups));
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
            partial = kernel.subgroupAllReduce(b, loc, kind, read.getResult(0));
          }
          e.defineReduction(reduction, partial);
        }

        Value out = kernel.outputMemref(func);
        if (outType.getShape() == rowShape) {
          Value isFirst = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::eq, tid, e.index(0));
          auto write = scf::IfOp::create(b, loc, isFirst, false);
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(&write.getThenRegion().front());
          e.pushScope();
          memref::StoreOp::create(b, loc, e.emit(kernel.root, rowIdx), out,
                                  rowIdx);
          e.popScope();
          return e.status();
        }
        if (perThread > 0) {
          for (const GpuKernelBuilder::RowLanes &lanes : mine) {
            SmallVector<Value> values;
            kernel.forEachLane(e, lanes, [&](ValueRange idx) {
              values.push_back(e.emit(kernel.root, idx));
            });
            kernel.storeLanes(b, loc, values, out, lanes.indices.front());
          }
          return e.status();
        }
        auto loop =
            scf::ForOp::create(b, loc, tid, e.index(vectors), e.index(threads));
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(loop.getBody());
        e.pushScope();
        SmallVector<Value> values, first;
        kernel.forEachLane(b, e, loop.getInductionVar(), rowIdx, reducedShape,
                           width, [&](ValueRange idx) {
                             if (first.empty())
                               first.assign(idx.begin(), idx.end());
                             values.push_back(e.emit(kernel.root, idx));
                           });
        kernel.storeLanes(b, loc, values, out, first);
        e.popScope();
        return e.status();
      });
}
