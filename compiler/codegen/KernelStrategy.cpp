//===- KernelStrategy.cpp - what every kernel strategy shares -------------===//

#include "compiler/codegen/KernelStrategy.h"
#include "compiler/codegen/KernelEmitter.h"

#include "ir/TgcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace tgc;

KernelFunction::KernelFunction(func::FuncOp func) : func(func) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  root = ret.getOperand(0);
  outType = cast<RankedTensorType>(root.getType());
}

MemRefType tgc::memrefFor(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get(t.getShape(), t.getElementType());
}

SmallVector<linalg::GenericOp> tgc::collectReductions(Operation *kernel) {
  SmallVector<linalg::GenericOp> reductions;
  kernel->walk([&](linalg::GenericOp op) {
    if (isReduction(op))
      reductions.push_back(op);
  });
  return reductions;
}

RowShapes tgc::getRowShapes(func::FuncOp kernel) {
  auto *tgc = kernel.getContext()->getLoadedDialect<TgcDialect>();
  return {tgc->getRowShapeAttrHelper().getAttr(kernel).asArrayRef(),
          tgc->getReducedShapeAttrHelper().getAttr(kernel).asArrayRef()};
}

Value tgc::combineValues(OpBuilder &b, Location loc, CombineKind kind, Value x,
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

Value tgc::multiplyAdd(OpBuilder &b, Location loc, Value acc, Value a,
                       Value x) {
  if (!isa<FloatType>(getElementTypeOrSelf(acc.getType())))
    return arith::AddIOp::create(b, loc, acc,
                                 arith::MulIOp::create(b, loc, a, x));
  auto fastmath = arith::FastMathFlags::contract;
  return arith::AddFOp::create(
      b, loc, acc, arith::MulFOp::create(b, loc, a, x, fastmath), fastmath);
}

SmallVector<Value> tgc::updateSliceStart(OpBuilder &b, Location loc,
                                         KernelEmitter &e,
                                         tg::DynamicUpdateSliceOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  auto update = cast<RankedTensorType>(op.getUpdate().getType());
  SmallVector<Value> start;
  for (auto [d, offset] : llvm::enumerate(op.getOffsets())) {
    SmallVector<Value> first(cast<RankedTensorType>(offset.getType()).getRank(),
                             e.index(0));
    Value v = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                         e.emit(offset, first));
    v = arith::MaxSIOp::create(b, loc, v, e.index(0));
    start.push_back(arith::MinSIOp::create(
        b, loc, v, e.index(type.getDimSize(d) - update.getDimSize(d))));
  }
  return start;
}

SmallVector<Value> tgc::attentionResultIndex(AttentionOp op, ValueRange idx) {
  std::optional<ArrayRef<int64_t>> perm = op.getResultPermutation();
  if (!perm)
    return llvm::to_vector(idx);
  SmallVector<Value> permuted;
  for (int64_t d : *perm)
    permuted.push_back(idx[d]);
  return permuted;
}
