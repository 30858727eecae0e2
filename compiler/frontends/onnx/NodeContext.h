//===- NodeContext.h - what an op converter sees of its node ----*- C++ -*-===//
//
// Internal to the ONNX front end. An op converter reads its inputs (as tg
// values, or as tensors known at import time), its attributes and the
// opset, and sets its outputs. NodeContext records which attributes and
// inputs the converter read, so that the importer can reject any it did not:
// nothing in a node is silently dropped.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_COMPILER_FRONTENDS_ONNX_NODECONTEXT_H
#define TGC_COMPILER_FRONTENDS_ONNX_NODECONTEXT_H

#include "compiler/frontends/onnx/OnnxModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <set>

namespace onnx {
class AttributeProto;
class NodeProto;
} // namespace onnx

namespace tgc::onnx_import {

/// What a name in the graph stands for: a tg value, a tensor known at
/// import time, or a weight (an initializer) made into a constant on first
/// use. `type` is the ONNX element type: int64 values are i32 tensors in tg.
struct OnnxValue {
  mlir::Value value;
  std::optional<HostTensor> host;
  const onnx::TensorProto *initializer = nullptr;
  /// A weight from a safetensors file: its bytes, kept alive by `owner`.
  llvm::ArrayRef<char> weightBytes;
  std::string weightName;
  std::shared_ptr<const void> owner;
  int32_t type = kUndefined;
  std::vector<int64_t> shape;
  /// Set for an optional output the importer does not compute: the node.
  std::string notComputedBy;
};

class Importer;

class NodeContext {
public:
  NodeContext(Importer &importer, const onnx::NodeProto &node, int64_t opset,
              mlir::Location loc);

  const onnx::NodeProto &node;
  /// The opset of the node's domain that the model imports.
  const int64_t opset;
  const mlir::Location loc;
  mlir::OpBuilder &b;

  //===--- inputs ---------------------------------------------------------===//
  /// Inputs present (an empty name is an omitted optional input).
  bool has(int i) const;
  int numInputs() const;
  /// The value, its ONNX element type and shape; `has(i)` must hold.
  const OnnxValue &get(int i);
  int32_t type(int i) { return get(i).type; }
  llvm::ArrayRef<int64_t> shape(int i) { return get(i).shape; }
  int64_t rank(int i) { return get(i).shape.size(); }
  /// The input as a tg tensor (a constant is made for known values).
  mlir::FailureOr<mlir::Value> value(int i);
  /// The input's value if it is known at import time (small), else null.
  const HostTensor *known(int i);
  /// A required import-time integer list (axes, shapes, pads): an error
  /// naming `what` if the input is computed at run time.
  mlir::FailureOr<std::vector<int64_t>> ints(int i, llvm::StringRef what);
  /// Marks inputs [from, numInputs) as handled (optional inputs that are
  /// read through other means).
  void consumeInput(int i) { consumedInputs.insert(i); }

  //===--- attributes -----------------------------------------------------===//
  const onnx::AttributeProto *attr(llvm::StringRef name);
  std::optional<int64_t> attrInt(llvm::StringRef name);
  int64_t attrInt(llvm::StringRef name, int64_t dflt) {
    return attrInt(name).value_or(dflt);
  }
  std::optional<float> attrFloat(llvm::StringRef name);
  float attrFloat(llvm::StringRef name, float dflt) {
    return attrFloat(name).value_or(dflt);
  }
  std::optional<std::vector<int64_t>> attrInts(llvm::StringRef name);
  std::optional<std::string> attrString(llvm::StringRef name);

  //===--- outputs --------------------------------------------------------===//
  int numOutputs() const;
  /// Whether output i is named (wanted by the graph).
  bool wants(int i) const;
  void setOutput(int i, mlir::Value v, int32_t onnxType);
  void setOutput(int i, HostTensor t);
  /// Output i stands for `v` (Identity, large Constants).
  void defineOutput(int i, OnnxValue v);
  /// Decodes a tensor (an attribute's) into a known value.
  std::optional<HostTensor> decode(const onnx::TensorProto &t,
                                   std::string &error);

  //===--- diagnostics ----------------------------------------------------===//
  mlir::InFlightDiagnostic error();
  /// "... is not supported: <what>" at the node; always failure().
  mlir::LogicalResult unsupported(const llvm::Twine &what);
  /// Input i's name for messages: "input 1 'x'".
  std::string describeInput(int i) const;

  //===--- helpers --------------------------------------------------------===//
  /// A possibly negative axis made non-negative and checked against rank.
  mlir::FailureOr<int64_t> axis(int64_t a, int64_t rank, llvm::StringRef what);
  /// The tg element type of an ONNX one (int64 as i32), or an error naming
  /// input `forInput` (or the output when -1).
  mlir::FailureOr<mlir::Type> tgType(int32_t onnxType, int forInput = -1);
  /// A rank-0 tg constant of `element`.
  mlir::Value scalar(mlir::Type element, double v);
  /// A tg constant made from a known tensor.
  mlir::FailureOr<mlir::Value> constant(const HostTensor &t);

  Importer &importer;
  std::set<std::string> consumedAttributes;
  std::set<int> consumedInputs;
};

using Converter = mlir::LogicalResult (*)(NodeContext &);

/// An op the importer converts, from `minOpset` on (through the newest
/// opset it knows, kNewestOpset).
struct OpConverter {
  const char *opType;
  int minOpset;
  Converter convert;
};

/// The newest default-domain opset whose op versions the converters were
/// written against (ONNX 1.23).
inline constexpr int64_t kNewestOpset = 28;

/// All converters, sorted by op type (OnnxOps.cpp).
llvm::ArrayRef<OpConverter> opConverters();
const OpConverter *findConverter(llvm::StringRef opType);

} // namespace tgc::onnx_import

#endif // TGC_COMPILER_FRONTENDS_ONNX_NODECONTEXT_H
