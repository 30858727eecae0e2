//===- KernelEmitter.cpp - scalar code for tensor values ------------------===//

#include "compiler/codegen/KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace tgc;

KernelEmitter::KernelEmitter(OpBuilder &builder, Location loc,
                             func::FuncOp kernel, ValueRange memrefs)
    : b(builder), location(loc), kernel(kernel),
      memrefs(memrefs.begin(), memrefs.end()),
      entryBlock(builder.getInsertionBlock()) {
  scopes.emplace_back();
}

Value KernelEmitter::index(int64_t v) {
  auto it = indexConstants.find(v);
  if (it != indexConstants.end())
    return it->second;
  // Constants live at the top of the entry block so they dominate every
  // use and repeated requests give the same SSA value (which keeps the
  // emit() cache effective).
  OpBuilder top = OpBuilder::atBlockBegin(entryBlock);
  Value c = arith::ConstantIndexOp::create(top, location, v);
  indexConstants[v] = c;
  return c;
}

SmallVector<Value> KernelEmitter::delinearize(Value flat,
                                              ArrayRef<int64_t> shape) {
  SmallVector<Value> result(shape.size());
  Value rest = flat;
  for (int64_t i = shape.size() - 1; i >= 0; --i) {
    if (shape[i] == 1) {
      result[i] = index(0);
      continue;
    }
    if (i == 0) {
      result[i] = rest;
      break;
    }
    result[i] = b.createOrFold<arith::RemUIOp>(location, rest, index(shape[i]));
    rest = b.createOrFold<arith::DivUIOp>(location, rest, index(shape[i]));
  }
  return result;
}

KernelEmitter::Key KernelEmitter::key(Value tensor, ValueRange indices) {
  Key k = {tensor.getAsOpaquePointer()};
  for (Value v : indices)
    k.push_back(v.getAsOpaquePointer());
  return k;
}

Value KernelEmitter::lookup(const Key &k) {
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
    auto found = it->find(k);
    if (found != it->end())
      return found->second;
  }
  return {};
}

void KernelEmitter::define(Value tensor, ValueRange indices, Value v) {
  scopes.back()[key(tensor, indices)] = v;
}

Value KernelEmitter::emit(Value tensor, ValueRange indices) {
  Key k = key(tensor, indices);
  if (Value cached = lookup(k))
    return cached;
  auto provider = tensorProviders.find(tensor);
  Value v = provider != tensorProviders.end() ? provider->second(indices)
                                              : emitUncached(tensor, indices);
  scopes.back()[k] = v;
  return v;
}

Value KernelEmitter::applyMap(AffineExpr expr, ValueRange dims) {
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return dims[d.getPosition()];
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return index(c.getValue());
  auto bin = cast<AffineBinaryOpExpr>(expr);
  Value lhs = applyMap(bin.getLHS(), dims);
  Value rhs = applyMap(bin.getRHS(), dims);
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return b.createOrFold<arith::AddIOp>(location, lhs, rhs);
  case AffineExprKind::Mul:
    return b.createOrFold<arith::MulIOp>(location, lhs, rhs);
  case AffineExprKind::FloorDiv:
    return b.createOrFold<arith::FloorDivSIOp>(location, lhs, rhs);
  case AffineExprKind::CeilDiv:
    return b.createOrFold<arith::CeilDivSIOp>(location, lhs, rhs);
  case AffineExprKind::Mod:
    return b.createOrFold<arith::RemSIOp>(location, lhs, rhs);
  default:
    llvm_unreachable("unexpected affine expression");
  }
}

SmallVector<Value> KernelEmitter::applyMap(AffineMap map, ValueRange dims) {
  SmallVector<Value> result;
  for (AffineExpr e : map.getResults())
    result.push_back(applyMap(e, dims));
  return result;
}

Value KernelEmitter::load(unsigned argument, ValueRange indices) {
  Value memref = memrefs[argument];
  auto type = cast<MemRefType>(memref.getType());
  unsigned width = laneLast.size();
  // Only in the scope lane mode was set in, so lane 0's vector load
  // dominates the other lanes' extracts.
  bool laneScopeActive = scopes.size() == laneScope;
  if (width > 1 && laneScopeActive && !indices.empty() &&
      type.getShape().back() % width == 0 &&
      indices.back() == laneLast[currentLane]) {
    // Contiguous across lanes: one vector load serves all of them.
    SmallVector<Value> prefix(indices.drop_back());
    Key k = key(memref, prefix);
    auto it = vectorLoads.find(k);
    if (currentLane == 0 && it == vectorLoads.end()) {
      auto vectorType = VectorType::get({width}, type.getElementType());
      unsigned bytes = width * type.getElementTypeBitWidth() / 8;
      Value v = vector::LoadOp::create(b, location, vectorType, memref, indices,
                                       /*nontemporal=*/false,
                                       llvm::MaybeAlign(bytes));
      it = vectorLoads.emplace(k, v).first;
    }
    if (it != vectorLoads.end())
      return vector::ExtractOp::create(b, location, it->second,
                                       ArrayRef<int64_t>{currentLane});
  }
  return memref::LoadOp::create(b, location, memref, indices);
}

Value KernelEmitter::emitUncached(Value tensor, ValueRange indices) {
  if (auto arg = dyn_cast<BlockArgument>(tensor)) {
    assert(arg.getOwner()->getParentOp() == kernel.getOperation());
    return load(arg.getArgNumber(), indices);
  }
  Operation *def = tensor.getDefiningOp();
  if (auto reduced = reductionValues.find(def);
      reduced != reductionValues.end())
    return reduced->second;

  if (auto generic = dyn_cast<linalg::GenericOp>(def)) {
    if (isElementwise(generic))
      return emitGeneric(generic, indices, /*acc=*/{}, false);
    return emitSerialReduction(generic, indices);
  }
  if (auto constant = dyn_cast<arith::ConstantOp>(def)) {
    auto dense = cast<DenseElementsAttr>(constant.getValue());
    return arith::ConstantOp::create(
        b, location, cast<TypedAttr>(dense.getSplatValue<Attribute>()));
  }
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def)) {
    ArrayRef<int64_t> shape = expand.getResultType().getShape();
    SmallVector<Value> source;
    for (const ReassociationIndices &group : expand.getReassociationIndices()) {
      Value linear;
      for (int64_t d : group) {
        if (shape[d] == 1)
          continue; // index is 0
        linear = linear ? b.createOrFold<arith::AddIOp>(
                              location,
                              b.createOrFold<arith::MulIOp>(location, linear,
                                                            index(shape[d])),
                              indices[d])
                        : indices[d];
      }
      source.push_back(linear ? linear : index(0));
    }
    return emit(expand.getSrc(), source);
  }
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def)) {
    ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
    // A collapse to rank 0 has no groups; every source dimension is a unit.
    if (collapse.getReassociationIndices().empty())
      return emit(collapse.getSrc(),
                  SmallVector<Value>(shape.size(), index(0)));
    SmallVector<Value> source;
    for (auto [g, group] :
         llvm::enumerate(collapse.getReassociationIndices())) {
      SmallVector<int64_t> groupShape;
      for (int64_t d : group)
        groupShape.push_back(shape[d]);
      llvm::append_range(source, delinearize(indices[g], groupShape));
    }
    return emit(collapse.getSrc(), source);
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def)) {
    // Canonicalization turns slices with unit sizes into rank-reducing ones;
    // a dropped dimension is read at index 0 of the slice.
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<Value> source;
    unsigned next = 0;
    for (int64_t d = 0; d < slice.getSourceType().getRank(); ++d) {
      Value v = dropped.test(d) ? index(0) : indices[next++];
      Value scaled = b.createOrFold<arith::MulIOp>(
          location, v, index(slice.getStaticStrides()[d]));
      source.push_back(b.createOrFold<arith::AddIOp>(
          location, scaled, index(slice.getStaticOffsets()[d])));
    }
    return emit(slice.getSource(), source);
  }
  if (auto concat = dyn_cast<tensor::ConcatOp>(def)) {
    // A chain of branches on the concatenated axis; only the taken branch
    // reads its input, so no out-of-bounds read happens.
    int64_t dim = concat.getDim();
    Type element = concat.getResultType().getElementType();
    std::function<Value(unsigned, int64_t)> branch = [&](unsigned i,
                                                         int64_t offset) {
      Value input = concat.getInputs()[i];
      int64_t size = cast<RankedTensorType>(input.getType()).getDimSize(dim);
      auto read = [&](OpBuilder &nb, Location) {
        SmallVector<Value> shifted(indices);
        shifted[dim] = nb.createOrFold<arith::SubIOp>(location, indices[dim],
                                                      index(offset));
        return emit(input, shifted);
      };
      if (i + 1 == concat.getInputs().size())
        return read(b, location);
      Value inRange =
          arith::CmpIOp::create(b, location, arith::CmpIPredicate::ult,
                                indices[dim], index(offset + size));
      auto ifOp = scf::IfOp::create(
          b, location, inRange,
          [&](OpBuilder &nb, Location l) {
            pushScope();
            Value v = read(nb, l);
            popScope();
            scf::YieldOp::create(nb, l, v);
          },
          [&](OpBuilder &nb, Location l) {
            pushScope();
            Value v = branch(i + 1, offset + size);
            popScope();
            scf::YieldOp::create(nb, l, v);
          });
      (void)element;
      return ifOp.getResult(0);
    };
    return branch(0, 0);
  }
  if (isa<tensor::EmptyOp>(def)) {
    // Uninitialized: only reachable through unused `outs` payload args.
    Type element = cast<RankedTensorType>(tensor.getType()).getElementType();
    return arith::ConstantOp::create(b, location, b.getZeroAttr(element));
  }
  return unsupported(def, "kernel generator cannot evaluate this op",
                     cast<RankedTensorType>(tensor.getType()).getElementType());
}

Value KernelEmitter::unsupported(Operation *op, const Twine &message,
                                 Type type) {
  if (!failed)
    op->emitError(message);
  failed = true;
  return ub::PoisonOp::create(b, location, type);
}

Value KernelEmitter::emitGeneric(linalg::GenericOp op, ValueRange loopIndices,
                                 Value acc, bool reassociate,
                                 Value *contribution) {
  Block &body = op.getRegion().front();
  IRMapping mapping;
  for (OpOperand *input : op.getDpsInputOperands()) {
    SmallVector<Value> at =
        applyMap(op.getMatchingIndexingMap(input), loopIndices);
    mapping.map(body.getArgument(input->getOperandNumber()),
                emit(input->get(), at));
  }
  BlockArgument out = body.getArguments().back();
  if (acc) {
    mapping.map(out, acc);
  } else if (!out.use_empty()) {
    OpOperand *init = op.getDpsInitOperand(0);
    mapping.map(out, emit(init->get(), applyMap(op.getMatchingIndexingMap(init),
                                                loopIndices)));
  }
  Operation *combiner = getCombiner(op);
  for (Operation &inner : body.without_terminator()) {
    if (inner.getNumResults() == 1)
      if (auto provider = providers.find(inner.getResult(0));
          provider != providers.end()) {
        mapping.map(inner.getResult(0), provider->second(loopIndices));
        continue;
      }
    if (auto idx = dyn_cast<linalg::IndexOp>(inner)) {
      mapping.map(idx.getResult(), loopIndices[idx.getDim()]);
      continue;
    }
    if (auto extract = dyn_cast<tensor::ExtractOp>(inner)) {
      SmallVector<Value> at;
      // Indices may be captured constants: unit-dimension folding turns a
      // gather's linalg.index of a size-1 dimension into one.
      for (Value v : extract.getIndices()) {
        mapCapture(op, v, mapping);
        at.push_back(mapping.lookupOrDefault(v));
      }
      mapping.map(extract.getResult(), emit(extract.getTensor(), at));
      continue;
    }
    for (Value operand : inner.getOperands())
      mapCapture(op, operand, mapping);
    Operation *clone = b.clone(inner, mapping);
    if (reassociate && &inner == combiner)
      if (auto fm = dyn_cast<arith::ArithFastMathInterface>(clone))
        clone->setAttr(fm.getFastMathAttrName(),
                       arith::FastMathFlagsAttr::get(
                           b.getContext(), arith::FastMathFlags::reassoc |
                                               arith::FastMathFlags::contract));
  }
  if (contribution && combiner) {
    Value other = combiner->getOperand(0) == out ? combiner->getOperand(1)
                                                 : combiner->getOperand(0);
    mapCapture(op, other, mapping);
    *contribution = mapping.lookupOrDefault(other);
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  mapCapture(op, yield.getOperand(0), mapping);
  return mapping.lookupOrDefault(yield.getOperand(0));
}

void KernelEmitter::mapCapture(Operation *generic, Value operand,
                               IRMapping &mapping) {
  // Scalars a payload captures from the kernel body (constants) are cloned
  // where the payload is emitted.
  if (mapping.contains(operand) ||
      generic->isAncestor(operand.getParentBlock()->getParentOp()))
    return;
  Operation *captured = operand.getDefiningOp();
  if (!captured || !isa<arith::ConstantOp>(captured)) {
    mapping.map(operand,
                unsupported(generic,
                            "kernel generator cannot capture this value",
                            operand.getType()));
    return;
  }
  mapping.map(operand, b.clone(*captured)->getResult(0));
}

Value KernelEmitter::emitReductionStep(linalg::GenericOp reduction,
                                       ValueRange loopIndices, Value acc,
                                       bool reassociate, Value *contribution) {
  return emitGeneric(reduction, loopIndices, acc, reassociate, contribution);
}

Value KernelEmitter::emitSerialReduction(linalg::GenericOp op,
                                         ValueRange outIndices) {
  // Parallel loops are the leading loops and the output map is their
  // identity (isReduction / isContraction), so outIndices are the parallel
  // loop indices.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned numParallel = op.getNumParallelLoops();
  OpOperand *init = op.getDpsInitOperand(0);
  Value acc = emit(init->get(), outIndices);
  SmallVector<Value> loopIndices(outIndices);
  std::function<Value(unsigned, Value)> nest = [&](unsigned dim,
                                                   Value current) -> Value {
    // Reassociable, so LLVM vectorizes the innermost loop with several
    // accumulators: a dependent chain of adds ran a matrix-vector product
    // (an LLM decode step) at one element per add latency.
    if (dim == ranges.size())
      return emitGeneric(op, loopIndices, current, /*reassociate=*/true);
    auto loop = scf::ForOp::create(b, location, index(0), index(ranges[dim]),
                                   index(1), current);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    pushScope();
    loopIndices.push_back(loop.getInductionVar());
    Value next = nest(dim + 1, loop.getRegionIterArgs()[0]);
    loopIndices.pop_back();
    popScope();
    scf::YieldOp::create(b, location, next);
    return loop.getResult(0);
  };
  (void)numParallel;
  return nest(op.getNumParallelLoops(), acc);
}
