//===- FormDispatches.cpp - group linalg ops into kernels -----------------===//
//
// After elementwise fusion, the remaining ops fall in three groups:
//   - inlinable ops (elementwise generics, reshapes, slices, concats) are
//     evaluated by index arithmetic inside every kernel that reads them;
//   - reductions and contractions are "heavy": each is computed in exactly
//     one kernel;
//   - function results must be materialized.
// A kernel (dispatch region) has one root whose value it writes. It absorbs
// heavy producers whose every use lies inside it when the kernel template
// can compute them there: reductions over the same rows (softmax, layer_norm
// → one kernel), or a contraction followed by an elementwise epilogue.
// Each region is outlined into a function tagged `tgc.kernel = "<kind>"`
// and replaced by a call.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/transforms/LinalgAnalysis.h"
#include "format/SymbolNames.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

namespace tgc {
#define GEN_PASS_DEF_TGCFORMDISPATCHES
#include "compiler/Passes.h.inc"
} // namespace tgc

using namespace mlir;
using namespace tgc;

namespace {

/// Payload that only forwards its first input (transpose, broadcast copy).
bool isPureCopy(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  return op.getNumDpsInputs() == 1 && body.getOperations().size() == 1 &&
         yield.getOperand(0) == body.getArgument(0);
}

LogicalResult prepare(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  IRRewriter rewriter(ctx);
  // Everything becomes linalg.generic: the kernel generator and the
  // structural queries in LinalgAnalysis work on generics only.
  SmallVector<linalg::LinalgOp> named;
  func.walk([&](linalg::LinalgOp op) {
    if (!isa<linalg::GenericOp>(op))
      named.push_back(op);
  });
  for (linalg::LinalgOp op : named) {
    rewriter.setInsertionPoint(op);
    if (failed(linalg::generalizeNamedOp(rewriter, op)))
      return op->emitError("cannot generalize ") << op->getName();
  }

  // Drop unit dimensions (keep_dims reductions, size-1 broadcasts) so that
  // broadcasts become projected permutations that fusion understands.
  {
    RewritePatternSet patterns(ctx);
    linalg::ControlDropUnitDims options;
    linalg::populateFoldUnitExtentDimsPatterns(patterns, options);
    linalg::populateFoldUnitExtentDimsCanonicalizationPatterns(patterns,
                                                               options);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return func.emitError("dropping unit dimensions did not converge");
  }

  // Fuse elementwise producers into consumers. A contraction only takes
  // pure copies (transposes, broadcasts): they fold into its indexing maps
  // and keep its payload a plain multiply-add.
  {
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *operand) {
          auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
          if (!producer)
            return false;
          // Kernels have one result, so no fusion may keep the producer's
          // result as an extra one. Upstream keeps it when the producer
          // reads its init (a reduction over unit extents, parallel once
          // they are dropped), when its init is the only operand giving a
          // reducing consumer its loop bounds (x^c for a broadcast x, fed
          // to a full reduction), or when others use it.
          auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
          if (consumer &&
              !linalg::getPreservedProducerResults(producer, consumer, operand)
                   .empty())
            return false;
          if (isContraction(operand->getOwner()))
            return isPureCopy(producer);
          return true;
        });
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    for (Dialect *dialect : ctx->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return func.emitError("elementwise fusion did not converge");
  }
  DominanceInfo dominance;
  eliminateCommonSubExpressions(rewriter, dominance, func);
  return success();
}

/// An elementwise op whose payload a kernel may evaluate several times per
/// element at no real cost next to the multiply-adds each loaded element
/// feeds: conversions, copies (transposes, broadcasts) and a few plain
/// arithmetic ops (a scale, a bias), but no transcendental, square root or
/// division.
bool isCheapToRecompute(Operation *op) {
  constexpr int kMaxArithmetic = 4;
  int arithmetic = 0;
  for (Operation &inner :
       cast<linalg::GenericOp>(op).getRegion().front().without_terminator()) {
    if (isa<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::UIToFPOp,
            arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp, arith::BitcastOp,
            arith::IndexCastOp, arith::ConstantOp, linalg::IndexOp,
            tensor::ExtractOp>(inner))
      continue;
    if (isa<math::MathDialect>(inner.getDialect()) ||
        isa<arith::DivFOp, arith::DivSIOp, arith::DivUIOp, arith::RemFOp,
            arith::RemSIOp, arith::RemUIOp, arith::FloorDivSIOp,
            arith::CeilDivSIOp>(inner) ||
        ++arithmetic > kMaxArithmetic)
      return false;
  }
  return true;
}

bool isHeavy(Operation *op) {
  return (isa<linalg::GenericOp>(op) && !isInlinable(op)) ||
         isa<AttentionOp, tg::DynamicUpdateSliceOp>(op);
}

using Kind = tgc::KernelKind;

struct Region {
  Operation *root;
  Kind kind;
  llvm::SetVector<Operation *> heavy; // absorbed heavy ops, root included
  // Row kernels: shape of the rows and of the reduced extent.
  SmallVector<int64_t> rowShape, reducedShape;
};

/// Shapes of the parallel and reduced loops of a reduction.
void loopShapes(linalg::GenericOp op, SmallVector<int64_t> &parallel,
                SmallVector<int64_t> &reduced) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
    (it == utils::IteratorType::parallel ? parallel : reduced)
        .push_back(ranges[i]);
}

/// A reduction reads rows contiguously when its innermost loop is the
/// innermost index of every input that depends on it.
bool readsRowsContiguously(linalg::GenericOp op) {
  unsigned last = op.getNumLoops() - 1;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.isFunctionOfDim(last))
      continue;
    if (map.getNumResults() == 0 ||
        map.getResults().back() != getAffineDimExpr(last, op.getContext()))
      return false;
  }
  return true;
}

/// Checks that every read of a row kernel's reductions happens at the row
/// being computed: composing index maps from the kernel's root down to each
/// reduction must give exactly the leading row dimensions of the reading
/// frame. `map` goes from the current frame's loops to `value`'s indices; a
/// null map means data-dependent indices (gather).
class RowAccessChecker {
public:
  RowAccessChecker(const Region &region) : region(region) {}

  bool check(Value value, AffineMap map, unsigned numRowDims) {
    auto key =
        std::make_tuple(value.getAsOpaquePointer(),
                        map ? map.getAsOpaquePointer() : nullptr, numRowDims);
    if (!visited.insert(key).second)
      return true;
    Operation *def = value.getDefiningOp();
    if (!def)
      return true;
    // The root may also be a view of a reduction (a returned slice of it),
    // which is checked like any view below.
    if (region.heavy.contains(def) && isa<linalg::GenericOp>(def)) {
      auto generic = cast<linalg::GenericOp>(def);
      if (def != region.root) {
        // The reduction's value is read: must be at the row.
        if (!map || map.getNumResults() != numRowDims)
          return false;
        for (unsigned i = 0; i < numRowDims; ++i)
          if (map.getResult(i) != getAffineDimExpr(i, def->getContext()))
            return false;
      }
      return checkGenericInputs(generic, numRowDims);
    }
    if (!isInlinable(def))
      return true; // materialized elsewhere
    if (auto generic = dyn_cast<linalg::GenericOp>(def)) {
      // Elementwise: its loops are its output indices.
      for (OpOperand *input : generic.getDpsInputOperands()) {
        AffineMap inputMap = generic.getMatchingIndexingMap(input);
        if (!check(input->get(), map ? inputMap.compose(map) : AffineMap(),
                   numRowDims))
          return false;
      }
      return checkCaptures(generic, numRowDims);
    }
    if (!map)
      return check(def->getOperand(0), AffineMap(), numRowDims);
    MLIRContext *ctx = def->getContext();
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def)) {
      // Source index of each group = linearized result indices.
      SmallVector<AffineExpr> exprs;
      ArrayRef<int64_t> shape = expand.getResultType().getShape();
      for (const ReassociationIndices &group :
           expand.getReassociationIndices()) {
        AffineExpr e = getAffineConstantExpr(0, ctx);
        for (int64_t d : group)
          e = e * shape[d] + map.getResult(d);
        exprs.push_back(e);
      }
      return check(expand.getSrc(),
                   AffineMap::get(map.getNumDims(), 0, exprs, ctx), numRowDims);
    }
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def)) {
      SmallVector<AffineExpr> exprs;
      ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
      // A collapse to rank 0 has no groups; every source dimension is a unit.
      if (collapse.getReassociationIndices().empty())
        exprs.assign(shape.size(), getAffineConstantExpr(0, ctx));
      for (auto [g, group] :
           llvm::enumerate(collapse.getReassociationIndices())) {
        int64_t stride = 1;
        SmallVector<AffineExpr> groupExprs;
        for (int64_t d : llvm::reverse(group)) {
          groupExprs.push_back((map.getResult(g).floorDiv(stride)) % shape[d]);
          stride *= shape[d];
        }
        exprs.append(groupExprs.rbegin(), groupExprs.rend());
      }
      return check(collapse.getSrc(),
                   AffineMap::get(map.getNumDims(), 0, exprs, ctx), numRowDims);
    }
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def)) {
      // A rank-reducing slice reads its dropped dimensions at index 0.
      llvm::SmallBitVector dropped = slice.getDroppedDims();
      SmallVector<AffineExpr> exprs;
      unsigned next = 0;
      for (int64_t d = 0; d < slice.getSourceType().getRank(); ++d) {
        AffineExpr e = dropped.test(d) ? getAffineConstantExpr(0, ctx)
                                       : map.getResult(next++);
        exprs.push_back(e * slice.getStaticStrides()[d] +
                        slice.getStaticOffsets()[d]);
      }
      return check(slice.getSource(),
                   AffineMap::get(map.getNumDims(), 0, exprs, ctx), numRowDims);
    }
    if (auto concat = dyn_cast<tensor::ConcatOp>(def)) {
      int64_t offset = 0;
      for (Value input : concat.getInputs()) {
        SmallVector<AffineExpr> exprs(map.getResults());
        exprs[concat.getDim()] = exprs[concat.getDim()] - offset;
        if (!check(input, AffineMap::get(map.getNumDims(), 0, exprs, ctx),
                   numRowDims))
          return false;
        offset +=
            cast<RankedTensorType>(input.getType()).getDimSize(concat.getDim());
      }
      return true;
    }
    return true; // tensor.empty
  }

private:
  bool checkGenericInputs(linalg::GenericOp generic, unsigned numRowDims) {
    for (OpOperand *input : generic.getDpsInputOperands())
      if (!check(input->get(), generic.getMatchingIndexingMap(input),
                 numRowDims))
        return false;
    return checkCaptures(generic, numRowDims);
  }
  /// Tensors read with tensor.extract inside a payload: unknown indices.
  bool checkCaptures(linalg::GenericOp generic, unsigned numRowDims) {
    bool ok = true;
    generic.getRegion().walk([&](tensor::ExtractOp extract) {
      ok &= check(extract.getTensor(), AffineMap(), numRowDims);
    });
    return ok;
  }

  const Region &region;
  std::set<std::tuple<const void *, const void *, unsigned>> visited;
};

/// Heavy ops reachable from `op`'s operands through inlinable ops.
void collectHeavyProducers(Operation *op, SmallVectorImpl<Operation *> &out) {
  SmallVector<Value> worklist;
  llvm::DenseSet<Value> seen;
  auto pushOperands = [&](Operation *o) {
    for (Value v : o->getOperands())
      worklist.push_back(v);
    o->walk([&](tensor::ExtractOp extract) {
      worklist.push_back(extract.getTensor());
    });
  };
  pushOperands(op);
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    Operation *def = v.getDefiningOp();
    if (!def)
      continue;
    if (isInlinable(def))
      pushOperands(def);
    else if (isHeavy(def) && !llvm::is_contained(out, def))
      out.push_back(def);
  }
}

class DispatchFormer {
public:
  /// `symbols`: the names the module's symbols have, kernels added as they
  /// are made.
  DispatchFormer(func::FuncOp func, llvm::StringSet<> &symbols)
      : func(func), symbols(symbols) {}

  LogicalResult run(int &kernelCounter) {
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    // Roots: heavy ops and returned values that are not views of
    // materialized values, latest first.
    SmallVector<Operation *> ops;
    for (Operation &op : func.getBody().front())
      ops.push_back(&op);
    // A returned value is computed by a kernel rooted at the op under its
    // reshapes, so the kernel writes the value and the reshape is a view.
    llvm::DenseSet<Operation *> returnedRoots;
    for (Value v : ret.getOperands()) {
      Value base = stripReshapes(v);
      Operation *def = base.getDefiningOp();
      if (def && isInlinable(def) && !isa<tensor::EmptyOp>(def))
        returnedRoots.insert(def);
    }
    llvm::DenseSet<Operation *> normalizedRoots =
        normalizationsFeedingMatmuls();
    llvm::DenseSet<Operation *> expensiveOperands = expensiveMatmulOperands();
    for (Operation *op : llvm::reverse(ops)) {
      if (owner.count(op))
        continue;
      if (isHeavy(op) || returnedRoots.contains(op) ||
          expensiveOperands.contains(op)) {
        formRegion(op);
      } else if (normalizedRoots.contains(op)) {
        formRegion(op);
        // Nothing absorbed: inlining it into the matmul costs no kernel.
        if (regions.back().heavy.size() == 1) {
          owner.erase(op);
          regions.pop_back();
        }
      }
    }
    for (Region &region : regions)
      if (failed(outline(region, kernelCounter)))
        return failure();
    return success();
  }

private:
  /// Elementwise results of row reductions over their own rows (softmax,
  /// layer_norm, rms_norm) that a contraction reads. Inlined into the
  /// contraction, each of their reductions would be a kernel of its own and
  /// the normalization would be recomputed for every tile that loads the
  /// element; as kernel roots they become one row kernel (attention's
  /// softmax before P·V, layer_norm before a projection).
  llvm::DenseSet<Operation *> normalizationsFeedingMatmuls() {
    llvm::DenseSet<Operation *> roots;
    func.walk([&](Operation *contraction) {
      if (!isContraction(contraction))
        return;
      for (Value input : cast<linalg::GenericOp>(contraction).getDpsInputs()) {
        Operation *def = stripReshapes(input).getDefiningOp();
        if (!def || !isInlinable(def) || !isElementwise(def))
          continue;
        auto shape =
            cast<RankedTensorType>(def->getResult(0).getType()).getShape();
        SmallVector<Operation *> producers;
        collectHeavyProducers(def, producers);
        if (llvm::any_of(producers, [&](Operation *producer) {
              if (!isReduction(producer) ||
                  !readsRowsContiguously(cast<linalg::GenericOp>(producer)))
                return false;
              SmallVector<int64_t> rows, reduced;
              loopShapes(cast<linalg::GenericOp>(producer), rows, reduced);
              rows.append(reduced);
              return ArrayRef<int64_t>(rows) == shape;
            }))
          roots.insert(def);
      }
    });
    return roots;
  }

  /// Elementwise operands of contractions that are not cheap to evaluate.
  /// A matmul kernel loads each operand element once per tile of the other
  /// operand (N / tileN times for the lhs), so an inlined activation would
  /// run that many times per element (the MLP's gelu: 16 times on the host,
  /// more on GPUs). As kernel roots they are computed once: fused as the
  /// epilogue of the matmul that produces them when there is one, else in
  /// an elementwise kernel of their own.
  llvm::DenseSet<Operation *> expensiveMatmulOperands() {
    llvm::DenseSet<Operation *> roots;
    func.walk([&](Operation *contraction) {
      if (!isContraction(contraction))
        return;
      for (Value input : cast<linalg::GenericOp>(contraction).getDpsInputs()) {
        Operation *def = stripReshapes(input).getDefiningOp();
        if (def && isInlinable(def) && isElementwise(def) &&
            !isCheapToRecompute(def))
          roots.insert(def);
      }
    });
    return roots;
  }

  /// Ops that consume `op`'s result other than by inlining it: heavy ops,
  /// region roots and func.return, looking through inlinable ops.
  void collectHeavyUsers(Operation *op, llvm::SetVector<Operation *> &users) {
    SmallVector<Operation *> worklist = {op};
    llvm::DenseSet<Operation *> seen;
    while (!worklist.empty()) {
      Operation *cur = worklist.pop_back_val();
      for (Operation *user : cur->getUsers()) {
        // Uses inside a payload (tensor.extract) belong to the generic.
        while (user->getParentOp() && !isa<func::FuncOp>(user->getParentOp()))
          user = user->getParentOp();
        if (!seen.insert(user).second)
          continue;
        if (isInlinable(user) && !owner.count(user))
          worklist.push_back(user);
        else
          users.insert(user);
      }
    }
  }

  void formRegion(Operation *root) {
    regions.push_back(Region{root, Kind::elementwise, {}, {}, {}});
    Region &region = regions.back();
    region.heavy.insert(root);
    owner[root] = regions.size() - 1;

    if (isContraction(root)) {
      region.kind = Kind::matmul;
      return;
    }
    if (isa<AttentionOp>(root)) {
      region.kind = Kind::attention;
      return;
    }
    if (isa<tg::DynamicUpdateSliceOp>(root)) {
      region.kind = Kind::update_slice;
      return;
    }
    if (isInlinable(root)) {
      if (isElementwise(root) && tryMatmulEpilogue(region))
        return;
    } else if (isReduction(root) &&
               readsRowsContiguously(cast<linalg::GenericOp>(root))) {
      region.kind = Kind::row;
      loopShapes(cast<linalg::GenericOp>(root), region.rowShape,
                 region.reducedShape);
    } else {
      region.kind = Kind::generic;
      return;
    }
    absorbReductions(region);
  }

  /// root(elementwise) reads a contraction at its own indices: one kernel.
  bool tryMatmulEpilogue(Region &region) {
    auto root = cast<linalg::GenericOp>(region.root);
    for (OpOperand *input : root.getDpsInputOperands()) {
      Operation *def = input->get().getDefiningOp();
      if (!def || !isContraction(def) || owner.count(def) ||
          !root.getMatchingIndexingMap(input).isIdentity())
        continue;
      llvm::SetVector<Operation *> users;
      collectHeavyUsers(def, users);
      if (users.size() != 1 || users[0] != region.root)
        continue;
      region.kind = Kind::matmul;
      region.heavy.insert(def);
      owner[def] = regions.size() - 1;
      return true;
    }
    return false;
  }

  /// Pulls in reductions over the same rows, transitively.
  void absorbReductions(Region &region) {
    SmallVector<Operation *> candidates;
    collectHeavyProducers(region.root, candidates);
    while (!candidates.empty()) {
      Operation *op = candidates.pop_back_val();
      if (owner.count(op) || !isReduction(op) ||
          !readsRowsContiguously(cast<linalg::GenericOp>(op)))
        continue;
      SmallVector<int64_t> rows, reduced;
      loopShapes(cast<linalg::GenericOp>(op), rows, reduced);
      if (region.kind == Kind::elementwise) {
        // The root must cover whole rows: its shape is rows or rows+reduced.
        auto rootShape =
            cast<RankedTensorType>(region.root->getResult(0).getType())
                .getShape();
        SmallVector<int64_t> full(rows);
        full.append(reduced);
        if (rootShape != ArrayRef<int64_t>(rows) &&
            rootShape != ArrayRef<int64_t>(full))
          continue;
      } else if (rows != region.rowShape || reduced != region.reducedShape) {
        continue;
      }
      llvm::SetVector<Operation *> users;
      collectHeavyUsers(op, users);
      if (!llvm::all_of(users,
                        [&](Operation *u) { return region.heavy.contains(u); }))
        continue;
      // Tentatively absorb and check every read happens at the row.
      Kind previousKind = region.kind;
      region.heavy.insert(op);
      if (region.kind == Kind::elementwise) {
        region.kind = Kind::row;
        region.rowShape = rows;
        region.reducedShape = reduced;
      }
      if (!rowAccessesValid(region)) {
        region.heavy.remove(op);
        region.kind = previousKind;
        if (previousKind == Kind::elementwise) {
          region.rowShape.clear();
          region.reducedShape.clear();
        }
        continue;
      }
      owner[op] = regions.size() - 1;
      collectHeavyProducers(op, candidates);
    }
  }

  bool rowAccessesValid(const Region &region) {
    RowAccessChecker checker(region);
    unsigned rows = region.rowShape.size();
    auto type = cast<RankedTensorType>(region.root->getResult(0).getType());
    AffineMap identity =
        AffineMap::getMultiDimIdentityMap(type.getRank(), func.getContext());
    return checker.check(region.root->getResult(0), identity, rows);
  }

  /// Outlines a region into `@<func>_kernel<N>(materialized inputs) ->
  /// root value` and replaces it with a call.
  LogicalResult outline(Region &region, int &kernelCounter) {
    // Ops to clone: the heavy ops and the inlinable ops they read, in
    // program order; values defined outside become arguments.
    llvm::SetVector<Operation *> members;
    llvm::SetVector<Value> arguments;
    SmallVector<Operation *> worklist(region.heavy.begin(), region.heavy.end());
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (!members.insert(op))
        continue;
      SmallVector<Value> used(op->getOperands());
      op->walk([&](Operation *nested) {
        for (Value v : nested->getOperands())
          if (!op->isAncestor(v.getParentBlock()->getParentOp()))
            used.push_back(v);
      });
      for (Value v : used) {
        Operation *def = v.getDefiningOp();
        if (!def) {
          arguments.insert(v);
          continue;
        }
        if (region.heavy.contains(def))
          continue;
        if (auto constant = dyn_cast<arith::ConstantOp>(def)) {
          auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
          if (!isa<RankedTensorType>(constant.getType()) ||
              (dense && dense.isSplat()))
            worklist.push_back(def); // scalars and splats are cloned
          else
            arguments.insert(v);
          continue;
        }
        // The root of another kernel that absorbed reductions cannot be
        // recomputed here (its reductions live only in that kernel): read
        // its materialized result. Nor is a value the function returns: it
        // is materialized anyway, and recomputing it here would read its
        // operands again after its kernel may have written over one of them
        // (a KV cache update whose input the caller donated to the output,
        // docs/runtime.md) besides doing the work twice.
        if (auto other = owner.find(def);
            other != owner.end() && regions[other->second].root == def &&
            (regions[other->second].heavy.size() > 1 ||
             llvm::any_of(def->getUsers(), [](Operation *user) {
               return isa<func::ReturnOp>(user);
             }))) {
          arguments.insert(v);
          continue;
        }
        if (isInlinable(def))
          worklist.push_back(def);
        else
          arguments.insert(v);
      }
    }
    SmallVector<Operation *> ordered(members.begin(), members.end());
    llvm::sort(ordered, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });

    OpBuilder builder(func);
    Value result = region.root->getResult(0);
    SmallVector<Type> argumentTypes;
    for (Value v : arguments)
      argumentTypes.push_back(v.getType());
    auto type =
        FunctionType::get(func.getContext(), argumentTypes, result.getType());
    // The name becomes the kernel's symbol in PTX, HSACO and ELF code, which
    // accept fewer characters than MLIR names (format/SymbolNames.h); a
    // user function may already be called like a kernel.
    std::string name;
    do {
      name = mangleSymbol(func.getSymName().str()) + "_kernel" +
             std::to_string(kernelCounter++);
    } while (!symbols.insert(name).second);
    auto kernel =
        func::FuncOp::create(builder, region.root->getLoc(), name, type);
    kernel.setPrivate();
    auto *tgc = func.getContext()->getLoadedDialect<TgcDialect>();
    tgc->getKernelAttrHelper().setAttr(
        kernel, KernelKindAttr::get(func.getContext(), region.kind));
    if (region.kind == Kind::row) {
      tgc->getRowShapeAttrHelper().setAttr(
          kernel, builder.getDenseI64ArrayAttr(region.rowShape));
      tgc->getReducedShapeAttrHelper().setAttr(
          kernel, builder.getDenseI64ArrayAttr(region.reducedShape));
    }
    Block *entry = kernel.addEntryBlock();
    IRMapping mapping;
    for (auto [arg, v] : llvm::zip(entry->getArguments(), arguments))
      mapping.map(v, arg);
    OpBuilder body = OpBuilder::atBlockEnd(entry);
    for (Operation *op : ordered)
      body.clone(*op, mapping);
    func::ReturnOp::create(body, region.root->getLoc(), mapping.lookup(result));

    builder.setInsertionPoint(region.root);
    auto call = func::CallOp::create(builder, region.root->getLoc(), kernel,
                                     arguments.getArrayRef());
    result.replaceAllUsesWith(call.getResult(0));
    return success();
  }

  func::FuncOp func;
  /// A set rather than a module scan per kernel, which made forming K
  /// kernels O(K^2).
  llvm::StringSet<> &symbols;
  std::deque<Region> regions;
  llvm::DenseMap<Operation *, size_t> owner;
};

struct TgcFormDispatches : tgc::impl::TgcFormDispatchesBase<TgcFormDispatches> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> entries;
    llvm::StringSet<> symbols;
    for (Operation &op : module.getBody()->getOperations())
      if (auto symbol = dyn_cast<SymbolOpInterface>(op))
        symbols.insert(symbol.getName());
    for (auto func : module.getOps<func::FuncOp>())
      if (!isKernelFunction(func) && !func.isExternal())
        entries.push_back(func);
    for (func::FuncOp func : entries) {
      if (failed(prepare(func))) {
        signalPassFailure();
        return;
      }
      int counter = 0;
      DispatchFormer former(func, symbols);
      if (failed(former.run(counter))) {
        signalPassFailure();
        return;
      }
      // Everything now lives in kernels; drop what the entry no longer uses.
      IRRewriter rewriter(func.getContext());
      (void)runRegionDCE(rewriter, func.getBody());
    }
  }
};

} // namespace
