//===- OnnxImporter.cpp - ONNX models in: a checked tg module -------------===//
//
// Walks the graph in order (ONNX requires a topological order), keeping for
// every value name what it stands for (NodeContext.h's OnnxValue). Values
// that shape arithmetic computes from constants (Shape, Gather of a shape,
// Concat, Range, ConstantOfShape, ...) stay known at import time, so the tg
// function only computes tensors; weights are turned into constants where
// they are used.
//
//===----------------------------------------------------------------------===//

#include "compiler/frontends/onnx/OnnxImporter.h"

#include "compiler/frontends/TgFrontend.h"
#include "compiler/frontends/onnx/NodeContext.h"
#include "compiler/frontends/onnx/OnnxSchema.h"
#include "compiler/frontends/onnx/Safetensors.h"
#include "ir/TgDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <limits>

using namespace mlir;
using namespace tgc::onnx_import;

namespace tgc::onnx_import {

/// Imports the main graph of one model into a tg function.
class Importer {
public:
  Importer(std::shared_ptr<OnnxModel> model, MLIRContext *context,
           const OnnxImportOptions &options)
      : model(std::move(model)), context(context), options(options),
        builder(context) {}

  OwningOpRef<ModuleOp> run();

  /// The location of a node: "model.onnx: node 'name' (OpType)".
  Location nodeLoc(const onnx::NodeProto &node) {
    std::string s =
        fileName() + ": node '" +
        (node.name().empty() ? "#" + std::to_string(nodeIndex) : node.name()) +
        "' (" + node.op_type() + ")";
    return NameLoc::get(StringAttr::get(context, s));
  }
  Location modelLoc() {
    return NameLoc::get(StringAttr::get(context, fileName()));
  }
  std::string fileName() {
    return llvm::sys::path::filename(model->path()).str();
  }

  OnnxValue *lookup(const std::string &name) {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
  void define(const std::string &name, OnnxValue v) {
    values[name] = std::move(v);
  }

  /// Materializes `v` as a tg tensor; errors are reported at `loc`.
  FailureOr<Value> materialize(OnnxValue &v, Location loc,
                               const std::string &what);
  /// The value if known at import time (decoding small initializers).
  const HostTensor *known(OnnxValue &v);
  FailureOr<Value> constant(const HostTensor &t, Location loc,
                            const std::string &what);

  std::shared_ptr<OnnxModel> model;
  std::vector<std::shared_ptr<SafetensorsFile>> weightFiles;
  MLIRContext *context;
  const OnnxImportOptions &options;
  OpBuilder builder;
  std::map<std::string, OnnxValue> values;
  int nodeIndex = 0;
  int weightsUsed = 0;

private:
  /// The tensor named `name` in the --safetensors files, if any.
  std::pair<const SafetensorsFile::Tensor *, std::shared_ptr<SafetensorsFile>>
  findWeight(const std::string &name) {
    for (const auto &file : weightFiles)
      if (const SafetensorsFile::Tensor *t = file->find(name))
        return {t, file};
    return {nullptr, nullptr};
  }
  LogicalResult importInputs(const onnx::GraphProto &graph,
                             SmallVectorImpl<Type> &argTypes,
                             std::vector<std::string> &argNames);
  LogicalResult importNode(const onnx::NodeProto &node);
  FailureOr<int64_t> opsetFor(const onnx::NodeProto &node, Location loc);
};

} // namespace tgc::onnx_import

//===----------------------------------------------------------------------===//
// Element types and constants
//===----------------------------------------------------------------------===//

static std::optional<Type> tgElementType(MLIRContext *ctx, int32_t type) {
  switch (type) {
  case kFloat:
    return Float32Type::get(ctx);
  case kFloat16:
    return Float16Type::get(ctx);
  case kBfloat16:
    return BFloat16Type::get(ctx);
  case kInt32:
  case kInt64: // narrowed: tg has no i64 (range-checked where known)
    return IntegerType::get(ctx, 32);
  case kInt8:
    return IntegerType::get(ctx, 8);
  case kBool:
    return IntegerType::get(ctx, 1);
  default:
    return std::nullopt;
  }
}

static std::string typeHint(int32_t type) {
  switch (type) {
  case kDouble:
    return " (convert the model to float32, e.g. with a Cast, or export in "
           "float32)";
  case kUint8:
  case kUint16:
  case kUint32:
  case kUint64:
    return " (tg has signed integers only: i32 and i8)";
  case kInt16:
    return " (tg has i32 and i8)";
  default:
    return "";
  }
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

FailureOr<Value> Importer::constant(const HostTensor &t, Location loc,
                                    const std::string &what) {
  std::optional<Type> element = tgElementType(context, t.type);
  if (!element)
    return emitError(loc) << what << " has element type "
                          << dataTypeName(t.type)
                          << ", which tg does not compute with"
                          << typeHint(t.type);
  auto type = RankedTensorType::get(t.shape, *element);
  int64_t n = t.numElements();
  if (n == 0)
    return emitError(loc) << what << " is an empty tensor "
                          << shapeString(t.shape)
                          << "; tg tensors have no size-0 dimensions";
  SmallVector<Attribute> attrs;
  attrs.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    if (t.isFloat()) {
      attrs.push_back(FloatAttr::get(*element, t.floats[i]));
      continue;
    }
    int64_t v = t.ints[i];
    if (t.type == kInt64 && (v < INT32_MIN || v > INT32_MAX))
      return emitError(loc)
             << what << ": int64 value " << v << " at flat index " << i
             << " does not fit in i32 (tg computes int64 tensors as i32)";
    attrs.push_back(IntegerAttr::get(*element, v));
  }
  Value c =
      tg::ConstantOp::create(builder, loc, DenseElementsAttr::get(type, attrs));
  return c;
}

/// A valid MLIR identifier for a resource blob named after a weight.
static std::string blobName(StringRef name) {
  std::string s;
  for (char c : name)
    s += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (s.empty() || llvm::isDigit(s[0]) || s[0] == '.')
    s = "w_" + s;
  return s;
}

FailureOr<Value> Importer::materialize(OnnxValue &v, Location loc,
                                       const std::string &what) {
  if (v.value)
    return v.value;
  if (!v.notComputedBy.empty())
    return emitError(loc) << what << " is an output of " << v.notComputedBy
                          << " that tgc does not compute";
  if (v.host) {
    FailureOr<Value> c = constant(*v.host, loc, what);
    if (failed(c))
      return failure();
    // Constants are made where they are first used; later uses in other
    // nodes share them (they dominate: the function is one block).
    v.value = *c;
    return v.value;
  }
  if (v.owner) {
    // A weight from a safetensors file: a blob over the mapped bytes.
    std::optional<Type> element = tgElementType(context, v.type);
    if (!element)
      return emitError(loc)
             << what << " (a safetensors tensor) has element "
             << "type " << dataTypeName(v.type)
             << ", which tg does not compute with" << typeHint(v.type);
    auto type = RankedTensorType::get(v.shape, *element);
    if (v.type == kInt64 || v.type == kBool) {
      std::string error;
      std::optional<HostTensor> decoded =
          decodeRaw(v.type, v.shape, v.weightBytes, error);
      if (!decoded)
        return emitError(loc) << what << ": " << error;
      FailureOr<Value> c = constant(*decoded, loc, what);
      if (failed(c))
        return failure();
      v.value = *c;
      return v.value;
    }
    size_t width = dataTypeSize(v.type);
    bool aligned =
        reinterpret_cast<uintptr_t>(v.weightBytes.data()) % width == 0;
    if (ExternalWeights *external = options.externalWeights)
      for (auto [i, file] : llvm::enumerate(weightFiles))
        if (file == v.owner)
          external->tensors[v.weightBytes.data()] = {
              uint32_t(i), v.weightName, v.shape, v.weightBytes.size()};
    std::shared_ptr<const void> keepAlive = v.owner;
    AsmResourceBlob blob = UnmanagedAsmResourceBlob::allocateWithAlign(
        v.weightBytes, aligned ? width : 1,
        [keepAlive](void *, size_t, size_t) mutable { keepAlive.reset(); });
    v.value = tg::ConstantOp::create(
        builder, loc,
        DenseResourceElementsAttr::get(type, blobName(v.weightName),
                                       std::move(blob)));
    return v.value;
  }
  assert(v.initializer && "a value without a definition");
  const onnx::TensorProto &tensor = *v.initializer;
  std::optional<Type> element = tgElementType(context, v.type);
  if (!element)
    return emitError(loc) << what << " (initializer '" << tensor.name()
                          << "') has element type " << dataTypeName(v.type)
                          << ", which tg does not compute with"
                          << typeHint(v.type);
  std::optional<int64_t> count = elementCount(v.shape);
  if (!count || *count == 0)
    return emitError(loc) << what << " (initializer '" << tensor.name()
                          << "') has shape " << shapeString(v.shape)
                          << "; tg tensors have no size-0 dimensions";
  auto type = RankedTensorType::get(v.shape, *element);
  std::string error;
  std::optional<ArrayRef<char>> raw = model->rawData(tensor, error);
  if (!error.empty())
    return emitError(loc) << what << " (initializer '" << tensor.name()
                          << "'): " << error;
  // Weights stored as little-endian bytes of a tg type become blobs that
  // point at those bytes (inside the parsed model, or the mapped external
  // file): no copy, and never printed as text. Everything else (int64 to
  // narrow, typed fields, bools) is small in practice and decoded.
  size_t width = dataTypeSize(v.type);
  // Scalars and other tiny weights become dense constants, which fold.
  constexpr int64_t kInlineElements = 16;
  if (raw && v.type != kInt64 && v.type != kBool && *count > kInlineElements) {
    if (raw->size() != uint64_t(*count) * width)
      return emitError(loc) << what << " (initializer '" << tensor.name()
                            << "') holds " << raw->size() << " bytes but "
                            << type << " needs " << *count * width;
    bool aligned = reinterpret_cast<uintptr_t>(raw->data()) % width == 0;
    std::shared_ptr<OnnxModel> keepAlive = model;
    AsmResourceBlob blob = UnmanagedAsmResourceBlob::allocateWithAlign(
        *raw, aligned ? width : 1,
        [keepAlive](void *, size_t, size_t) mutable { keepAlive.reset(); });
    auto attr = DenseResourceElementsAttr::get(type, blobName(tensor.name()),
                                               std::move(blob));
    v.value = tg::ConstantOp::create(builder, loc, attr);
    return v.value;
  }
  std::optional<HostTensor> decoded =
      model->decode(tensor, error, /*maxElements=*/INT64_MAX);
  if (!decoded)
    return emitError(loc) << what << ": " << error;
  FailureOr<Value> c = constant(*decoded, loc, what);
  if (failed(c))
    return failure();
  v.value = *c;
  return v.value;
}

const HostTensor *Importer::known(OnnxValue &v) {
  if (v.host)
    return &*v.host;
  if (v.owner) {
    std::optional<int64_t> count = elementCount(v.shape);
    std::string error;
    if (!count || *count > 4096)
      return nullptr;
    std::optional<HostTensor> decoded =
        decodeRaw(v.type, v.shape, v.weightBytes, error);
    if (!decoded)
      return nullptr;
    v.host = std::move(*decoded);
    return &*v.host;
  }
  if (!v.initializer)
    return nullptr;
  // Small initializers (shapes, axes, scalars) are read when an op needs
  // their values.
  std::optional<int64_t> count = elementCount(v.shape);
  if (!count || *count > 4096)
    return nullptr;
  std::string error;
  std::optional<HostTensor> decoded = model->decode(*v.initializer, error);
  if (!decoded)
    return nullptr;
  v.host = std::move(*decoded);
  return &*v.host;
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

static std::string dimString(const onnx::TensorShapeProto_Dimension &d) {
  if (d.has_dim_value())
    return std::to_string(d.dim_value());
  if (d.has_dim_param())
    return d.dim_param();
  return "?";
}

LogicalResult Importer::importInputs(const onnx::GraphProto &graph,
                                     SmallVectorImpl<Type> &argTypes,
                                     std::vector<std::string> &argNames) {
  std::set<std::string> initializers;
  for (const onnx::TensorProto &t : graph.initializer()) {
    OnnxValue v;
    v.initializer = &t;
    v.type = t.data_type();
    v.shape.assign(t.dims().begin(), t.dims().end());
    if (!elementCount(v.shape))
      return emitError(modelLoc())
             << "initializer '" << t.name() << "' has invalid dimensions "
             << shapeString(v.shape);
    if (auto [w, file] = findWeight(t.name()); w) {
      if (w->type != v.type || w->shape != v.shape)
        return emitError(modelLoc())
               << "safetensors tensor '" << t.name() << "' in " << file->path()
               << " is " << dataTypeName(w->type) << shapeString(w->shape)
               << " but the model's initializer is " << dataTypeName(v.type)
               << shapeString(v.shape);
      v.initializer = nullptr;
      v.weightName = t.name();
      v.weightBytes = w->data;
      v.owner = file;
      ++weightsUsed;
    }
    initializers.insert(t.name());
    define(t.name(), std::move(v));
  }
  if (graph.sparse_initializer_size())
    return emitError(modelLoc())
           << "sparse initializers are not supported (initializer '"
           << graph.sparse_initializer(0).values().name() << "')";
  for (const onnx::ValueInfoProto &input : graph.input()) {
    // Before IR version 4 initializers were listed as inputs too; they are
    // constants here.
    if (initializers.count(input.name()))
      continue;
    auto fail = [&]() {
      return emitError(modelLoc()) << "graph input '" << input.name() << "'";
    };
    if (!input.type().has_tensor_type())
      return fail() << " is not a tensor (sequences, maps and optionals are "
                       "not supported)";
    const auto &tensorType = input.type().tensor_type();
    int32_t type = tensorType.elem_type();
    if (auto [w, file] = findWeight(input.name()); w) {
      // A model exported without its parameters: the input is a weight.
      bool fits = w->type == type;
      if (tensorType.has_shape()) {
        fits &= tensorType.shape().dim_size() == int(w->shape.size());
        for (int i = 0; fits && i < tensorType.shape().dim_size(); ++i) {
          const auto &d = tensorType.shape().dim(i);
          fits = !d.has_dim_value() || d.dim_value() == w->shape[i];
        }
      }
      if (!fits)
        return fail() << " does not match safetensors tensor '" << input.name()
                      << "' in " << file->path() << " ("
                      << dataTypeName(w->type) << shapeString(w->shape) << ")";
      OnnxValue v;
      v.type = w->type;
      v.shape = w->shape;
      v.weightName = input.name();
      v.weightBytes = w->data;
      v.owner = file;
      ++weightsUsed;
      define(input.name(), std::move(v));
      continue;
    }
    std::optional<Type> element = tgElementType(context, type);
    if (!element)
      return fail() << " has element type " << dataTypeName(type)
                    << ", which tg does not compute with" << typeHint(type);
    std::vector<int64_t> shape;
    auto given = options.inputShapes.find(input.name());
    if (given != options.inputShapes.end()) {
      shape = given->second;
    } else {
      if (!tensorType.has_shape())
        return fail() << " has no shape; give one with --input-shape="
                      << input.name() << "=<dims, e.g. 1x128>";
      for (auto [i, d] : llvm::enumerate(tensorType.shape().dim())) {
        if (d.has_dim_value() && d.dim_value() >= 0) {
          shape.push_back(d.dim_value());
          continue;
        }
        auto sized = d.has_dim_param() ? options.dims.find(d.dim_param())
                                       : options.dims.end();
        if (sized == options.dims.end()) {
          std::string all;
          for (const auto &e : tensorType.shape().dim())
            all += (all.empty() ? "" : ",") + dimString(e);
          auto diag = fail() << " has a dynamic dimension " << i;
          if (d.has_dim_param())
            diag << " '" << d.dim_param() << "'";
          diag << " in [" << all << "]; tg needs static shapes: give it with ";
          if (d.has_dim_param())
            diag << "--dim=" << d.dim_param() << "=<size> or ";
          diag << "--input-shape=" << input.name() << "=<dims>";
          return diag;
        }
        shape.push_back(sized->second);
      }
    }
    for (int64_t d : shape)
      if (d <= 0)
        return fail() << " has shape " << shapeString(shape)
                      << "; tg tensors have no size-0 dimensions";
    std::optional<int64_t> count = elementCount(shape);
    if (!count || *count > (int64_t(1) << 46))
      return fail() << " has shape " << shapeString(shape)
                    << ", too large for a tensor";
    argTypes.push_back(RankedTensorType::get(shape, *element));
    argNames.push_back(input.name());
    OnnxValue v;
    v.type = type;
    v.shape = shape;
    define(input.name(), std::move(v));
  }
  return success();
}

FailureOr<int64_t> Importer::opsetFor(const onnx::NodeProto &node,
                                      Location loc) {
  std::string domain = node.domain();
  if (domain == "ai.onnx")
    domain = "";
  for (const auto &opset : model->proto().opset_import()) {
    std::string d = opset.domain() == "ai.onnx" ? "" : opset.domain();
    if (d == domain)
      return opset.version();
  }
  // IR version 3 and later require an opset import per domain used.
  return emitError(loc) << "the model imports no opset for domain '"
                        << node.domain() << "'";
}

/// The node's inputs and outputs against ONNX's schema of its op at the
/// model's opset: too few or too many, or an omitted required input, is an
/// error here, so that converters may read every input the op requires.
/// Ops ONNX does not define (tgc's extensions) are left to their
/// converters.
static LogicalResult checkArity(const onnx::NodeProto &node, int64_t opset,
                                Location loc) {
  std::optional<OnnxArity> arity = onnxArity(node.op_type(), int(opset));
  if (!arity)
    return success();
  auto count = [&](StringRef what, int n, int min, int max) -> LogicalResult {
    if (n >= min && n <= max)
      return success();
    InFlightDiagnostic d =
        emitError(loc) << "has " << n << " " << what << (n == 1 ? "; " : "s; ")
                       << node.op_type() << " (opset " << opset << ") takes ";
    if (min == max)
      d << min;
    else if (max == std::numeric_limits<int>::max())
      d << min << " or more";
    else
      d << min << " to " << max;
    return d;
  };
  if (failed(count("input", node.input_size(), arity->minInputs,
                   arity->current ? arity->maxInputs
                                  : std::numeric_limits<int>::max())))
    return failure();
  if (arity->current && failed(count("output", node.output_size(),
                                     arity->minOutputs, arity->maxOutputs)))
    return failure();
  // Required inputs come first in ONNX's definitions: an empty name among
  // the first minInputs omits one.
  for (int i = 0; i < std::min(node.input_size(), arity->minInputs); ++i) {
    if (!node.input(i).empty())
      continue;
    std::string name = size_t(i) < arity->inputNames.size()
                           ? arity->inputNames[i]
                           : std::string("#") + std::to_string(i);
    return emitError(loc) << "input " << i << " ('" << name
                          << "') is required by " << node.op_type()
                          << " but omitted (an empty name)";
  }
  return success();
}

LogicalResult Importer::importNode(const onnx::NodeProto &node) {
  Location loc = nodeLoc(node);
  FailureOr<int64_t> opset = opsetFor(node, loc);
  if (failed(opset))
    return failure();
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return emitError(loc) << "ops of domain '" << node.domain()
                          << "' are not supported (tgc converts the default "
                             "ONNX domain; see docs/onnx.md)";
  const OpConverter *converter = findConverter(node.op_type());
  if (!converter)
    return emitError(loc) << "op " << node.op_type()
                          << " is not supported by tgc's ONNX importer (see "
                             "docs/onnx.md for the supported ops)";
  if (*opset < converter->minOpset)
    return emitError(loc) << node.op_type() << " of opset " << *opset
                          << " is not supported: tgc converts its versions "
                             "from opset "
                          << converter->minOpset
                          << " on (re-export the model with a newer opset)";
  if (*opset > kNewestOpset)
    return emitError(loc) << "opset " << *opset
                          << " is newer than tgc's ONNX importer knows ("
                          << kNewestOpset << ")";
  if (failed(checkArity(node, *opset, loc)))
    return failure();
  for (int i = 0; i < node.input_size(); ++i) {
    const std::string &name = node.input(i);
    if (!name.empty() && !lookup(name))
      return emitError(loc) << "input " << i << " '" << name
                            << "' is not defined before this node (the graph "
                               "is not in topological order, or it reads a "
                               "value of an enclosing graph)";
  }
  NodeContext ctx(*this, node, *opset, loc);
  if (failed(converter->convert(ctx)))
    return failure();
  // Anything the converter did not read would be silently ignored.
  for (const onnx::AttributeProto &a : node.attribute())
    if (!ctx.consumedAttributes.count(a.name()))
      return emitError(loc)
             << "attribute '" << a.name() << "' is not supported by tgc's "
             << node.op_type() << " converter";
  for (int i = 0; i < node.input_size(); ++i)
    if (!node.input(i).empty() && !ctx.consumedInputs.count(i))
      return emitError(loc) << "input " << i << " '" << node.input(i)
                            << "' is not supported by tgc's " << node.op_type()
                            << " converter";
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &name = node.output(i);
    if (name.empty() || lookup(name))
      continue;
    OnnxValue missing;
    missing.notComputedBy = "node '" + node.name() + "' (" + node.op_type() +
                            ") (output " + std::to_string(i) + ")";
    define(name, std::move(missing));
  }
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  const onnx::GraphProto &graph = model->proto().graph();
  context->loadDialect<tg::TgDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(modelLoc());
  for (const std::string &path : options.weightFiles) {
    std::string error;
    std::shared_ptr<SafetensorsFile> file = SafetensorsFile::open(path, error);
    if (!file)
      return emitError(modelLoc()) << "--safetensors: " << error, nullptr;
    weightFiles.push_back(std::move(file));
  }
  SmallVector<Type> argTypes;
  std::vector<std::string> argNames;
  if (failed(importInputs(graph, argTypes, argNames)))
    return nullptr;
  // A file none of whose names the model uses is a mistake (a prefix that
  // differs between the checkpoint and the export, say), not a no-op.
  if (!weightFiles.empty() && weightsUsed == 0)
    return emitError(modelLoc())
               << "no tensor of the --safetensors files names an initializer "
                  "or graph input of the model",
           nullptr;
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, modelLoc(), "main",
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    values[name].value = entry->getArgument(i);
    func.setArgAttr(i, "tg.name", builder.getStringAttr(name));
  }
  builder.setInsertionPointToEnd(entry);
  for (const onnx::NodeProto &node : graph.node()) {
    if (failed(importNode(node)))
      return nullptr;
    ++nodeIndex;
  }
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    OnnxValue *v = lookup(output.name());
    if (!v)
      return emitError(modelLoc()) << "graph output '" << output.name()
                                   << "' is not computed by any node",
             nullptr;
    FailureOr<Value> value = materialize(*v, modelLoc(),
                                         "graph output " + std::to_string(i) +
                                             " '" + output.name() + "'");
    if (failed(value))
      return nullptr;
    results.push_back(*value);
    resultTypes.push_back(value->getType());
  }
  if (results.empty())
    return emitError(modelLoc()) << "the graph has no outputs", nullptr;
  func::ReturnOp::create(builder, modelLoc(), results);
  func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "tg.name", builder.getStringAttr(output.name()));
  // Ops that no output needs (shape subgraphs folded at import time, unused
  // constants) are left for canonicalization to remove.
  if (failed(verify(*module)) || failed(tgc::checkTgModule(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// Splits "NAME=VALUE"; false when either side is empty.
static bool splitOption(StringRef arg, StringRef &name, StringRef &value,
                        std::string &error) {
  std::tie(name, value) = arg.rsplit('=');
  if (!arg.contains('=') || name.empty() || value.empty()) {
    error = "expected NAME=VALUE";
    return false;
  }
  return true;
}

bool tgc::addOnnxDimOption(StringRef arg, OnnxImportOptions &options,
                           std::string &error) {
  StringRef name, value;
  if (!splitOption(arg, name, value, error))
    return false;
  int64_t size;
  if (value.getAsInteger(10, size) || size < 1) {
    error = "the size must be a positive integer";
    return false;
  }
  options.dims[name] = size;
  return true;
}

bool tgc::addOnnxInputShapeOption(StringRef arg, OnnxImportOptions &options,
                                  std::string &error) {
  StringRef name, value;
  if (!splitOption(arg, name, value, error))
    return false;
  std::vector<int64_t> shape;
  if (value != "scalar") {
    SmallVector<StringRef> parts;
    value.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d < 1) {
        error = "dimensions are positive integers separated by 'x' (or "
                "'scalar')";
        return false;
      }
      shape.push_back(d);
    }
  }
  options.inputShapes[name] = shape;
  return true;
}

std::string tgc::formatOnnxDiagnostic(Diagnostic &diag) {
  std::string text;
  auto print = [&](Location loc, DiagnosticSeverity severity,
                   const Twine &message) {
    if (auto name = dyn_cast<NameLoc>(loc))
      text += name.getName().str() + ": ";
    else if (auto file = dyn_cast<FileLineColLoc>(loc))
      text += (file.getFilename().str() + ":" + Twine(file.getLine()) + ":" +
               Twine(file.getColumn()) + ": ")
                  .str();
    text += severity == DiagnosticSeverity::Error     ? "error: "
            : severity == DiagnosticSeverity::Warning ? "warning: "
                                                      : "note: ";
    text += message.str() + "\n";
  };
  print(diag.getLocation(), diag.getSeverity(), diag.str());
  for (Diagnostic &note : diag.getNotes())
    print(note.getLocation(), note.getSeverity(), note.str());
  return text;
}

bool tgc::looksLikeOnnx(StringRef path, StringRef firstBytes) {
  if (path.ends_with_insensitive(".onnx"))
    return true;
  return !firstBytes.empty() && firstBytes[0] == 0x08;
}

OwningOpRef<ModuleOp> tgc::importOnnxModel(StringRef path, MLIRContext *context,
                                           const OnnxImportOptions &options) {
  std::string error;
  std::shared_ptr<OnnxModel> model = OnnxModel::load(path, error);
  if (!model) {
    emitError(
        NameLoc::get(StringAttr::get(context, llvm::sys::path::filename(path))))
        << error;
    return nullptr;
  }
  return Importer(std::move(model), context, options).run();
}

std::vector<std::string> tgc::onnxSupportedOps() {
  std::vector<std::string> ops;
  for (const OpConverter &c : opConverters())
    ops.push_back(std::string(c.opType) + " " + std::to_string(c.minOpset));
  return ops;
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(Importer &importer, const onnx::NodeProto &node,
                         int64_t opset, Location loc)
    : node(node), opset(opset), loc(loc), b(importer.builder),
      importer(importer) {}

bool NodeContext::has(int i) const {
  return i < node.input_size() && !node.input(i).empty();
}

int NodeContext::numInputs() const { return node.input_size(); }

std::string NodeContext::describeInput(int i) const {
  return "input " + std::to_string(i) + " '" + node.input(i) + "'";
}

const OnnxValue &NodeContext::get(int i) {
  consumedInputs.insert(i);
  return *importer.lookup(node.input(i));
}

FailureOr<Value> NodeContext::value(int i) {
  consumedInputs.insert(i);
  return importer.materialize(*importer.lookup(node.input(i)), loc,
                              describeInput(i));
}

const HostTensor *NodeContext::known(int i) {
  consumedInputs.insert(i);
  return importer.known(*importer.lookup(node.input(i)));
}

FailureOr<std::vector<int64_t>> NodeContext::ints(int i, StringRef what) {
  const HostTensor *t = known(i);
  if (!t)
    return emitError(loc) << what << " (" << describeInput(i)
                          << ") is computed at run time; tgc needs it at "
                             "compile time (static shapes)";
  if (t->isFloat())
    return emitError(loc) << what << " (" << describeInput(i)
                          << ") has element type " << dataTypeName(t->type)
                          << "; expected integers";
  return t->ints;
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name) {
      consumedAttributes.insert(a.name());
      return &a;
    }
  return nullptr;
}

std::optional<int64_t> NodeContext::attrInt(StringRef name) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return a->i();
}

std::optional<float> NodeContext::attrFloat(StringRef name) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return a->f();
}

std::optional<std::vector<int64_t>> NodeContext::attrInts(StringRef name) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<std::string> NodeContext::attrString(StringRef name) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return a->s();
}

int NodeContext::numOutputs() const { return node.output_size(); }

bool NodeContext::wants(int i) const {
  return i < node.output_size() && !node.output(i).empty();
}

void NodeContext::setOutput(int i, Value v, int32_t onnxType) {
  if (!wants(i))
    return;
  OnnxValue out;
  out.value = v;
  out.type = onnxType;
  auto type = cast<RankedTensorType>(v.getType());
  out.shape.assign(type.getShape().begin(), type.getShape().end());
  importer.define(node.output(i), std::move(out));
}

void NodeContext::setOutput(int i, HostTensor t) {
  if (!wants(i))
    return;
  OnnxValue out;
  out.type = t.type;
  out.shape = t.shape;
  out.host = std::move(t);
  importer.define(node.output(i), std::move(out));
}

void NodeContext::defineOutput(int i, OnnxValue v) {
  if (wants(i))
    importer.define(node.output(i), std::move(v));
}

std::optional<HostTensor> NodeContext::decode(const onnx::TensorProto &t,
                                              std::string &error) {
  return importer.model->decode(t, error);
}

InFlightDiagnostic NodeContext::error() { return emitError(loc); }

LogicalResult NodeContext::unsupported(const Twine &what) {
  return emitError(loc) << what.str();
}

FailureOr<int64_t> NodeContext::axis(int64_t a, int64_t rank, StringRef what) {
  if (a < -rank || a >= std::max<int64_t>(rank, 1) ||
      (rank == 0 && a != 0 && a != -1))
    return emitError(loc) << what << " " << a << " is out of range [" << -rank
                          << ", " << rank << ") for rank " << rank;
  return a < 0 ? a + rank : a;
}

FailureOr<Type> NodeContext::tgType(int32_t onnxType, int forInput) {
  std::optional<Type> t = tgElementType(b.getContext(), onnxType);
  if (t)
    return *t;
  auto diag = emitError(loc);
  if (forInput >= 0)
    diag << describeInput(forInput);
  else
    diag << "the result";
  diag << " has element type " << dataTypeName(onnxType)
       << ", which tg does not compute with" << typeHint(onnxType);
  return failure();
}

Value NodeContext::scalar(Type element, double v) {
  auto type = RankedTensorType::get({}, element);
  Attribute attr = isa<FloatType>(element)
                       ? Attribute(b.getFloatAttr(element, v))
                       : Attribute(b.getIntegerAttr(element, int64_t(v)));
  return tg::ConstantOp::create(b, loc, DenseElementsAttr::get(type, attr));
}

FailureOr<Value> NodeContext::constant(const HostTensor &t) {
  return importer.constant(t, loc, "a constant");
}
