//===- TgcDialect.h - compiler-internal kernel metadata ---------*- C++ -*-===//

#ifndef TGC_IR_TGCDIALECT_H
#define TGC_IR_TGCDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ir/TgcEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/TgcAttrs.h.inc"

#include "ir/TgcDialect.h.inc"

#define GET_OP_CLASSES
#include "ir/TgcOps.h.inc"

namespace tgc {

/// The kind of a kernel function, or nullopt for any other function.
std::optional<KernelKind> getKernelKind(mlir::Operation *op);
inline bool isKernelFunction(mlir::Operation *op) {
  return getKernelKind(op).has_value();
}

} // namespace tgc

#endif // TGC_IR_TGCDIALECT_H
