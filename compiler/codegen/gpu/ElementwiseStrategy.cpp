//===- ElementwiseStrategy.cpp - GPU elementwise and generic kernels ------===//
//
// One thread per 4 contiguous output elements (vector loads and stores) when
// the innermost dimension allows, else one per element. Generic kernels take
// the scalar form: their reductions run serially in each thread.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/gpu/GpuKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace tgc;

static constexpr int64_t kBlockSize = 256;
static constexpr int64_t kVectorWidth = 4;

LogicalResult tgc::generateGpuElementwiseKernel(GpuKernelBuilder &kernel,
                                                bool vectorize) {
  RankedTensorType outType = kernel.outType;
  int64_t n = outType.getNumElements();
  ArrayRef<int64_t> shape = outType.getShape();
  int64_t inner = shape.empty() ? 1 : shape.back();
  unsigned elementBits = outType.getElementType().getIntOrFloatBitWidth();
  int64_t width = vectorize && inner % kVectorWidth == 0 && elementBits >= 8 &&
                          elementBits <= 32 && n >= kVectorWidth * kBlockSize
                      ? kVectorWidth
                      : 1;
  int64_t threads = llvm::divideCeilSigned(n, width);
  std::array<int64_t, 3> grid = {llvm::divideCeilSigned(threads, kBlockSize), 1,
                                 1};
  std::array<int64_t, 3> block = {std::min(kBlockSize, threads), 1, 1};
  Location loc = kernel.func.getLoc();
  const GpuTargetHooks &hooks = kernel.hooks;
  return kernel.createFunc(
      grid, block, {}, [&](OpBuilder &b, gpu::GPUFuncOp func) {
        KernelEmitter e(b, loc, kernel.func, kernel.inputMemrefs(func));
        Value tid = hooks.threadId(b, loc);
        Value bid = hooks.workgroupId(b, loc, gpu::Dimension::x);
        Value flat = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, bid, e.index(block[0])), tid);
        Value first = arith::MulIOp::create(b, loc, flat, e.index(width));
        Value inBounds = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ult, first, e.index(n));
        auto guard = scf::IfOp::create(b, loc, inBounds, false);
        OpBuilder::InsertionGuard restore(b);
        b.setInsertionPointToStart(&guard.getThenRegion().front());
        SmallVector<Value> idx = e.delinearize(first, shape);
        Value out = kernel.outputMemref(func);
        if (width == 1) {
          memref::StoreOp::create(b, loc, e.emit(kernel.root, idx), out, idx);
          return e.status();
        }
        // Lanes share every index but the innermost.
        SmallVector<Value> lastIndices;
        for (int64_t lane = 0; lane < width; ++lane)
          lastIndices.push_back(lane == 0
                                    ? idx.back()
                                    : b.createOrFold<arith::AddIOp>(
                                          loc, idx.back(), e.index(lane)));
        SmallVector<Value> values;
        for (int64_t lane = 0; lane < width; ++lane) {
          SmallVector<Value> at(idx);
          at.back() = lastIndices[lane];
          e.setLanes(lastIndices, lane);
          values.push_back(e.emit(kernel.root, at));
        }
        e.clearLanes();
        kernel.storeLanes(b, loc, values, out, idx);
        return e.status();
      });
}
