//===- Schedule.cpp - the host-side plan of every entry function ----------===//

#include "compiler/schedule/Schedule.h"

#include "compiler/transforms/LinalgAnalysis.h"
#include "format/BundleContainer.h"
#include "ir/TgDialect.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <map>

using namespace mlir;
using namespace tgc;

static uint64_t alignUp(uint64_t v) {
  return llvm::alignTo(v, kBufferAlignment);
}

static bool isStorableElement(Type element) {
  return element.isF32() || element.isF16() || element.isBF16() ||
         element.isSignlessInteger(32) || element.isSignlessInteger(8) ||
         element.isSignlessInteger(1);
}

uint64_t tgc::storageSize(RankedTensorType type) {
  unsigned bits = type.getElementTypeBitWidth();
  return type.getNumElements() * (bits == 1 ? 1 : bits / 8);
}

/// Row-major little-endian bytes of a constant, i1 as one byte each.
static FailureOr<std::vector<uint8_t>> constantBytes(Location loc,
                                                     ElementsAttr attr) {
  auto type = cast<RankedTensorType>(attr.getType());
  // Checked before anything is allocated: a splat of a few bytes in the
  // source can stand for terabytes (the front end checks this too).
  if (storageSize(type) > format::kMaxConstantsRawSize) {
    emitError(loc) << "constant " << type << " needs " << storageSize(type)
                   << " bytes, more than a bundle holds ("
                   << (format::kMaxConstantsRawSize >> 30) << " GiB)";
    return failure();
  }
  std::vector<uint8_t> bytes;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (type.getElementType().isSignlessInteger(1)) {
      for (bool v : dense.getValues<bool>())
        bytes.push_back(v);
      return bytes;
    }
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      // The value, then doubling copies of what is there.
      bytes.resize(storageSize(type));
      size_t filled = std::min(raw.size(), bytes.size());
      std::memcpy(bytes.data(), raw.data(), filled);
      while (filled < bytes.size()) {
        size_t n = std::min(filled, bytes.size() - filled);
        std::memcpy(bytes.data() + filled, bytes.data(), n);
        filled += n;
      }
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
    if (data.size() != storageSize(type) ||
        type.getElementType().isSignlessInteger(1)) {
      emitError(loc) << "dense_resource constant holds " << data.size()
                     << " bytes but " << type << " needs " << storageSize(type);
      return failure();
    }
    bytes.assign(data.begin(), data.end());
    return bytes;
  }
  emitError(loc) << "unsupported constant attribute kind";
  return failure();
}

/// The argument an update_slice kernel's tg.dynamic_update_slice updates,
/// or -1.
static int64_t updatedArgument(func::FuncOp kernel) {
  if (kernel.getBody().empty())
    return -1;
  auto ret = dyn_cast<func::ReturnOp>(kernel.getBody().front().getTerminator());
  auto update =
      ret ? ret.getOperand(0).getDefiningOp<tg::DynamicUpdateSliceOp>()
          : nullptr;
  auto arg = update ? dyn_cast<BlockArgument>(update.getOperand()) : nullptr;
  return arg ? int64_t(arg.getArgNumber()) : -1;
}

/// Which inputs of a kernel its output may be written over (donation).
/// Elementwise kernels compute each output element from scratch, reading
/// arguments where the expression tree says (KernelEmitter), and store it
/// once; an argument read only by the returned generic, through an identity
/// map, is therefore read at exactly the element being written, and before
/// it. Anything else (another reader, a permuted or broadcast read, a
/// different type, another kind of kernel) is left unmarked.
///
/// An update_slice kernel never reads the operand of its
/// tg.dynamic_update_slice (the schedule copies it into the output before
/// the dispatch): that argument is trivially in place.
static std::vector<bool> inPlaceInputs(func::FuncOp kernel) {
  std::vector<bool> result(kernel.getNumArguments(), false);
  if (getKernelKind(kernel) == KernelKind::update_slice) {
    if (int64_t i = updatedArgument(kernel); i >= 0)
      result[i] = true;
    return result;
  }
  if (getKernelKind(kernel) != KernelKind::elementwise ||
      kernel.getNumResults() != 1 || kernel.getBody().empty())
    return result;
  auto ret = dyn_cast<func::ReturnOp>(kernel.getBody().front().getTerminator());
  auto root =
      ret ? ret.getOperand(0).getDefiningOp<linalg::GenericOp>() : nullptr;
  if (!root || root.getNumDpsInits() != 1 ||
      root.getNumParallelLoops() != root.getNumLoops() ||
      !root.getMatchingIndexingMap(root.getDpsInitOperand(0)).isIdentity())
    return result;
  for (BlockArgument arg : kernel.getArguments()) {
    if (arg.getType() != ret.getOperand(0).getType() || arg.use_empty())
      continue;
    bool ok = true;
    for (OpOperand &use : arg.getUses())
      ok &= use.getOwner() == root.getOperation() && root.isDpsInput(&use) &&
            root.getMatchingIndexingMap(&use).isIdentity();
    result[arg.getArgNumber()] = ok;
  }
  return result;
}

namespace {

/// Schedules one entry function; constants are shared by all of them.
class FunctionScheduler {
public:
  FunctionScheduler(Schedule &schedule,
                    const std::map<std::string, uint32_t> &kernelIndex,
                    std::map<const void *, uint32_t> &constantIndex,
                    const ExternalWeights *external,
                    std::map<uint32_t, uint32_t> &fileIndex)
      : schedule(schedule), kernelIndex(kernelIndex),
        constantIndex(constantIndex), external(external), fileIndex(fileIndex) {
  }

  FailureOr<FunctionSchedule> run(func::FuncOp func) {
    out.name = func.getSymName().str();
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          !isStorableElement(tensor.getElementType()))
        return func.emitError() << "entry function '" << func.getSymName()
                                << "' argument " << i << " has type " << type
                                << "; tgc entry points take static tensors";
      out.inputs.push_back(tensor);
      locations[func.getArgument(i)] = {
          addBuffer(BufferKind::Input, i, storageSize(tensor))};
    }
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !isStorableElement(tensor.getElementType()))
        return func.emitError() << "entry function '" << func.getSymName()
                                << "' result " << i << " has type " << type;
      out.outputs.push_back(tensor);
    }

    // Kernel results that are returned (once) are written straight into
    // the output buffer; everything else gets scratch or a copy.
    std::vector<Value> returned(ret.getNumOperands());
    llvm::DenseMap<Value, uint32_t> outputOf;
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      Value base = stripReshapes(v);
      returned[i] = base;
      if (base.getDefiningOp<func::CallOp>() && !outputOf.count(base))
        outputOf[base] = i;
    }
    std::vector<uint32_t> outputBuffer(ret.getNumOperands());
    for (auto [i, v] : llvm::enumerate(ret.getOperands()))
      outputBuffer[i] =
          addBuffer(BufferKind::Output, i,
                    storageSize(cast<RankedTensorType>(v.getType())));
    for (auto [base, i] : outputOf)
      locations[base] = {outputBuffer[i]};

    // Lifetimes of scratch values: index of the last step reading them.
    std::vector<func::CallOp> calls;
    for (auto call : func.getBody().front().getOps<func::CallOp>())
      calls.push_back(call);
    llvm::DenseMap<Value, size_t> lastUse;
    for (auto [step, call] : llvm::enumerate(calls))
      for (Value operand : call.getOperands())
        lastUse[stripReshapes(operand)] = step;

    // Free scratch buffers by index (sizes grow to fit).
    std::vector<uint32_t> freeScratch;
    for (auto [step, call] : llvm::enumerate(calls)) {
      auto it = kernelIndex.find(call.getCallee().str());
      if (it == kernelIndex.end())
        return call.emitError()
               << "call to unknown kernel " << call.getCallee();
      Step dispatch{StepKind::Dispatch, it->second};
      for (Value operand : call.getOperands()) {
        FailureOr<Binding> binding = locate(operand);
        if (failed(binding))
          return failure();
        dispatch.bindings.push_back(*binding);
      }
      Value result = call.getResult(0);
      if (!locations.count(result))
        locations[result] = {allocateScratch(
            freeScratch,
            storageSize(cast<RankedTensorType>(result.getType())))};
      dispatch.bindings.push_back(locations[result]);
      // An update_slice kernel writes only its window: the rest of the
      // result is the updated operand, copied first. When a caller donates
      // an input to the output, this copy is from the buffer onto itself
      // and the runtime skips it, so a KV cache update costs its one row.
      if (std::optional<uint32_t> updated =
              schedule.kernels[it->second].updatedArgument) {
        const Binding &from = dispatch.bindings[*updated];
        const Binding &to = dispatch.bindings.back();
        if (from.buffer != to.buffer || from.offset != to.offset)
          out.steps.push_back(
              {StepKind::Copy,
               0,
               {from, to},
               storageSize(cast<RankedTensorType>(result.getType()))});
      }
      out.steps.push_back(std::move(dispatch));
      // Release scratch whose last reader was this step. A value is never
      // released before the step that defines it has run.
      for (Value operand : call.getOperands()) {
        Value base = stripReshapes(operand);
        if (lastUse.lookup(base) == step &&
            base.getDefiningOp<func::CallOp>() && !outputOf.count(base) &&
            isScratch(locations[base].buffer) &&
            !llvm::is_contained(freeScratch, locations[base].buffer))
          freeScratch.push_back(locations[base].buffer);
      }
      if (result.use_empty() && isScratch(locations[result].buffer))
        freeScratch.push_back(locations[result].buffer);
    }

    // Outputs that are inputs, constants or repeated results are copied.
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      auto it = outputOf.find(returned[i]);
      if (it != outputOf.end() && it->second == i)
        continue;
      FailureOr<Binding> source = locate(v);
      if (failed(source))
        return failure();
      out.steps.push_back({StepKind::Copy,
                           0,
                           {*source, {outputBuffer[i]}},
                           storageSize(cast<RankedTensorType>(v.getType()))});
    }
    return std::move(out);
  }

private:
  uint32_t addBuffer(BufferKind kind, uint32_t index, uint64_t size) {
    out.buffers.push_back({kind, index, size});
    return out.buffers.size() - 1;
  }
  bool isScratch(uint32_t buffer) const {
    return out.buffers[buffer].kind == BufferKind::Scratch;
  }

  /// The smallest free scratch buffer that fits, else the largest one grown
  /// to fit, else a new one.
  uint32_t allocateScratch(std::vector<uint32_t> &freeScratch, uint64_t size) {
    int best = -1;
    for (auto [k, b] : llvm::enumerate(freeScratch)) {
      if (best < 0) {
        best = k;
        continue;
      }
      uint64_t current = out.buffers[freeScratch[best]].size,
               candidate = out.buffers[b].size;
      bool currentFits = current >= size, candidateFits = candidate >= size;
      if ((candidateFits && (!currentFits || candidate < current)) ||
          (!candidateFits && !currentFits && candidate > current))
        best = k;
    }
    if (best < 0)
      return addBuffer(BufferKind::Scratch, 0, alignUp(size));
    uint32_t buffer = freeScratch[best];
    freeScratch.erase(freeScratch.begin() + best);
    out.buffers[buffer].size =
        std::max(out.buffers[buffer].size, alignUp(size));
    return buffer;
  }

  /// Where a value lives; constants are added to the schedule on first use.
  FailureOr<Binding> locate(Value v) {
    Value base = stripReshapes(v);
    auto it = locations.find(base);
    if (it != locations.end())
      return it->second;
    if (auto constant = base.getDefiningOp<arith::ConstantOp>()) {
      auto attr = cast<ElementsAttr>(constant.getValue());
      auto [found, inserted] = constantIndex.try_emplace(
          attr.getAsOpaquePointer(), schedule.constants.size());
      if (inserted && externalConstant(attr)) {
        // Left in its file: nothing is copied.
      } else if (inserted) {
        FailureOr<std::vector<uint8_t>> bytes =
            constantBytes(constant.getLoc(), attr);
        if (failed(bytes)) {
          constantIndex.erase(found);
          return failure();
        }
        std::vector<uint8_t> &data = schedule.constantData;
        uint64_t offset = alignUp(data.size());
        if (bytes->size() > format::kMaxConstantsRawSize - offset) {
          constantIndex.erase(found);
          emitError(constant.getLoc())
              << "the model's constants need more than a bundle holds ("
              << (format::kMaxConstantsRawSize >> 30) << " GiB)";
          return failure();
        }
        data.resize(offset);
        data.insert(data.end(), bytes->begin(), bytes->end());
        schedule.constants.push_back({offset, bytes->size()});
      }
      locations[base] = {
          addBuffer(BufferKind::Constant, found->second,
                    storageSize(cast<RankedTensorType>(constant.getType())))};
      return locations[base];
    }
    emitError(v.getLoc()) << "value is not available to the schedule "
                             "(not an argument, constant or kernel result)";
    return failure();
  }

  /// Adds `attr` as an external constant if its bytes are exactly a tensor
  /// of a weights file; false if they are not.
  bool externalConstant(ElementsAttr attr) {
    auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
    if (!external || !resource)
      return false;
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return false;
    ArrayRef<char> data = blob->getData();
    auto it = external->tensors.find(data.data());
    auto type = cast<RankedTensorType>(attr.getType());
    if (it == external->tensors.end() || it->second.size != data.size() ||
        storageSize(type) != data.size() ||
        type.getElementType().isSignlessInteger(1))
      return false;
    const ExternalWeights::Tensor &tensor = it->second;
    // Files are numbered by first use, so the bundle names only files it
    // needs.
    auto [file, added] =
        fileIndex.try_emplace(tensor.file, schedule.weightFiles.size());
    if (added)
      schedule.weightFiles.push_back(external->files[tensor.file]);
    schedule.constants.push_back(
        {0, data.size(),
         ExternalConstant{file->second, tensor.name, type.getElementType(),
                          tensor.shape}});
    return true;
  }

  Schedule &schedule;
  const std::map<std::string, uint32_t> &kernelIndex;
  std::map<const void *, uint32_t> &constantIndex;
  const ExternalWeights *external;
  std::map<uint32_t, uint32_t> &fileIndex;
  FunctionSchedule out;
  llvm::DenseMap<Value, Binding> locations;
};

std::optional<std::array<int64_t, 3>> launchShape(DenseI64ArrayAttr attr) {
  if (!attr || attr.size() != 3)
    return std::nullopt;
  return std::array<int64_t, 3>{attr[0], attr[1], attr[2]};
}

} // namespace

FailureOr<Schedule> tgc::buildSchedule(ModuleOp module,
                                       const ExternalWeights *external) {
  auto *tgc = module.getContext()->getOrLoadDialect<TgcDialect>();
  Schedule schedule;
  std::map<std::string, uint32_t> kernelIndex;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!isKernelFunction(func))
      continue;
    kernelIndex[func.getSymName().str()] = schedule.kernels.size();
    ScheduledKernel kernel{func.getSymName().str(), func.getLoc(),
                           func.getNumArguments() + 1};
    SmallVector<Type> bindingTypes(func.getArgumentTypes());
    bindingTypes.append(func.getResultTypes().begin(),
                        func.getResultTypes().end());
    for (Type type : bindingTypes) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() || func.getNumResults() != 1)
        return func.emitError()
               << "kernel '" << func.getSymName() << "' has a binding of type "
               << type << "; kernels take and return static tensors";
      kernel.bindingBytes.push_back(storageSize(tensor));
    }
    kernel.inPlaceInputs = inPlaceInputs(func);
    if (getKernelKind(func) == KernelKind::update_slice) {
      int64_t updated = updatedArgument(func);
      if (updated < 0)
        return func.emitError() << "update_slice kernel '" << func.getSymName()
                                << "' does not update one of its arguments";
      kernel.updatedArgument = updated;
    }
    if (IntegerAttr workgroups =
            tgc->getHostWorkgroupsAttrHelper().getAttr(func))
      kernel.hostWorkgroups = workgroups.getInt();
    kernel.gpuGrid = launchShape(tgc->getGpuGridAttrHelper().getAttr(func));
    kernel.gpuBlock = launchShape(tgc->getGpuBlockAttrHelper().getAttr(func));
    schedule.kernels.push_back(std::move(kernel));
  }

  std::map<const void *, uint32_t> constantIndex;
  std::map<uint32_t, uint32_t> fileIndex;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (isKernelFunction(func) || func.isExternal() || func.isPrivate())
      continue;
    FailureOr<FunctionSchedule> function =
        FunctionScheduler(schedule, kernelIndex, constantIndex, external,
                          fileIndex)
            .run(func);
    if (failed(function))
      return failure();
    schedule.functions.push_back(std::move(*function));
  }
  if (schedule.functions.empty())
    return module.emitError("the module has no public func.func entry point");
  return schedule;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

static void printBinding(const Binding &binding, llvm::raw_ostream &os) {
  os << "%" << binding.buffer;
  if (binding.offset)
    os << "+" << binding.offset;
}

void tgc::printSchedule(const Schedule &schedule, llvm::raw_ostream &os) {
  for (const FunctionSchedule &function : schedule.functions) {
    os << "func @" << function.name << "(";
    llvm::interleaveComma(function.inputs, os);
    os << ") -> (";
    llvm::interleaveComma(function.outputs, os);
    os << ")\n";
    for (auto [i, buffer] : llvm::enumerate(function.buffers)) {
      os << "  %" << i << " = " << bufferKindName(buffer.kind);
      if (buffer.kind != BufferKind::Scratch)
        os << " " << buffer.index;
      os << ", " << buffer.size << " B\n";
    }
    for (const Step &step : function.steps) {
      if (step.kind == StepKind::Copy) {
        os << "  copy " << step.size << " B from ";
        printBinding(step.bindings[0], os);
        os << " to ";
        printBinding(step.bindings[1], os);
        os << "\n";
        continue;
      }
      os << "  dispatch @" << schedule.kernels[step.kernel].name << "(";
      llvm::interleaveComma(step.bindings, os, [&](const Binding &binding) {
        printBinding(binding, os);
      });
      os << ")\n";
    }
  }
  for (const ScheduledKernel &kernel : schedule.kernels) {
    os << "kernel @" << kernel.name << ": " << kernel.numBindings
       << " bindings";
    if (kernel.hostWorkgroups)
      os << ", host workgroups " << *kernel.hostWorkgroups;
    auto printShape = [&](const std::array<int64_t, 3> &shape) {
      os << "[" << shape[0] << ", " << shape[1] << ", " << shape[2] << "]";
    };
    if (kernel.gpuGrid && kernel.gpuBlock) {
      os << ", gpu grid ";
      printShape(*kernel.gpuGrid);
      os << " block ";
      printShape(*kernel.gpuBlock);
    }
    // Inputs the output may be written over (donation); only when there
    // are any, so that listings of other kernels stay as they were.
    SmallVector<size_t> inPlace;
    for (auto [i, flag] : llvm::enumerate(kernel.inPlaceInputs))
      if (flag)
        inPlace.push_back(i);
    if (!inPlace.empty()) {
      os << ", in place ";
      llvm::interleaveComma(inPlace, os);
    }
    os << "\n";
  }
  for (auto [i, constant] : llvm::enumerate(schedule.constants)) {
    os << "constant " << i << ": " << constant.size << " B ";
    if (constant.external)
      os << "external: tensor '" << constant.external->name << "' of '"
         << schedule.weightFiles[constant.external->file] << "'\n";
    else
      os << "at " << constant.offset << "\n";
  }
}
