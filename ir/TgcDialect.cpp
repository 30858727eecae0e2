//===- TgcDialect.cpp - compiler-internal kernel metadata -----------------===//

#include "ir/TgcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tgc;

#include "ir/TgcDialect.cpp.inc"
#include "ir/TgcEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "ir/TgcAttrs.cpp.inc"
#define GET_OP_CLASSES
#include "ir/TgcOps.cpp.inc"

void TgcDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ir/TgcAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "ir/TgcOps.cpp.inc"
      >();
}

std::optional<KernelKind> tgc::getKernelKind(Operation *op) {
  auto *dialect = op->getContext()->getLoadedDialect<TgcDialect>();
  if (!dialect)
    return std::nullopt;
  if (KernelKindAttr kind = dialect->getKernelAttrHelper().getAttr(op))
    return kind.getValue();
  return std::nullopt;
}

/// A launch shape: `size` positive entries.
static LogicalResult verifyLaunchShape(Operation *op, StringRef name,
                                       DenseI64ArrayAttr shape, size_t size) {
  if (shape.size() != size ||
      llvm::any_of(shape.asArrayRef(), [](int64_t v) { return v < 1; }))
    return op->emitError() << "'" << name << "' must hold " << size
                           << " positive sizes, not " << shape;
  return success();
}

LogicalResult TgcDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  StringRef name = attribute.getName().getValue();
  Attribute value = attribute.getValue();
  if (name == getNanFreeAttrHelper().getName()) {
    if (!isa<UnitAttr>(value))
      return op->emitError() << "'" << name << "' must be a unit attribute";
    return success();
  }
  if (name == getHostVectorShapeAttrHelper().getName()) {
    auto shape = dyn_cast<DenseI64ArrayAttr>(value);
    if (!isa<ModuleOp>(op) || !shape || shape.size() != 2 ||
        llvm::any_of(shape.asArrayRef(), [](int64_t v) { return v < 1; }))
      return op->emitError()
             << "'" << name
             << "' must be two positive sizes on the host kernel module";
    return success();
  }
  if (!isa<FunctionOpInterface>(op))
    return op->emitError() << "'" << name
                           << "' is only valid on kernel functions";
  if (name == getKernelAttrHelper().getName()) {
    if (!isa<KernelKindAttr>(value))
      return op->emitError()
             << "'" << name << "' must be a #tgc.kernel_kind, not " << value;
    return success();
  }
  bool known = llvm::is_contained(
      {getRowShapeAttrHelper().getName(), getReducedShapeAttrHelper().getName(),
       getGpuGridAttrHelper().getName(), getGpuBlockAttrHelper().getName(),
       getHostWorkgroupsAttrHelper().getName(),
       getHostWorkspaceAttrHelper().getName()},
      attribute.getName());
  if (!known)
    return op->emitError() << "unknown attribute '" << name << "'";
  std::optional<KernelKind> kind = getKernelKind(op);
  if (!kind)
    return op->emitError() << "'" << name << "' on a function that has no '"
                           << KernelAttrHelper::getNameStr() << "'";
  if (name == getHostWorkgroupsAttrHelper().getName() ||
      name == getHostWorkspaceAttrHelper().getName()) {
    auto count = dyn_cast<IntegerAttr>(value);
    if (!count || count.getInt() < 1)
      return op->emitError()
             << "'" << name << "' must be a positive integer, not " << value;
    return success();
  }
  auto shape = dyn_cast<DenseI64ArrayAttr>(value);
  if (!shape)
    return op->emitError() << "'" << name << "' must be an array<i64>, not "
                           << value;
  if (name == getGpuGridAttrHelper().getName() ||
      name == getGpuBlockAttrHelper().getName())
    return verifyLaunchShape(op, name, shape, 3);
  if (name == getRowShapeAttrHelper().getName() ||
      name == getReducedShapeAttrHelper().getName()) {
    if (*kind != KernelKind::row)
      return op->emitError() << "'" << name << "' on a "
                             << stringifyKernelKind(*kind) << " kernel";
    if (name == getReducedShapeAttrHelper().getName() && shape.empty())
      return op->emitError() << "'" << name << "' must not be empty";
    if (llvm::any_of(shape.asArrayRef(), [](int64_t v) { return v < 1; }))
      return op->emitError() << "'" << name << "' must hold positive sizes";
  }
  return success();
}

LogicalResult AttentionOp::verify() {
  auto q = getQuery().getType(), k = getKey().getType(),
       v = getValue().getType(), result = getResult().getType();
  int64_t rank = q.getRank();
  if (rank < 2)
    return emitOpError("needs operands of rank 2 or more");
  for (RankedTensorType t : {k, v, result})
    if (t.getRank() != rank)
      return emitOpError("needs operands and result of one rank");
  if (!q.hasStaticShape() || !k.hasStaticShape() || !v.hasStaticShape() ||
      !result.hasStaticShape())
    return emitOpError("needs static shapes");
  Type element = q.getElementType();
  if (!isa<FloatType>(element) || k.getElementType() != element ||
      v.getElementType() != element || result.getElementType() != element)
    return emitOpError("needs one floating-point element type");
  ArrayRef<int64_t> batch = q.getShape().drop_back(2);
  int64_t m = q.getDimSize(rank - 2), d = q.getDimSize(rank - 1),
          n = k.getDimSize(rank - 2), e = v.getDimSize(rank - 1);
  if (k.getShape().drop_back(2) != batch || v.getShape().drop_back(2) != batch)
    return emitOpError("needs the same leading dimensions on every operand");
  if (k.getDimSize(rank - 1) != d)
    return emitOpError("needs query and key of one depth");
  if (v.getDimSize(rank - 2) != n)
    return emitOpError("needs as many values as keys");
  SmallVector<int64_t> natural(batch);
  natural.append({m, e});
  SmallVector<int64_t> expected(natural);
  if (std::optional<ArrayRef<int64_t>> perm = getResultPermutation()) {
    SmallVector<int64_t> sorted(*perm);
    llvm::sort(sorted);
    if (int64_t(perm->size()) != rank ||
        llvm::any_of(llvm::enumerate(sorted),
                     [](auto p) { return p.value() != int64_t(p.index()); }))
      return emitOpError("result_permutation must be a permutation of the "
                         "result's dimensions");
    for (int64_t i = 0; i < rank; ++i)
      expected[i] = natural[(*perm)[i]];
  }
  if (result.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("result must be [..., queries, value depth]")
           << (getResultPermutation() ? ", permuted by result_permutation"
                                      : "");
  if (Value mask = getMask()) {
    auto type = cast<RankedTensorType>(mask.getType());
    SmallVector<int64_t> expected(batch);
    expected.append({m, n});
    if (type.getShape() != ArrayRef<int64_t>(expected) ||
        type.getElementType() != element)
      return emitOpError("mask must be [..., queries, keys] of the operands' "
                         "element type");
  }
  if (Value visible = getVisible()) {
    auto type = cast<RankedTensorType>(visible.getType());
    SmallVector<int64_t> expected(batch);
    expected.append({m, n});
    if (type.getShape() != ArrayRef<int64_t>(expected) ||
        !type.getElementType().isSignlessInteger(1))
      return emitOpError("visible must be [..., queries, keys] of i1");
  }
  if (Value count = getKeyCount()) {
    auto type = cast<RankedTensorType>(count.getType());
    SmallVector<int64_t> perQuery(batch);
    perQuery.push_back(m);
    if (!type.getElementType().isSignlessInteger(32) ||
        (type.getRank() != 0 && type.getShape() != ArrayRef<int64_t>(perQuery)))
      return emitOpError("key_count must be a tensor<i32> or i32 "
                         "[..., queries], not ")
             << type;
  }
  return success();
}
