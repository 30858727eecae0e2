//===- LinalgAnalysis.cpp - structural queries on linalg.generic ----------===//

#include "compiler/transforms/LinalgAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using utils::IteratorType;

bool tgc::isElementwise(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  return generic && generic.getNumDpsInits() == 1 &&
         generic.getNumReductionLoops() == 0;
}

/// Strips conversions that contractions apply to their operands.
static Value stripConversions(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<arith::ExtFOp, arith::SIToFPOp, arith::ExtSIOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// Reduction loops must all come after the parallel loops.
static bool reductionsInnermost(linalg::GenericOp op) {
  bool seenReduction = false;
  for (IteratorType it : op.getIteratorTypesArray()) {
    if (it == IteratorType::reduction)
      seenReduction = true;
    else if (seenReduction)
      return false;
  }
  return true;
}

/// The output map is the identity over the (leading) parallel loops.
static bool writesParallelLoops(linalg::GenericOp op) {
  AffineMap outMap = op.getIndexingMapsArray().back();
  unsigned numParallel = op.getNumParallelLoops();
  if (outMap.getNumResults() != numParallel)
    return false;
  for (unsigned i = 0; i < numParallel; ++i)
    if (outMap.getResult(i) != getAffineDimExpr(i, op.getContext()))
      return false;
  return true;
}

bool tgc::isContraction(Operation *raw) {
  auto op = dyn_cast<linalg::GenericOp>(raw);
  if (!op || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1 || !reductionsInnermost(op))
    return false;
  if (!writesParallelLoops(op))
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Operation *add = yield.getOperand(0).getDefiningOp();
  if (!add || !isa<arith::AddFOp, arith::AddIOp>(add))
    return false;
  Value out = body.getArgument(2);
  Value product =
      add->getOperand(0) == out ? add->getOperand(1) : add->getOperand(0);
  if (add->getOperand(0) != out && add->getOperand(1) != out)
    return false;
  Operation *mul = product.getDefiningOp();
  if (!mul || !isa<arith::MulFOp, arith::MulIOp>(mul))
    return false;
  Value a = stripConversions(mul->getOperand(0));
  Value b = stripConversions(mul->getOperand(1));
  return (a == body.getArgument(0) && b == body.getArgument(1)) ||
         (a == body.getArgument(1) && b == body.getArgument(0));
}

Operation *tgc::getCombiner(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1)
    return nullptr;
  Block &body = op.getRegion().front();
  Value out = body.getArguments().back();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Operation *combiner = yield.getOperand(0).getDefiningOp();
  if (!combiner || combiner->getNumOperands() != 2 || !getCombineKind(combiner))
    return nullptr;
  // `out` feeds the combiner once and nothing else.
  if (!out.hasOneUse() || out.getUses().begin()->getOwner() != combiner)
    return nullptr;
  if (combiner->getOperand(0) == combiner->getOperand(1))
    return nullptr;
  return combiner;
}

std::optional<tgc::CombineKind> tgc::getCombineKind(Operation *combiner) {
  if (isa<arith::AddFOp>(combiner))
    return CombineKind::AddF;
  if (isa<arith::MulFOp>(combiner))
    return CombineKind::MulF;
  if (isa<arith::MaximumFOp>(combiner))
    return CombineKind::MaxF;
  if (isa<arith::MinimumFOp>(combiner))
    return CombineKind::MinF;
  if (isa<arith::AddIOp>(combiner))
    return CombineKind::AddI;
  if (isa<arith::MulIOp>(combiner))
    return CombineKind::MulI;
  if (isa<arith::MaxSIOp>(combiner))
    return CombineKind::MaxSI;
  if (isa<arith::MinSIOp>(combiner))
    return CombineKind::MinSI;
  return std::nullopt;
}

TypedAttr tgc::getCombineIdentity(OpBuilder &b, CombineKind kind, Type type) {
  switch (kind) {
  case CombineKind::AddF:
    return b.getFloatAttr(type, 0.0);
  case CombineKind::MulF:
    return b.getFloatAttr(type, 1.0);
  case CombineKind::MaxF:
  case CombineKind::MinF:
    return b.getFloatAttr(
        type, APFloat::getInf(cast<FloatType>(type).getFloatSemantics(),
                              kind == CombineKind::MaxF));
  case CombineKind::AddI:
    return b.getIntegerAttr(type, 0);
  case CombineKind::MulI:
    return b.getIntegerAttr(type, 1);
  case CombineKind::MaxSI:
    return b.getIntegerAttr(
        type, APInt::getSignedMinValue(type.getIntOrFloatBitWidth()));
  case CombineKind::MinSI:
    return b.getIntegerAttr(
        type, APInt::getSignedMaxValue(type.getIntOrFloatBitWidth()));
  }
  llvm_unreachable("bad combine kind");
}

bool tgc::isReduction(Operation *raw) {
  auto op = dyn_cast<linalg::GenericOp>(raw);
  if (!op || op.getNumReductionLoops() == 0 || isContraction(op) ||
      !reductionsInnermost(op) || !getCombiner(op))
    return false;
  return writesParallelLoops(op);
}

bool tgc::isInlinable(Operation *op) {
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    // Elementwise with an identity output map (what fusion leaves).
    return isElementwise(op) &&
           generic.getIndexingMapsArray().back().isIdentity();
  }
  return isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             tensor::ExtractSliceOp, tensor::ConcatOp, tensor::EmptyOp>(op);
}

std::optional<tgc::MatmulLoops> tgc::analyzeMatmul(Operation *kernel) {
  linalg::GenericOp contraction;
  kernel->walk([&](linalg::GenericOp op) {
    if (isContraction(op))
      contraction = op;
  });
  if (!contraction)
    return std::nullopt;
  SmallVector<int64_t> ranges = contraction.getStaticLoopRanges();
  // Dropping unit dimensions leaves fewer loops when M or N is 1: then it
  // is a matrix-vector or dot product, which the generic path reduces.
  if (ranges.size() < 3)
    return std::nullopt;
  MatmulLoops loops;
  loops.op = contraction;
  loops.numBatch = ranges.size() - 3;
  loops.mDim = loops.numBatch;
  loops.nDim = loops.numBatch + 1;
  loops.kDim = loops.numBatch + 2;
  loops.M = ranges[loops.mDim];
  loops.N = ranges[loops.nDim];
  loops.K = ranges[loops.kDim];
  loops.batchShape.assign(ranges.begin(), ranges.begin() + loops.numBatch);
  loops.lhs = contraction.getDpsInputOperand(0);
  loops.rhs = contraction.getDpsInputOperand(1);
  loops.lhsMap = contraction.getMatchingIndexingMap(loops.lhs);
  loops.rhsMap = contraction.getMatchingIndexingMap(loops.rhs);
  if (!loops.lhsMap.isFunctionOfDim(loops.mDim) ||
      loops.lhsMap.isFunctionOfDim(loops.nDim) ||
      !loops.rhsMap.isFunctionOfDim(loops.nDim) ||
      loops.rhsMap.isFunctionOfDim(loops.mDim))
    return std::nullopt;
  loops.accumulator = cast<RankedTensorType>(contraction.getResult(0).getType())
                          .getElementType();
  return loops;
}

Value tgc::stripReshapes(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}
