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

void TgcDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ir/TgcAttrs.cpp.inc"
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
