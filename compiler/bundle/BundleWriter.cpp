//===- BundleWriter.cpp - schedule and bundle serialization ---------------===//

#include "compiler/bundle/BundleWriter.h"
#include "compiler/transforms/LinalgAnalysis.h"
#include "ir/TgcDialect.h"

#include "format/BundleContainer.h"
#include "format/bundle_generated.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <map>

using namespace mlir;
namespace fmt = tgc::format;

namespace {

/// Scratch and constant offsets are aligned so vector loads stay aligned.
constexpr uint64_t kAlignment = 64;

uint64_t alignUp(uint64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

FailureOr<fmt::DType> dtypeOf(Type element) {
  if (element.isF32())
    return fmt::DType::f32;
  if (element.isF16())
    return fmt::DType::f16;
  if (element.isBF16())
    return fmt::DType::bf16;
  if (element.isSignlessInteger(32))
    return fmt::DType::i32;
  if (element.isSignlessInteger(8))
    return fmt::DType::i8;
  if (element.isSignlessInteger(1))
    return fmt::DType::i1;
  return failure();
}

uint64_t byteSize(RankedTensorType type) {
  unsigned bits = type.getElementTypeBitWidth();
  return type.getNumElements() * (bits == 1 ? 1 : bits / 8);
}

/// Row-major little-endian bytes of a constant, i1 as one byte each.
FailureOr<std::vector<uint8_t>> constantBytes(Location loc, ElementsAttr attr) {
  auto type = cast<RankedTensorType>(attr.getType());
  std::vector<uint8_t> bytes;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (type.getElementType().isSignlessInteger(1)) {
      for (bool v : dense.getValues<bool>())
        bytes.push_back(v);
      return bytes;
    }
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      for (int64_t i = 0; i < type.getNumElements(); ++i)
        bytes.insert(bytes.end(), raw.begin(), raw.end());
    } else {
      bytes.assign(raw.begin(), raw.end());
    }
    return bytes;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      emitError(loc) << "dense_resource constant has no data (missing "
                        "dialect_resources section?)";
      return failure();
    }
    ArrayRef<char> data = blob->getData();
    if (data.size() != byteSize(type) ||
        type.getElementType().isSignlessInteger(1)) {
      emitError(loc) << "dense_resource constant holds " << data.size()
                     << " bytes but " << type << " needs " << byteSize(type);
      return failure();
    }
    bytes.assign(data.begin(), data.end());
    return bytes;
  }
  emitError(loc) << "unsupported constant attribute kind";
  return failure();
}

struct BufferLocation {
  uint32_t buffer;
  uint64_t offset;
};

class ScheduleBuilder {
public:
  ScheduleBuilder(flatbuffers::FlatBufferBuilder &fbb,
                  std::map<std::string, uint32_t> &kernelIndex,
                  std::vector<uint8_t> &constants,
                  std::vector<flatbuffers::Offset<fmt::Constant>> &constantTable,
                  std::map<const void *, uint32_t> &constantIndex)
      : fbb(fbb), kernelIndex(kernelIndex), constants(constants),
        constantTable(constantTable), constantIndex(constantIndex) {}

  FailureOr<flatbuffers::Offset<fmt::Function>> build(func::FuncOp func) {
    std::vector<flatbuffers::Offset<fmt::TensorType>> inputs, outputs;
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          failed(dtypeOf(tensor.getElementType())))
        return func.emitError() << "entry function '" << func.getSymName()
                                << "' argument " << i << " has type " << type
                                << "; tgc entry points take static tensors";
      inputs.push_back(tensorType(tensor));
      addBuffer(fmt::BufferKind::input, i, byteSize(tensor));
      locations[func.getArgument(i)] = {uint32_t(kinds.size() - 1), 0};
    }
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || failed(dtypeOf(tensor.getElementType())))
        return func.emitError() << "entry function '" << func.getSymName()
                                << "' result " << i << " has type " << type;
      outputs.push_back(tensorType(tensor));
    }

    // Kernel results that are returned (once) are written straight into
    // the output buffer; everything else gets scratch or a copy.
    std::vector<Value> returned(ret.getNumOperands());
    llvm::DenseMap<Value, uint32_t> outputOf;
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      Value base = tgc::stripReshapes(v);
      returned[i] = base;
      if (base.getDefiningOp<func::CallOp>() && !outputOf.count(base)) {
        outputOf[base] = i;
      }
    }
    std::vector<uint32_t> outputBuffer(ret.getNumOperands());
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      addBuffer(fmt::BufferKind::output, i,
                byteSize(cast<RankedTensorType>(v.getType())));
      outputBuffer[i] = kinds.size() - 1;
    }
    for (auto [base, i] : outputOf)
      locations[base] = {outputBuffer[i], 0};

    // Lifetimes of scratch values: index of the last step reading them.
    std::vector<func::CallOp> calls;
    for (auto call : func.getBody().front().getOps<func::CallOp>())
      calls.push_back(call);
    llvm::DenseMap<Value, size_t> lastUse;
    for (auto [step, call] : llvm::enumerate(calls))
      for (Value operand : call.getOperands())
        lastUse[tgc::stripReshapes(operand)] = step;

    std::vector<flatbuffers::Offset<fmt::Step>> steps;
    // Free scratch buffers by index (sizes grow to fit).
    std::vector<uint32_t> freeScratch;
    for (auto [step, call] : llvm::enumerate(calls)) {
      auto it = kernelIndex.find(call.getCallee().str());
      if (it == kernelIndex.end())
        return call.emitError() << "call to unknown kernel " << call.getCallee();
      std::vector<flatbuffers::Offset<fmt::Binding>> bindings;
      for (Value operand : call.getOperands()) {
        FailureOr<BufferLocation> loc = locate(operand);
        if (failed(loc))
          return failure();
        bindings.push_back(fmt::CreateBinding(fbb, loc->buffer, loc->offset));
      }
      Value result = call.getResult(0);
      if (!locations.count(result)) {
        uint64_t size = byteSize(cast<RankedTensorType>(result.getType()));
        // Smallest free buffer that fits, else grow the largest, else new.
        int best = -1;
        for (auto [k, b] : llvm::enumerate(freeScratch)) {
          if (best < 0) {
            best = k;
            continue;
          }
          uint64_t current = sizes[freeScratch[best]], candidate = sizes[b];
          bool currentFits = current >= size, candidateFits = candidate >= size;
          if ((candidateFits && (!currentFits || candidate < current)) ||
              (!candidateFits && !currentFits && candidate > current))
            best = k;
        }
        uint32_t buffer;
        if (best >= 0) {
          buffer = freeScratch[best];
          freeScratch.erase(freeScratch.begin() + best);
          sizes[buffer] = std::max(sizes[buffer], alignUp(size));
        } else {
          addBuffer(fmt::BufferKind::scratch, 0, alignUp(size));
          buffer = kinds.size() - 1;
        }
        locations[result] = {buffer, 0};
      }
      bindings.push_back(fmt::CreateBinding(fbb, locations[result].buffer,
                                            locations[result].offset));
      steps.push_back(fmt::CreateStepDirect(fbb, fmt::StepKind::dispatch,
                                            it->second, &bindings));
      // Release scratch whose last reader was this step. A value is never
      // released before the step that defines it has run.
      for (Value operand : call.getOperands()) {
        Value base = tgc::stripReshapes(operand);
        if (lastUse.lookup(base) == step && base.getDefiningOp<func::CallOp>() &&
            !outputOf.count(base) && kinds[locations[base].buffer] == fmt::BufferKind::scratch &&
            !llvm::is_contained(freeScratch, locations[base].buffer))
          freeScratch.push_back(locations[base].buffer);
      }
      if (result.use_empty() && kinds[locations[result].buffer] == fmt::BufferKind::scratch)
        freeScratch.push_back(locations[result].buffer);
    }

    // Outputs that are inputs, constants or repeated results are copied.
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      Value base = returned[i];
      auto it = outputOf.find(base);
      if (it != outputOf.end() && it->second == i)
        continue;
      FailureOr<BufferLocation> src = locate(v);
      if (failed(src))
        return failure();
      std::vector<flatbuffers::Offset<fmt::Binding>> bindings = {
          fmt::CreateBinding(fbb, src->buffer, src->offset),
          fmt::CreateBinding(fbb, outputBuffer[i], 0)};
      steps.push_back(fmt::CreateStepDirect(
          fbb, fmt::StepKind::copy, 0, &bindings,
          byteSize(cast<RankedTensorType>(v.getType()))));
    }

    std::vector<flatbuffers::Offset<fmt::Buffer>> bufferTable;
    for (size_t i = 0; i < kinds.size(); ++i)
      bufferTable.push_back(fmt::CreateBuffer(fbb, kinds[i], indices[i], sizes[i]));
    return fmt::CreateFunctionDirect(fbb, func.getSymName().str().c_str(),
                                     &inputs, &outputs, &bufferTable, &steps);
  }

private:
  flatbuffers::Offset<fmt::TensorType> tensorType(RankedTensorType type) {
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    return fmt::CreateTensorTypeDirect(fbb, *dtypeOf(type.getElementType()),
                                       &shape);
  }
  void addBuffer(fmt::BufferKind kind, uint32_t index, uint64_t size) {
    kinds.push_back(kind);
    indices.push_back(index);
    sizes.push_back(size);
  }


  /// Where a value lives; constants are added to the module on first use.
  FailureOr<BufferLocation> locate(Value v) {
    Value base = tgc::stripReshapes(v);
    auto it = locations.find(base);
    if (it != locations.end())
      return it->second;
    if (auto constant = base.getDefiningOp<arith::ConstantOp>()) {
      auto attr = cast<ElementsAttr>(constant.getValue());
      const void *keyPtr = attr.getAsOpaquePointer();
      auto found = constantIndex.find(keyPtr);
      uint32_t index;
      if (found == constantIndex.end()) {
        FailureOr<std::vector<uint8_t>> bytes =
            constantBytes(constant.getLoc(), attr);
        if (failed(bytes))
          return failure();
        uint64_t offset = alignUp(constants.size());
        constants.resize(offset);
        constants.insert(constants.end(), bytes->begin(), bytes->end());
        index = constantTable.size();
        constantTable.push_back(fmt::CreateConstant(fbb, offset, bytes->size()));
        constantIndex[keyPtr] = index;
      } else {
        index = found->second;
      }
      addBuffer(fmt::BufferKind::constant, index,
                byteSize(cast<RankedTensorType>(constant.getType())));
      locations[base] = {uint32_t(kinds.size() - 1), 0};
      return locations[base];
    }
    emitError(v.getLoc()) << "value is not available to the schedule "
                             "(not an argument, constant or kernel result)";
    return failure();
  }

  flatbuffers::FlatBufferBuilder &fbb;
  std::map<std::string, uint32_t> &kernelIndex;
  std::vector<uint8_t> &constants;
  std::vector<flatbuffers::Offset<fmt::Constant>> &constantTable;
  std::map<const void *, uint32_t> &constantIndex;
  llvm::DenseMap<Value, BufferLocation> locations;
  std::vector<fmt::BufferKind> kinds;
  std::vector<uint32_t> indices;
  std::vector<uint64_t> sizes;
};

} // namespace

FailureOr<std::vector<uint8_t>>
tgc::writeBundle(ModuleOp module, const std::vector<CodeObject> &code,
                 const std::string &producer) {
  flatbuffers::FlatBufferBuilder fbb;
  auto *tgc = module.getContext()->getOrLoadDialect<tgc::TgcDialect>();
  // Kernels in module order.
  std::vector<func::FuncOp> kernels;
  std::map<std::string, uint32_t> kernelIndex;
  std::vector<flatbuffers::Offset<fmt::Kernel>> kernelTable;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!tgc::isKernelFunction(func))
      continue;
    kernelIndex[func.getSymName().str()] = kernels.size();
    kernels.push_back(func);
    kernelTable.push_back(fmt::CreateKernelDirect(
        fbb, func.getSymName().str().c_str(), func.getNumArguments() + 1));
  }

  std::vector<uint8_t> constants;
  std::vector<flatbuffers::Offset<fmt::Constant>> constantTable;
  std::map<const void *, uint32_t> constantIndex;
  std::vector<flatbuffers::Offset<fmt::Function>> functions;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (tgc::isKernelFunction(func) || func.isExternal() || func.isPrivate())
      continue;
    ScheduleBuilder builder(fbb, kernelIndex, constants, constantTable,
                            constantIndex);
    FailureOr<flatbuffers::Offset<fmt::Function>> f = builder.build(func);
    if (failed(f))
      return failure();
    functions.push_back(*f);
  }
  if (functions.empty()) {
    module.emitError("the module has no public func.func entry point");
    return failure();
  }

  // Sections: 0 metadata, then one per code object, then constants.
  std::vector<fmt::SectionInput> sections(1);
  std::vector<flatbuffers::Offset<fmt::CodeObject>> codeTable;
  for (const CodeObject &object : code) {
    bool host = isHostFormat(object.format);
    auto target = fmt::TargetKind(targetKindOf(object.format));
    auto format = fmt::CodeFormat(object.format);
    std::vector<flatbuffers::Offset<fmt::KernelLaunch>> launches;
    for (auto [i, kernel] : llvm::enumerate(kernels)) {
      SmallVector<int64_t> grid64, block64;
      if (host) {
        IntegerAttr wg = tgc->getHostWorkgroupsAttrHelper().getAttr(kernel);
        if (!wg)
          return kernel.emitError("kernel has no host workgroup count"),
                 failure();
        grid64 = {wg.getInt(), 1, 1};
        block64 = {1, 1, 1};
      } else {
        DenseI64ArrayAttr g = tgc->getGpuGridAttrHelper().getAttr(kernel);
        DenseI64ArrayAttr b = tgc->getGpuBlockAttrHelper().getAttr(kernel);
        if (!g || !b)
          return kernel.emitError("kernel has no GPU launch shape"), failure();
        grid64.assign(g.asArrayRef().begin(), g.asArrayRef().end());
        block64.assign(b.asArrayRef().begin(), b.asArrayRef().end());
      }
      // The format stores 32-bit launch sizes: a truncated workgroup count
      // would run part of the kernel (or, at 0, be rejected when loading).
      for (int64_t v : grid64)
        if (v < 1 || v > int64_t(UINT32_MAX))
          return emitError(kernel.getLoc())
                     << "kernel '" << kernel.getSymName() << "' needs " << v
                     << " workgroups on " << object.arch
                     << ", more than a launch can have (4294967295): its "
                        "tensors are too large",
                 failure();
      std::vector<uint32_t> grid(grid64.begin(), grid64.end()),
          block(block64.begin(), block64.end());
      launches.push_back(fmt::CreateKernelLaunchDirect(
          fbb, i, kernel.getSymName().str().c_str(), &grid, &block, 0));
    }
    codeTable.push_back(fmt::CreateCodeObjectDirect(
        fbb, target, format, object.arch.c_str(), sections.size(), &launches,
        object.cpu.empty() ? nullptr : object.cpu.c_str()));
    sections.push_back({fmt::SectionKind::Code, object.bytes, true});
  }
  int32_t constantsSection = -1;
  if (!constants.empty()) {
    constantsSection = sections.size();
    sections.push_back({fmt::SectionKind::Constants, std::move(constants), true});
  }
  auto moduleOffset = fmt::CreateModule(
      fbb, fbb.CreateString(producer), fbb.CreateVector(functions),
      fbb.CreateVector(kernelTable), fbb.CreateVector(codeTable),
      fbb.CreateVector(constantTable), constantsSection);
  fmt::FinishModuleBuffer(fbb, moduleOffset);
  sections[0] = {fmt::SectionKind::Metadata,
                 std::vector<uint8_t>(fbb.GetBufferPointer(),
                                      fbb.GetBufferPointer() + fbb.GetSize()),
                 true};
  return fmt::writeContainer(sections);
}
