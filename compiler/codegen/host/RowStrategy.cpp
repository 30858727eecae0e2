//===- RowStrategy.cpp - host kernels that reduce rows --------------------===//
//
// A workgroup is one row. Each reduction is a serial loop whose combining op
// may be reassociated, so LLVM vectorizes it; its value is then reused by
// the rest of the row.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/host/HostKernelBuilder.h"
#include "compiler/transforms/ScalarOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/OperationSupport.h"

using namespace mlir;
using namespace tgc;

/// Rows longer than this recompute instead of keeping a row of values.
static constexpr int64_t kMaxReusedRow = 1 << 16;

namespace {

/// Whether `b` (in `consumer`'s payload) computes what `a` (in `producer`'s)
/// does, evaluated at the same loop indices: the same ops on the same
/// inputs read through the same indexing maps.
bool samePayloadValue(linalg::GenericOp producer, Value a,
                      linalg::GenericOp consumer, Value b) {
  if (a == b)
    return true; // a constant both capture
  auto argA = dyn_cast<BlockArgument>(a), argB = dyn_cast<BlockArgument>(b);
  if (argA || argB) {
    if (!argA || !argB || argA.getOwner() != &producer.getRegion().front() ||
        argB.getOwner() != &consumer.getRegion().front() ||
        argA.getArgNumber() >= producer.getNumDpsInputs() ||
        argB.getArgNumber() >= consumer.getNumDpsInputs())
      return false;
    OpOperand *inA = producer.getDpsInputOperand(argA.getArgNumber());
    OpOperand *inB = consumer.getDpsInputOperand(argB.getArgNumber());
    return inA->get() == inB->get() && producer.getMatchingIndexingMap(inA) ==
                                           consumer.getMatchingIndexingMap(inB);
  }
  Operation *opA = a.getDefiningOp(), *opB = b.getDefiningOp();
  if (!opA || !opB || !producer->isProperAncestor(opA) ||
      !consumer->isProperAncestor(opB) || opA->getNumRegions() ||
      isa<linalg::IndexOp>(opA))
    return false;
  return OperationEquivalence::isEquivalentTo(
      opA, opB,
      [&](Value x, Value y) {
        return success(samePayloadValue(producer, x, consumer, y));
      },
      /*markEquivalent=*/nullptr, OperationEquivalence::IgnoreLocations);
}

/// A reduction whose per-element contribution (the exp of softmax) other
/// generics of the kernel compute again: the row kernel keeps the row of
/// contributions and serves those computations from it.
struct ReusedContribution {
  linalg::GenericOp reduction;
  /// The contribution is a computed tensor the reduction reads: every read
  /// of it is served from the row.
  Value tensor;
  /// Else: payload values equal to the contribution, in later generics.
  SmallVector<Value> uses;
  /// Offset of its row in the workspace, in elements.
  int64_t offset = 0;
};

/// A computed (elementwise) tensor that every reader reads at its own loop
/// indices in the reduction's loop space: one row of it is all a row kernel
/// ever reads.
bool isRowLocalTensor(Value tensor, unsigned numLoops) {
  auto producer = tensor.getDefiningOp<linalg::GenericOp>();
  if (!producer || !isInlinable(producer) || tensor.hasOneUse())
    return false;
  return llvm::all_of(tensor.getUses(), [&](OpOperand &use) {
    auto reader = dyn_cast<linalg::GenericOp>(use.getOwner());
    return reader && reader.isDpsInput(&use) &&
           reader.getNumLoops() == numLoops &&
           reader.getMatchingIndexingMap(&use).isIdentity();
  });
}

SmallVector<ReusedContribution>
findReusedContributions(ArrayRef<linalg::GenericOp> reductions,
                        func::FuncOp kernel, Value root) {
  SmallVector<linalg::GenericOp> consumers(reductions.begin(),
                                           reductions.end());
  if (auto generic = root.getDefiningOp<linalg::GenericOp>())
    consumers.push_back(generic);
  SmallVector<ReusedContribution> reused;
  for (size_t i = 0; i < reductions.size(); ++i) {
    linalg::GenericOp reduction = reductions[i];
    Operation *combiner = getCombiner(reduction);
    Value out = reduction.getRegion().front().getArguments().back();
    Value contribution = combiner->getOperand(0) == out
                             ? combiner->getOperand(1)
                             : combiner->getOperand(0);
    // The row is kept as f32: exact for floats up to f32 and for small
    // integers, not for i32 (an argmin compares the kept values with the
    // exact minimum and would find no match: the fuzzer's seed 1082).
    Type element = contribution.getType();
    if (element.isInteger() && element.getIntOrFloatBitWidth() > 24)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(contribution)) {
      if (arg.getArgNumber() >= reduction.getNumDpsInputs())
        continue;
      OpOperand *input = reduction.getDpsInputOperand(arg.getArgNumber());
      if (reduction.getMatchingIndexingMap(input).isIdentity() &&
          isRowLocalTensor(input->get(), reduction.getNumLoops()))
        reused.push_back({reduction, input->get(), {}, 0});
      continue;
    }
    // Only what is computed is worth keeping, not a plain load.
    if (!reduction->isProperAncestor(contribution.getDefiningOp()))
      continue;
    ReusedContribution entry{reduction, Value(), {}, 0};
    for (linalg::GenericOp consumer : ArrayRef(consumers).drop_front(i + 1)) {
      if (consumer.getNumLoops() != reduction.getNumLoops())
        continue;
      consumer.getRegion().walk([&](Operation *op) {
        if (op->getNumResults() == 1 &&
            op->getName() == contribution.getDefiningOp()->getName() &&
            samePayloadValue(reduction, contribution, consumer,
                             op->getResult(0)))
          entry.uses.push_back(op->getResult(0));
      });
    }
    if (!entry.uses.empty())
      reused.push_back(std::move(entry));
  }
  return reused;
}

} // namespace

LogicalResult tgc::generateHostRowKernel(HostKernelBuilder &kernel) {
  RowShapes shapes = getRowShapes(kernel.func);
  ArrayRef<int64_t> rowShape = shapes.rows, reducedShape = shapes.reduced;
  int64_t reduced = computeProduct(reducedShape);
  SmallVector<linalg::GenericOp> reductions = collectReductions(kernel.func);
  Location loc = kernel.func.getLoc();

  // Contributions computed once per element and kept for the generics that
  // compute them again (softmax: exp(x - max) for the sum and the output).
  SmallVector<ReusedContribution> reused;
  if (reduced <= kMaxReusedRow)
    reused = findReusedContributions(reductions, kernel.func, kernel.root);
  int64_t workspaceElements = 0;
  for (ReusedContribution &entry : reused) {
    entry.offset = workspaceElements;
    workspaceElements += reduced;
  }
  Type f32 = Float32Type::get(kernel.func.getContext());
  Value rows;

  return kernel.createFunc(
      computeProduct(rowShape),
      [&](OpBuilder &b, KernelEmitter &e, Value wg, Value out) {
        SmallVector<Value> rowIdx = e.delinearize(wg, rowShape);
        // Reduced loop indices -> their element of a kept row.
        auto rowElement = [&](const ReusedContribution &entry,
                              ValueRange loopIdx) {
          Value j = e.index(0);
          for (auto [d, size] : llvm::enumerate(reducedShape))
            j = b.createOrFold<arith::AddIOp>(
                loc, b.createOrFold<arith::MulIOp>(loc, j, e.index(size)),
                loopIdx[rowShape.size() + d]);
          return b.createOrFold<arith::AddIOp>(loc, j, e.index(entry.offset));
        };
        for (linalg::GenericOp reduction : reductions) {
          CombineKind kind = *getCombineKind(getCombiner(reduction));
          Type accType =
              cast<RankedTensorType>(reduction.getResult(0).getType())
                  .getElementType();
          Value identity = arith::ConstantOp::create(
              b, loc, getCombineIdentity(b, kind, accType));
          const ReusedContribution *kept = nullptr;
          for (const ReusedContribution &entry : reused)
            if (entry.reduction == reduction)
              kept = &entry;
          auto l = scf::ForOp::create(b, loc, e.index(0), e.index(reduced),
                                      e.index(1), identity);
          {
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPointToStart(l.getBody());
            e.pushScope();
            SmallVector<Value> idx(rowIdx);
            llvm::append_range(
                idx, e.delinearize(l.getInductionVar(), reducedShape));
            Value contribution;
            Value next = e.emitReductionStep(
                reduction, idx, l.getRegionIterArgs()[0],
                /*reassociate=*/true, kept ? &contribution : nullptr);
            if (kept)
              memref::StoreOp::create(b, loc,
                                      convertScalar(b, loc, contribution, f32),
                                      rows, ValueRange{rowElement(*kept, idx)});
            e.popScope();
            scf::YieldOp::create(b, loc, next);
          }
          e.defineReduction(reduction, l.getResult(0));
          if (!kept)
            continue;
          auto provide = [&, kept](Type type) {
            return [&, kept, type](ValueRange loopIdx) {
              Value v = memref::LoadOp::create(
                  b, loc, rows, ValueRange{rowElement(*kept, loopIdx)});
              return convertScalar(b, loc, v, type);
            };
          };
          if (kept->tensor)
            e.provideTensor(kept->tensor,
                            provide(getElementTypeOrSelf(kept->tensor)));
          for (Value value : kept->uses)
            e.providePayloadValue(value, provide(value.getType()));
        }
        if (kernel.outType.getShape() == rowShape) {
          memref::StoreOp::create(b, loc, e.emit(kernel.root, rowIdx), out,
                                  rowIdx);
          return;
        }
        kernel.loop(b, e, e.index(0), e.index(reduced), [&](Value j) {
          SmallVector<Value> idx(rowIdx);
          llvm::append_range(idx, e.delinearize(j, reducedShape));
          memref::StoreOp::create(b, loc, e.emit(kernel.root, idx), out, idx);
        });
      },
      [&](OpBuilder &b, KernelEmitter &) {
        if (workspaceElements)
          rows = memref::ViewOp::create(
              b, loc, MemRefType::get({workspaceElements}, f32),
              kernel.workspace(), arith::ConstantIndexOp::create(b, loc, 0),
              ValueRange{});
      },
      workspaceElements * 4);
}
