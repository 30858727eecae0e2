//===- BundleWriter.cpp - bundle serialization ----------------------------===//
//
// Only encoding: what goes into the bundle was decided by the schedule
// (compiler/schedule) and the target back ends.
//
//===----------------------------------------------------------------------===//

#include "compiler/bundle/BundleWriter.h"

#include "format/BundleContainer.h"
#include "format/SymbolNames.h"
#include "format/bundle_generated.h"

#include "mlir/IR/Diagnostics.h"

#include <zstd.h>

using namespace mlir;
using namespace tgc;
namespace fmt = tgc::format;

static fmt::DType dtypeOf(Type element) {
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
  return fmt::DType::f32;
}

/// Whether the constants section is worth compressing. Weights barely are
/// (the low mantissa bits of f32/f16/bf16 are noise: zstd saves 5-10% on
/// real models), while a compressed section costs a second copy of the
/// weights when the bundle is written and again when it is loaded. So large
/// constants are compressed only when 16 samples of 64 KiB, spread over
/// them, shrink by an eighth or more; small ones are left to the container
/// (compressed when that makes them smaller).
static bool worthCompressing(const std::vector<uint8_t> &bytes) {
  constexpr size_t kSample = 64 << 10, kSamples = 16;
  if (bytes.size() <= 4 << 20)
    return true;
  std::vector<uint8_t> out(ZSTD_compressBound(kSample));
  size_t compressed = 0;
  for (size_t i = 0; i < kSamples; ++i) {
    size_t at = (bytes.size() - kSample) / (kSamples - 1) * i;
    size_t n =
        ZSTD_compress(out.data(), out.size(), bytes.data() + at, kSample, 3);
    if (ZSTD_isError(n))
      return false;
    compressed += n;
  }
  return compressed <= kSamples * kSample / 8 * 7;
}

namespace {

class Encoder {
public:
  FailureOr<std::vector<uint8_t>> encode(Schedule &schedule,
                                         std::vector<CodeObject> &code,
                                         const std::string &producer) {
    std::vector<flatbuffers::Offset<fmt::Kernel>> kernels;
    for (const ScheduledKernel &kernel : schedule.kernels) {
      // Inputs are read, the last binding (the result) is written.
      std::vector<flatbuffers::Offset<fmt::KernelBinding>> bindings;
      for (auto [i, bytes] : llvm::enumerate(kernel.bindingBytes)) {
        bool output = i + 1 == kernel.bindingBytes.size();
        bindings.push_back(fmt::CreateKernelBinding(
            fbb, bytes,
            output ? fmt::BindingAccess::write : fmt::BindingAccess::read,
            !output && i < kernel.inPlaceInputs.size() &&
                kernel.inPlaceInputs[i]));
      }
      std::string name = demangleSymbol(kernel.name);
      kernels.push_back(fmt::CreateKernelDirect(fbb, name.c_str(),
                                                kernel.numBindings, &bindings));
    }
    std::vector<flatbuffers::Offset<fmt::Function>> functions;
    for (const FunctionSchedule &function : schedule.functions)
      functions.push_back(encodeFunction(function));
    std::vector<flatbuffers::Offset<fmt::Constant>> constants;
    for (const ScheduledConstant &constant : schedule.constants) {
      flatbuffers::Offset<fmt::ExternalTensor> external;
      if (const std::optional<ExternalConstant> &e = constant.external)
        external = fmt::CreateExternalTensorDirect(
            fbb, e->file, e->name.c_str(),
            fmt::CreateTensorTypeDirect(fbb, dtypeOf(e->elementType),
                                        &e->shape));
      constants.push_back(
          fmt::CreateConstant(fbb, constant.offset, constant.size, external));
    }
    std::vector<flatbuffers::Offset<fmt::WeightsFile>> weightFiles;
    for (const std::string &path : schedule.weightFiles)
      weightFiles.push_back(fmt::CreateWeightsFileDirect(
          fbb, path.c_str(), fmt::WeightsFormat::safetensors));

    // Sections: 0 metadata, then one per code object, then constants.
    std::vector<fmt::SectionInput> sections(1);
    std::vector<flatbuffers::Offset<fmt::CodeObject>> codeTable;
    for (CodeObject &object : code) {
      std::vector<flatbuffers::Offset<fmt::KernelLaunch>> launches;
      for (auto [i, kernel] : llvm::enumerate(schedule.kernels)) {
        FailureOr<flatbuffers::Offset<fmt::KernelLaunch>> launch =
            encodeLaunch(i, kernel, object);
        if (failed(launch))
          return failure();
        launches.push_back(*launch);
      }
      codeTable.push_back(fmt::CreateCodeObjectDirect(
          fbb, fmt::TargetKind(targetKindOf(object.format)),
          fmt::CodeFormat(object.format), object.arch.c_str(), sections.size(),
          &launches, object.cpu.empty() ? nullptr : object.cpu.c_str()));
      sections.push_back(
          {fmt::SectionKind::Code, std::move(object.bytes), true});
    }
    int32_t constantsSection = -1;
    if (!schedule.constantData.empty()) {
      constantsSection = sections.size();
      bool compress = worthCompressing(schedule.constantData);
      sections.push_back({fmt::SectionKind::Constants,
                          std::move(schedule.constantData), compress});
    }
    auto module = fmt::CreateModule(
        fbb, fbb.CreateString(producer), fbb.CreateVector(functions),
        fbb.CreateVector(kernels), fbb.CreateVector(codeTable),
        fbb.CreateVector(constants), constantsSection,
        weightFiles.empty() ? 0 : fbb.CreateVector(weightFiles));
    fmt::FinishModuleBuffer(fbb, module);
    sections[0] = {fmt::SectionKind::Metadata,
                   std::vector<uint8_t>(fbb.GetBufferPointer(),
                                        fbb.GetBufferPointer() + fbb.GetSize()),
                   true};
    // Version 3 readers are needed only for external constants; other
    // bundles stay readable by version 2 runtimes.
    return fmt::writeContainer(sections, /*zstdLevel=*/9,
                               weightFiles.empty() ? fmt::kOldestFormatVersion
                                                   : fmt::kFormatVersion);
  }

private:
  flatbuffers::Offset<fmt::TensorType> tensorType(RankedTensorType type) {
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    return fmt::CreateTensorTypeDirect(fbb, dtypeOf(type.getElementType()),
                                       &shape);
  }

  std::vector<flatbuffers::Offset<fmt::Binding>>
  bindings(const std::vector<Binding> &from) {
    std::vector<flatbuffers::Offset<fmt::Binding>> out;
    for (const Binding &binding : from)
      out.push_back(fmt::CreateBinding(fbb, binding.buffer, binding.offset));
    return out;
  }

  flatbuffers::Offset<fmt::Function>
  encodeFunction(const FunctionSchedule &function) {
    std::vector<flatbuffers::Offset<fmt::TensorType>> inputs, outputs;
    for (RankedTensorType type : function.inputs)
      inputs.push_back(tensorType(type));
    for (RankedTensorType type : function.outputs)
      outputs.push_back(tensorType(type));
    std::vector<flatbuffers::Offset<fmt::Step>> steps;
    for (const Step &step : function.steps) {
      auto stepBindings = bindings(step.bindings);
      steps.push_back(fmt::CreateStepDirect(fbb, fmt::StepKind(step.kind),
                                            step.kernel, &stepBindings,
                                            step.size));
    }
    std::vector<flatbuffers::Offset<fmt::Buffer>> buffers;
    for (const ScheduledBuffer &buffer : function.buffers)
      buffers.push_back(fmt::CreateBuffer(fbb, fmt::BufferKind(buffer.kind),
                                          buffer.index, buffer.size));
    return fmt::CreateFunctionDirect(fbb, function.name.c_str(), &inputs,
                                     &outputs, &buffers, &steps);
  }

  FailureOr<flatbuffers::Offset<fmt::KernelLaunch>>
  encodeLaunch(uint32_t index, const ScheduledKernel &kernel,
               const CodeObject &object) {
    if (index >= object.launches.size())
      return emitError(kernel.loc)
             << "kernel '" << demangleSymbol(kernel.name)
             << "' has no launch in the code object for " << object.arch;
    const KernelLaunch &launch = object.launches[index];
    // The format stores 32-bit launch sizes: a truncated workgroup count
    // would run part of the kernel (or, at 0, be rejected when loading).
    for (int64_t v : launch.grid)
      if (v < 1 || v > int64_t(UINT32_MAX))
        return emitError(kernel.loc)
               << "kernel '" << demangleSymbol(kernel.name) << "' needs " << v
               << " workgroups on " << object.arch
               << ", more than a launch can have (4294967295): its tensors "
                  "are too large";
    if (launch.scratchBytes > UINT32_MAX)
      return emitError(kernel.loc)
             << "kernel '" << demangleSymbol(kernel.name) << "' needs "
             << launch.scratchBytes << " bytes of scratch memory on "
             << object.arch;
    std::vector<uint32_t> grid(launch.grid.begin(), launch.grid.end()),
        block(launch.block.begin(), launch.block.end());
    return fmt::CreateKernelLaunchDirect(fbb, index, kernel.name.c_str(), &grid,
                                         &block, uint32_t(launch.scratchBytes));
  }

  flatbuffers::FlatBufferBuilder fbb;
};

} // namespace

FailureOr<std::vector<uint8_t>> tgc::writeBundle(Schedule &&schedule,
                                                 std::vector<CodeObject> &&code,
                                                 const std::string &producer) {
  return Encoder().encode(schedule, code, producer);
}
