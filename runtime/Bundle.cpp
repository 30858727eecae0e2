//===- Bundle.cpp - validated bundle reader -------------------------------===//

#include "runtime/Bundle.h"

#include "format/bundle_generated.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;
using namespace tgc::rt;
namespace fb = tgc::format;

std::string TensorType::str() const {
  std::string s = "tensor<";
  for (int64_t dim : shape)
    s += std::to_string(dim) + "x";
  return s + dtypeName(dtype) + ">";
}

Status tgc::rt::makeTensorType(int dtype, const int64_t *shape, size_t rank,
                               const std::string &what, TensorType &out) {
  if (!isDType(dtype))
    return Status::invalidArgument(what + ": unknown dtype " +
                                   std::to_string(dtype));
  if (rank > kMaxRank)
    return Status::invalidArgument(what + ": rank " + std::to_string(rank) +
                                   " exceeds the limit of " +
                                   std::to_string(kMaxRank));
  out.dtype = DType(dtype);
  out.shape.assign(shape, shape + rank);
  out.elementCount = 1;
  size_t elementSize = dtypeSize(out.dtype);
  for (size_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return Status::invalidArgument(what + ": dimension " + std::to_string(i) +
                                     " is negative (" +
                                     std::to_string(shape[i]) + ")");
    // Checked division keeps the running product below the limit, so the
    // multiplication cannot overflow.
    uint64_t dim = uint64_t(shape[i]);
    if (dim != 0 && out.elementCount > kMaxByteSize / elementSize / dim)
      return Status::invalidArgument(what + ": " + out.str() +
                                     " is too large (over 2^48 bytes)");
    out.elementCount *= dim;
  }
  out.byteSize = out.elementCount * elementSize;
  return Status::ok();
}

std::string CodeObjectDesc::str() const {
  return std::string(codeFormatName(format)) + " " + arch +
         (cpu.empty() ? "" : " (" + cpu + ")");
}

int64_t ModuleDesc::findFunction(const std::string &name) const {
  for (size_t i = 0; i < functions.size(); ++i)
    if (functions[i].name == name)
      return int64_t(i);
  return -1;
}

std::string ModuleDesc::functionList() const {
  std::string list;
  for (const FunctionDesc &f : functions)
    list += (list.empty() ? "'" : ", '") + f.name + "'";
  return list.empty() ? "none" : list;
}

std::string ModuleDesc::codeObjectList() const {
  std::string list;
  for (const CodeObjectDesc &c : codeObjects)
    list += (list.empty() ? "" : ", ") + c.str();
  return list.empty() ? "no code objects" : list;
}

//===----------------------------------------------------------------------===//
// Metadata validation
//===----------------------------------------------------------------------===//

namespace {

/// Kernels with more pointer arguments than this are certainly corrupt; the
/// bound keeps argument vectors small.
constexpr uint32_t kMaxBindings = 1u << 16;

template <typename T> size_t count(const flatbuffers::Vector<T> *v) {
  return v ? v->size() : 0;
}

std::string str(const flatbuffers::String *s) {
  return s ? s->str() : std::string();
}

std::string quoted(const std::string &s) { return "'" + s + "'"; }

class MetadataDecoder {
public:
  MetadataDecoder(const std::vector<fb::SectionEntry> &sections,
                  ModuleDesc &out)
      : sections_(sections), out_(out) {}

  Status decode(const fb::Module &module) {
    out_.producer = str(module.producer());
    TGC_RETURN_IF_ERROR(decodeKernels(module));
    TGC_RETURN_IF_ERROR(decodeConstants(module));
    TGC_RETURN_IF_ERROR(decodeCodeObjects(module));
    TGC_RETURN_IF_ERROR(decodeFunctions(module));
    return checkKernelBindings(module);
  }

private:
  Status decodeKernels(const fb::Module &module) {
    for (size_t k = 0; k < count(module.kernels()); ++k) {
      const fb::Kernel *kernel = module.kernels()->Get(k);
      KernelDesc desc;
      desc.name = str(kernel->name());
      if (desc.name.empty())
        desc.name = "kernel " + std::to_string(k);
      desc.numBindings = kernel->num_bindings();
      std::string where =
          "kernel " + std::to_string(k) + " (" + quoted(desc.name) + ")";
      if (desc.numBindings > kMaxBindings)
        return Status::dataLoss(where + " has " +
                                std::to_string(desc.numBindings) +
                                " bindings, more than the limit of " +
                                std::to_string(kMaxBindings));
      // What the code touches through each binding: without it no dispatch
      // could be checked against its buffers. Required, but reported after
      // the functions (checkKernelBindings), whose tensors are checked
      // first.
      if (count(kernel->bindings()) != desc.numBindings) {
        out_.kernels.push_back(std::move(desc));
        continue;
      }
      for (size_t b = 0; b < desc.numBindings; ++b) {
        const fb::KernelBinding *binding = kernel->bindings()->Get(b);
        auto access = uint8_t(binding->access());
        if (access > uint8_t(fb::BindingAccess::MAX))
          return Status::dataLoss(where + " binding " + std::to_string(b) +
                                  " has unknown access " +
                                  std::to_string(access));
        if (binding->extent() > kMaxByteSize)
          return Status::dataLoss(
              where + " binding " + std::to_string(b) + " extent " +
              std::to_string(binding->extent()) + " is too large");
        bool write = access == uint8_t(fb::BindingAccess::write);
        // In place describes how an input is read next to the output: a
        // written binding that claims it is a corrupt bundle.
        if (write && binding->in_place())
          return Status::dataLoss(where + " binding " + std::to_string(b) +
                                  " is written and marked in place");
        desc.bindings.push_back(
            {binding->extent(), write, binding->in_place()});
      }
      out_.kernels.push_back(std::move(desc));
    }
    return Status::ok();
  }

  Status checkKernelBindings(const fb::Module &module) {
    for (size_t k = 0; k < out_.kernels.size(); ++k) {
      const KernelDesc &kernel = out_.kernels[k];
      if (kernel.bindings.size() != kernel.numBindings)
        return Status::dataLoss(
            "kernel " + std::to_string(k) + " (" + quoted(kernel.name) +
            ") records what it touches for " +
            countOf(count(module.kernels()->Get(k)->bindings()), "binding") +
            " but has " + std::to_string(kernel.numBindings));
    }
    return Status::ok();
  }

  Status decodeConstants(const fb::Module &module) {
    int32_t section = module.constants_section();
    size_t numConstants = count(module.constants());
    if (section != -1) {
      if (section < 0 || size_t(section) >= sections_.size())
        return Status::dataLoss("constants_section " + std::to_string(section) +
                                " is out of range (the bundle has " +
                                countOf(sections_.size(), "section") + ")");
      const fb::SectionEntry &entry = sections_[section];
      if (entry.kind != fb::SectionKind::Constants)
        return Status::dataLoss("constants_section " + std::to_string(section) +
                                " is a " + fb::sectionKindName(entry.kind) +
                                " section, not a constants one");
      out_.constantsSection = section;
      out_.constantsSectionSize = entry.rawSize;
    }
    TGC_RETURN_IF_ERROR(decodeWeightFiles(module));
    // External constants follow the section in the module's constants
    // allocation, each aligned like the section's own constants.
    uint64_t end = alignUp(out_.constantsSectionSize);
    // Without a section there are 0 bytes of constants: writers leave the
    // section out when every constant is empty.
    for (size_t c = 0; c < numConstants; ++c) {
      const fb::Constant *constant = module.constants()->Get(c);
      uint64_t offset = constant->offset(), size = constant->size();
      if (const fb::ExternalTensor *external = constant->external()) {
        ConstantDesc desc{0, size, std::nullopt};
        TGC_RETURN_IF_ERROR(decodeExternal(c, *constant, *external, desc));
        // Each size is below 2^48 and so is the running end: no overflow.
        if (size > kMaxByteSize - end)
          return Status::dataLoss("the external constants need more than " +
                                  std::to_string(kMaxByteSize) + " bytes");
        desc.offset = end;
        end = alignUp(end + size);
        out_.constants.push_back(std::move(desc));
        continue;
      }
      if (section == -1 && (offset != 0 || size != 0))
        return Status::dataLoss("constant " + std::to_string(c) + " (offset " +
                                std::to_string(offset) + ", " +
                                std::to_string(size) +
                                " bytes) needs a constants section but the "
                                "module has none");
      if (offset > out_.constantsSectionSize ||
          size > out_.constantsSectionSize - offset)
        return Status::dataLoss(
            "constant " + std::to_string(c) + " (offset " +
            std::to_string(offset) + ", " + std::to_string(size) +
            " bytes) lies outside the constants section (" +
            std::to_string(out_.constantsSectionSize) + " bytes)");
      out_.constants.push_back({offset, size, std::nullopt});
    }
    out_.constantsSize = end;
    for (const ConstantDesc &constant : out_.constants)
      if (constant.external)
        return Status::ok();
    // No external constants: the allocation is exactly the section.
    out_.constantsSize = out_.constantsSectionSize;
    return Status::ok();
  }

  static uint64_t alignUp(uint64_t n) { return (n + 63) & ~uint64_t(63); }

  /// Paths are relative to the bundle's directory and stay inside it: a
  /// bundle names its weights, it does not reach for other files.
  Status decodeWeightFiles(const fb::Module &module) {
    for (size_t f = 0; f < count(module.weight_files()); ++f) {
      const fb::WeightsFile *file = module.weight_files()->Get(f);
      std::string where = "weights file " + std::to_string(f);
      std::string path = str(file->path());
      if (uint8_t(file->format()) > uint8_t(fb::WeightsFormat::MAX))
        return Status::dataLoss(where + " has unknown format " +
                                std::to_string(uint8_t(file->format())));
      if (path.empty())
        return Status::dataLoss(where + " has no path");
      bool escapes = path[0] == '/' || path.find('\0') != std::string::npos;
      for (size_t begin = 0; begin <= path.size() && !escapes;) {
        size_t slash = std::min(path.find('/', begin), path.size());
        escapes = path.compare(begin, slash - begin, "..") == 0;
        begin = slash + 1;
      }
      if (escapes)
        return Status::dataLoss(where + " " + quoted(path) +
                                " is not a relative path inside the "
                                "bundle's directory");
      out_.weightFiles.push_back(std::move(path));
    }
    return Status::ok();
  }

  Status decodeExternal(size_t c, const fb::Constant &constant,
                        const fb::ExternalTensor &external, ConstantDesc &out) {
    std::string where = "constant " + std::to_string(c) + " (external)";
    if (constant.offset() != 0)
      return Status::dataLoss(where + " has offset " +
                              std::to_string(constant.offset()) +
                              "; an external constant's is 0");
    ExternalTensorDesc desc;
    desc.file = external.file();
    if (desc.file >= out_.weightFiles.size())
      return Status::dataLoss(where + " refers to weights file " +
                              std::to_string(desc.file) +
                              " but the bundle names " +
                              countOf(out_.weightFiles.size(), "weights file"));
    desc.name = str(external.name());
    if (desc.name.empty())
      return Status::dataLoss(where + " has no tensor name");
    where = "constant " + std::to_string(c) + " (tensor " + quoted(desc.name) +
            " of " + quoted(out_.weightFiles[desc.file]) + ")";
    const fb::TensorType *type = external.type();
    if (!type)
      return Status::dataLoss(where + " has no type");
    TGC_RETURN_IF_ERROR(decodeTensor(*type, where, desc.type));
    if (desc.type.byteSize != out.size)
      return Status::dataLoss(where + " is " + std::to_string(out.size) +
                              " bytes but " + desc.type.str() + " is " +
                              std::to_string(desc.type.byteSize));
    out.external = std::move(desc);
    return Status::ok();
  }

  Status decodeCodeObjects(const fb::Module &module) {
    size_t numKernels = out_.kernels.size();
    for (size_t i = 0; i < count(module.code_objects()); ++i) {
      const fb::CodeObject *code = module.code_objects()->Get(i);
      std::string where = "code object " + std::to_string(i);
      auto target = uint8_t(code->target()), format = uint8_t(code->format());
      if (target > kMaxTargetKind)
        return Status::dataLoss(where + " has unknown target " +
                                std::to_string(target));
      if (format > kMaxCodeFormat)
        return Status::dataLoss(where + " has unknown format " +
                                std::to_string(format));
      CodeObjectDesc desc;
      desc.target = TargetKind(target);
      desc.format = CodeFormat(format);
      desc.arch = str(code->arch());
      desc.cpu = str(code->cpu());
      where += " (" + desc.str() + ")";
      if (targetKindOf(desc.format) != desc.target)
        return Status::dataLoss(
            where + ": format " + codeFormatName(desc.format) +
            " does not run on target " + targetKindName(desc.target));
      if (desc.arch.empty())
        return Status::dataLoss(where + " has no arch");
      desc.section = code->section();
      if (desc.section >= sections_.size())
        return Status::dataLoss(
            where + " refers to section " + std::to_string(desc.section) +
            " but the bundle has " + countOf(sections_.size(), "section"));
      if (sections_[desc.section].kind != fb::SectionKind::Code)
        return Status::dataLoss(
            where + " refers to section " + std::to_string(desc.section) +
            " which is a " + fb::sectionKindName(sections_[desc.section].kind) +
            " section, not a code one");

      desc.launches.resize(numKernels);
      std::vector<bool> seen(numKernels, false);
      for (size_t l = 0; l < count(code->launches()); ++l) {
        const fb::KernelLaunch *launch = code->launches()->Get(l);
        std::string lwhere = where + " launch " + std::to_string(l);
        uint32_t k = launch->kernel();
        if (k >= numKernels)
          return Status::dataLoss(lwhere + " refers to kernel " +
                                  std::to_string(k) + " but the module has " +
                                  countOf(numKernels, "kernel"));
        if (seen[k])
          return Status::dataLoss(lwhere + ": kernel " + std::to_string(k) +
                                  " (" + quoted(out_.kernels[k].name) +
                                  ") has a second launch");
        seen[k] = true;
        LaunchDesc &ld = desc.launches[k];
        ld.symbol = str(launch->symbol());
        if (ld.symbol.empty())
          return Status::dataLoss(lwhere + " has no symbol");
        TGC_RETURN_IF_ERROR(
            readDim3(launch->grid(), lwhere + " grid", ld.grid));
        TGC_RETURN_IF_ERROR(
            readDim3(launch->block(), lwhere + " block", ld.block));
        ld.sharedMemoryBytes = launch->shared_memory();
      }
      for (size_t k = 0; k < numKernels; ++k)
        if (!seen[k])
          return Status::dataLoss(where + " has no launch for kernel " +
                                  std::to_string(k) + " (" +
                                  quoted(out_.kernels[k].name) + ")");
      out_.codeObjects.push_back(std::move(desc));
    }
    return Status::ok();
  }

  static Status readDim3(const flatbuffers::Vector<uint32_t> *v,
                         const std::string &what, uint32_t (&out)[3]) {
    if (count(v) != 3)
      return Status::dataLoss(what + " has " + std::to_string(count(v)) +
                              " entries, expected 3");
    for (int d = 0; d < 3; ++d) {
      out[d] = v->Get(d);
      if (out[d] == 0)
        return Status::dataLoss(what + "[" + std::to_string(d) + "] is zero");
    }
    return Status::ok();
  }

  Status decodeTensors(
      const flatbuffers::Vector<flatbuffers::Offset<fb::TensorType>> *types,
      const std::string &what, std::vector<TensorType> &out) {
    for (size_t i = 0; i < count(types); ++i) {
      TensorType type;
      TGC_RETURN_IF_ERROR(
          decodeTensor(*types->Get(i), what + " " + std::to_string(i), type));
      out.push_back(std::move(type));
    }
    return Status::ok();
  }

  static Status decodeTensor(const fb::TensorType &t, const std::string &where,
                             TensorType &out) {
    const auto *shape = t.shape();
    // FlatBuffers' verifier checks a vector's length field, not that its
    // 8-byte elements are 8-byte aligned; reading misaligned ones is
    // undefined behavior. The builder aligns every non-empty vector.
    if (count(shape) > 0 &&
        reinterpret_cast<uintptr_t>(shape->data()) % alignof(int64_t) != 0)
      return Status::dataLoss(where +
                              ": shape is misaligned (corrupted metadata)");
    Status status =
        makeTensorType(int(t.dtype()), shape ? shape->data() : nullptr,
                       count(shape), where, out);
    if (!status)
      return Status::dataLoss(status.message());
    return Status::ok();
  }

  Status decodeFunctions(const fb::Module &module) {
    for (size_t f = 0; f < count(module.functions()); ++f) {
      const fb::Function *fn = module.functions()->Get(f);
      FunctionDesc desc;
      desc.name = str(fn->name());
      if (desc.name.empty())
        return Status::dataLoss("function " + std::to_string(f) +
                                " has no name");
      if (out_.findFunction(desc.name) >= 0)
        return Status::dataLoss("function " + quoted(desc.name) +
                                " is defined twice");
      std::string where = "function " + quoted(desc.name);
      TGC_RETURN_IF_ERROR(
          decodeTensors(fn->inputs(), where + " input", desc.inputs));
      TGC_RETURN_IF_ERROR(
          decodeTensors(fn->outputs(), where + " output", desc.outputs));
      TGC_RETURN_IF_ERROR(decodeBuffers(*fn, where, desc));
      TGC_RETURN_IF_ERROR(decodeSteps(*fn, where, desc));
      out_.functions.push_back(std::move(desc));
    }
    return Status::ok();
  }

  Status decodeBuffers(const fb::Function &fn, const std::string &fwhere,
                       FunctionDesc &desc) {
    desc.inputBuffers.assign(desc.inputs.size(), -1);
    std::vector<int64_t> outputBuffers(desc.outputs.size(), -1);
    for (size_t b = 0; b < count(fn.buffers()); ++b) {
      const fb::Buffer *buffer = fn.buffers()->Get(b);
      std::string where = fwhere + " buffer " + std::to_string(b);
      auto kind = uint8_t(buffer->kind());
      if (kind > kMaxBufferKind)
        return Status::dataLoss(where + " has unknown kind " +
                                std::to_string(kind));
      BufferDesc bd{BufferKind(kind), buffer->index(), buffer->size()};
      where += " (" + std::string(bufferKindName(bd.kind)) + ")";
      if (bd.size > kMaxByteSize)
        return Status::dataLoss(where + " size " + std::to_string(bd.size) +
                                " is too large");
      // Inputs and outputs are copied straight between the caller's tensors
      // and these buffers, so their sizes must match exactly.
      auto checkTensor = [&](const std::vector<TensorType> &tensors,
                             std::vector<int64_t> &owners,
                             const char *what) -> Status {
        if (bd.index >= tensors.size())
          return Status::dataLoss(
              where + " refers to " + what + " " + std::to_string(bd.index) +
              " but the function has " + countOf(tensors.size(), what));
        if (owners[bd.index] >= 0)
          return Status::dataLoss(
              where + ": " + what + " " + std::to_string(bd.index) +
              " already has buffer " + std::to_string(owners[bd.index]));
        const TensorType &t = tensors[bd.index];
        if (bd.size != t.byteSize)
          return Status::dataLoss(where + " is " + std::to_string(bd.size) +
                                  " bytes but " + what + " " +
                                  std::to_string(bd.index) + " (" + t.str() +
                                  ") is " + std::to_string(t.byteSize));
        owners[bd.index] = int64_t(b);
        return Status::ok();
      };
      switch (bd.kind) {
      case BufferKind::Input:
        TGC_RETURN_IF_ERROR(
            checkTensor(desc.inputs, desc.inputBuffers, "input"));
        break;
      case BufferKind::Output:
        TGC_RETURN_IF_ERROR(checkTensor(desc.outputs, outputBuffers, "output"));
        break;
      case BufferKind::Constant:
        if (bd.index >= out_.constants.size())
          return Status::dataLoss(where + " refers to constant " +
                                  std::to_string(bd.index) +
                                  " but the module has " +
                                  countOf(out_.constants.size(), "constant"));
        if (bd.size != out_.constants[bd.index].size)
          return Status::dataLoss(
              where + " is " + std::to_string(bd.size) +
              " bytes but constant " + std::to_string(bd.index) + " is " +
              std::to_string(out_.constants[bd.index].size));
        break;
      case BufferKind::Scratch:
        break;
      }
      desc.buffers.push_back(bd);
    }
    for (size_t o = 0; o < outputBuffers.size(); ++o) {
      if (outputBuffers[o] < 0)
        return Status::dataLoss(fwhere + ": output " + std::to_string(o) +
                                " has no buffer");
      desc.outputBuffers.push_back(uint32_t(outputBuffers[o]));
    }
    return Status::ok();
  }

  Status decodeSteps(const fb::Function &fn, const std::string &fwhere,
                     FunctionDesc &desc) {
    for (size_t s = 0; s < count(fn.steps()); ++s) {
      const fb::Step *step = fn.steps()->Get(s);
      std::string where = fwhere + " step " + std::to_string(s);
      auto kind = uint8_t(step->kind());
      if (kind > kMaxStepKind)
        return Status::dataLoss(where + " has unknown kind " +
                                std::to_string(kind));
      StepDesc sd{StepKind(kind), step->kernel(), {}, step->size()};
      for (size_t i = 0; i < count(step->bindings()); ++i) {
        const fb::Binding *binding = step->bindings()->Get(i);
        std::string bwhere = where + ": binding " + std::to_string(i);
        uint32_t buffer = binding->buffer();
        if (buffer >= desc.buffers.size())
          return Status::dataLoss(bwhere + " refers to buffer " +
                                  std::to_string(buffer) +
                                  " but the function has " +
                                  countOf(desc.buffers.size(), "buffer"));
        uint64_t size = desc.buffers[buffer].size;
        if (binding->offset() > size)
          return Status::dataLoss(
              bwhere + " offset " + std::to_string(binding->offset()) +
              " lies past the end of buffer " + std::to_string(buffer) + " (" +
              std::to_string(size) + " bytes)");
        sd.bindings.push_back({buffer, binding->offset()});
      }
      if (sd.kind == StepKind::Dispatch) {
        if (sd.kernel >= out_.kernels.size())
          return Status::dataLoss(
              where + " refers to kernel " + std::to_string(sd.kernel) +
              " but the module has " + countOf(out_.kernels.size(), "kernel"));
        const KernelDesc &kernel = out_.kernels[sd.kernel];
        if (sd.bindings.size() != kernel.numBindings)
          return Status::dataLoss(where + " passes " +
                                  countOf(sd.bindings.size(), "binding") +
                                  " but kernel " + std::to_string(sd.kernel) +
                                  " (" + quoted(kernel.name) + ") takes " +
                                  std::to_string(kernel.numBindings));
        if (kernel.bindings.size() != kernel.numBindings)
          return Status::dataLoss(where + ": kernel " +
                                  std::to_string(sd.kernel) + " (" +
                                  quoted(kernel.name) +
                                  ") does not record what it touches, so "
                                  "the dispatch cannot be checked");
        TGC_RETURN_IF_ERROR(checkDispatch(sd, kernel, desc, where));
      } else {
        if (sd.bindings.size() != 2)
          return Status::dataLoss(where +
                                  ": a copy needs 2 bindings (source, "
                                  "destination), it has " +
                                  std::to_string(sd.bindings.size()));
        for (size_t i = 0; i < 2; ++i) {
          const BufferDesc &buffer = desc.buffers[sd.bindings[i].buffer];
          // offset <= buffer.size was checked above, so this cannot wrap.
          if (sd.size > buffer.size - sd.bindings[i].offset)
            return Status::dataLoss(
                where + ": copying " + std::to_string(sd.size) +
                " bytes at offset " + std::to_string(sd.bindings[i].offset) +
                " runs past the end of buffer " +
                std::to_string(sd.bindings[i].buffer) + " (" +
                std::to_string(buffer.size) + " bytes)");
        }
        // Constants are shared by every session; writing one would race.
        if (desc.buffers[sd.bindings[1].buffer].kind == BufferKind::Constant)
          return Status::dataLoss(where + ": copy destination buffer " +
                                  std::to_string(sd.bindings[1].buffer) +
                                  " is a constant");
      }
      desc.steps.push_back(std::move(sd));
    }
    return Status::ok();
  }

  /// The bytes a dispatch's kernel touches must lie inside the buffers it
  /// is given, its output must not be a constant (shared by every session
  /// and uploaded once), and what it writes must not overlap anything else
  /// it reads or writes (the code assumes its pointers do not alias).
  static Status checkDispatch(const StepDesc &step, const KernelDesc &kernel,
                              const FunctionDesc &fn,
                              const std::string &where) {
    for (size_t i = 0; i < step.bindings.size(); ++i) {
      const BindingDesc &binding = step.bindings[i];
      const BufferDesc &buffer = fn.buffers[binding.buffer];
      const BindingUse &use = kernel.bindings[i];
      std::string bwhere = where + ": binding " + std::to_string(i) +
                           " (buffer " + std::to_string(binding.buffer) + ", " +
                           bufferKindName(buffer.kind) + ", " +
                           std::to_string(buffer.size) + " bytes)";
      if (use.write && buffer.kind == BufferKind::Constant)
        return Status::dataLoss(bwhere + ": kernel " + quoted(kernel.name) +
                                " writes a constant (constants are shared "
                                "and read-only)");
      // offset <= size was checked when the binding was read.
      if (use.extent > buffer.size - binding.offset)
        return Status::dataLoss(
            bwhere + ": kernel " + quoted(kernel.name) +
            (use.write ? " writes " : " reads ") + std::to_string(use.extent) +
            " bytes at offset " + std::to_string(binding.offset) +
            ", past the end of the buffer");
      if (!use.write || use.extent == 0)
        continue;
      for (size_t j = 0; j < step.bindings.size(); ++j) {
        const BindingDesc &other = step.bindings[j];
        uint64_t otherExtent = kernel.bindings[j].extent;
        if (j == i || other.buffer != binding.buffer || otherExtent == 0)
          continue;
        bool disjoint = binding.offset + use.extent <= other.offset ||
                        other.offset + otherExtent <= binding.offset;
        if (!disjoint)
          return Status::dataLoss(bwhere + ": what kernel " +
                                  quoted(kernel.name) +
                                  " writes overlaps binding " +
                                  std::to_string(j) + " in the same buffer");
      }
    }
    return Status::ok();
  }

  const std::vector<fb::SectionEntry> &sections_;
  ModuleDesc &out_;
};

} // namespace

Status tgc::rt::decodeMetadata(const uint8_t *data, size_t size,
                               const std::vector<fb::SectionEntry> &sections,
                               ModuleDesc &out) {
  out = ModuleDesc();
  // The verifier asserts on buffers of 2 GiB and more instead of failing.
  if (size >= FLATBUFFERS_MAX_BUFFER_SIZE)
    return Status::dataLoss("metadata is " + std::to_string(size) +
                            " bytes, more than FlatBuffers can hold");
  if (size < 8 ||
      !flatbuffers::BufferHasIdentifier(data, fb::ModuleIdentifier()))
    return Status::dataLoss("metadata does not start with a tgc module "
                            "(missing 'TGCM' identifier)");
  flatbuffers::Verifier verifier(data, size);
  if (!fb::VerifyModuleBuffer(verifier))
    return Status::dataLoss("metadata failed FlatBuffers verification "
                            "(corrupted or not a tgc module)");
  return MetadataDecoder(sections, out).decode(*fb::GetModule(data));
}

//===----------------------------------------------------------------------===//
// Bundle
//===----------------------------------------------------------------------===//

static Status readFile(const std::string &path, std::vector<uint8_t> &out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string message = "cannot open '" + path + "': " + std::strerror(err);
    return err == ENOENT ? Status::notFound(message) : Status::ioError(message);
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::ioError("cannot read '" + path + "': it is a directory");
  }
  out.clear();
  if (S_ISREG(st.st_mode))
    out.reserve(size_t(st.st_size));
  uint8_t chunk[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::ioError("cannot read '" + path +
                             "': " + std::strerror(err));
    }
    if (n == 0)
      break;
    out.insert(out.end(), chunk, chunk + n);
  }
  ::close(fd);
  return Status::ok();
}

Status Bundle::openFile(const std::string &path, std::shared_ptr<Bundle> &out,
                        const trust::TrustPolicy *policy) {
  std::vector<uint8_t> bytes;
  TGC_RETURN_IF_ERROR(readFile(path, bytes));
  TGC_RETURN_IF_ERROR(openMemory(std::move(bytes), path, out, policy));
  // Weights files are named relative to the bundle, wherever it is run from.
  size_t slash = path.rfind('/');
  out->directory_ = slash == std::string::npos ? "."
                    : slash == 0               ? "/"
                                               : path.substr(0, slash);
  return Status::ok();
}

Status Bundle::openMemory(std::vector<uint8_t> bytes, std::string name,
                          std::shared_ptr<Bundle> &out,
                          const trust::TrustPolicy *policy) {
  std::shared_ptr<Bundle> bundle(new Bundle());
  bundle->name_ = name.empty() ? "<memory>" : std::move(name);
  bundle->bytes_ = std::move(bytes);
  std::string error;
  if (!bundle->container_.parse(bundle->bytes_.data(), bundle->bytes_.size(),
                                error))
    return Status::dataLoss(bundle->name_ + ": " + error);

  // The signature verified (or there is none); whether its key may sign
  // code for this process is decided before any section is read.
  trust::TrustPolicy environment;
  if (!policy) {
    environment = trust::TrustPolicy::fromEnvironment();
    policy = &environment;
  }
  const format::Container &container = bundle->container_;
  TGC_RETURN_IF_ERROR(
      trust::checkSigner(*policy,
                         container.isSigned() ? &container.signer() : nullptr,
                         &bundle->trustedAs_)
          .withContext(bundle->name_));

  std::vector<uint8_t> metadata;
  TGC_RETURN_IF_ERROR(bundle->readSection(0, metadata));
  std::vector<format::SectionEntry> sections;
  for (size_t i = 0; i < bundle->container_.numSections(); ++i)
    sections.push_back(bundle->container_.section(i));
  auto desc = std::make_shared<ModuleDesc>();
  Status status =
      decodeMetadata(metadata.data(), metadata.size(), sections, *desc);
  if (!status)
    return status.withContext(bundle->name_);
  bundle->desc_ = std::move(desc);
  out = std::move(bundle);
  return Status::ok();
}

Status Bundle::readSection(uint32_t index, std::vector<uint8_t> &out) const {
  if (index >= container_.numSections())
    return Status::internal(name_ + ": section " + std::to_string(index) +
                            " out of range");
  std::string error;
  bool ok;
  try {
    ok = container_.readSection(index, out, error);
  } catch (const std::bad_alloc &) {
    return {TGC_STATUS_RESOURCE_EXHAUSTED,
            name_ + ": section " + std::to_string(index) + " needs " +
                std::to_string(container_.section(index).rawSize) +
                " bytes, more memory than is available"};
  }
  if (!ok)
    return Status::dataLoss(name_ + ": " + error);
  return Status::ok();
}

Status Bundle::verifySections() const {
  std::vector<uint8_t> bytes;
  for (uint32_t i = 0; i < container_.numSections(); ++i)
    TGC_RETURN_IF_ERROR(readSection(i, bytes));
  return Status::ok();
}
