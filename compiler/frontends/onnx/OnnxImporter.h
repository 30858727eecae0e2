//===- OnnxImporter.h - ONNX models in: a checked tg module -----*- C++ -*-===//
//
// The ONNX front end: reads a model with Debian's ONNX protobuf library and
// builds one public function, @main, of tg ops: graph inputs (that are not
// initializers) become its arguments and graph outputs its results, in
// order. Shapes must be static: symbolic dimensions are given sizes by the
// caller. Weights become dense_resource constants whose blobs point at the
// model's own bytes (or at the mapped external data file), so they are never
// printed as text nor copied.
//
// What tg cannot express (an op, an attribute, an element type, a dynamic
// shape) is an error at the node, naming it and what would be needed; the
// importer never drops anything silently. docs/onnx.md lists what is
// supported.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_FRONTENDS_ONNX_ONNXIMPORTER_H
#define TGC_COMPILER_FRONTENDS_ONNX_ONNXIMPORTER_H

#include "compiler/ExternalWeights.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace tgc {

struct OnnxImportOptions {
  /// Sizes of symbolic dimensions, by their dim_param name.
  llvm::StringMap<int64_t> dims;
  /// Whole shapes of graph inputs, by input name (override the model's).
  llvm::StringMap<std::vector<int64_t>> inputShapes;
  /// safetensors files whose tensors replace the initializers of the same
  /// name, or become weights in place of graph inputs of that name (models
  /// exported without their parameters).
  std::vector<std::string> weightFiles;
  /// When set (tgc --weights=external), every tensor of `weightFiles` that
  /// becomes a constant is recorded here, so that the bundle refers to it
  /// rather than holding its bytes.
  ExternalWeights *externalWeights = nullptr;
};

/// Adds a command-line style "NAME=SIZE" (a symbolic dimension's size) to
/// `options`; false, with `error` saying why, when it is not of that form.
bool addOnnxDimOption(llvm::StringRef nameEqualsSize,
                      OnnxImportOptions &options, std::string &error);
/// Adds "NAME=AxBxC" (or "NAME=scalar"): a graph input's whole shape.
bool addOnnxInputShapeOption(llvm::StringRef nameEqualsShape,
                             OnnxImportOptions &options, std::string &error);

/// The importer's diagnostics have no source lines, only the model and the
/// node: "model.onnx: node 'Add_3' (Add): error: ...", one line per message
/// and note.
std::string formatOnnxDiagnostic(mlir::Diagnostic &diag);

/// Whether a model file is ONNX rather than MLIR: by its extension, else by
/// its first byte (a ModelProto starts with field 1, ir_version: 0x08; MLIR
/// text and bytecode never do).
bool looksLikeOnnx(llvm::StringRef path, llvm::StringRef firstBytes);

/// Imports the model at `path`. Null on failure, after a diagnostic located
/// at the node (NameLoc "model.onnx: node 'name' (OpType)").
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(llvm::StringRef path,
                                                  mlir::MLIRContext *context,
                                                  const OnnxImportOptions &);

/// The op types (default domain) the importer converts, sorted, each with
/// the ONNX versions it implements: "Add 13 14", "Softmax 13".
std::vector<std::string> onnxSupportedOps();

} // namespace tgc

#endif // TGC_COMPILER_FRONTENDS_ONNX_ONNXIMPORTER_H
