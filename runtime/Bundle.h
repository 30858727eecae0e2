//===- Bundle.h - validated bundle reader -----------------------*- C++ -*-===//
//
// Reads a bundle (model.bin), validates all of it and decodes the metadata
// into plain structs, so the rest of the runtime never touches untrusted
// FlatBuffers and never re-checks an index: once Bundle::open succeeded,
// every index, offset and size in ModuleDesc is known to be in range.
//
// Section contents (code, constants) are checksum-verified and decompressed
// by readSection when a module needs them, so loading a bundle with cubins
// for ten architectures only pays for the one that is used.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_BUNDLE_H
#define TGC_RUNTIME_BUNDLE_H

#include "format/BundleContainer.h"
#include "format/CodeFormat.h"
#include "format/DType.h"
#include "format/Limits.h"
#include "format/ScheduleKinds.h"
#include "support/Status.h"
#include "support/Trust.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tgc::rt {

/// Upper bound on a tensor or buffer size. Keeping every size below 2^48
/// means offset + size sums can never overflow 64 bits. The compiler's
/// verifier enforces the same limits (format/Limits.h).
inline constexpr uint64_t kMaxByteSize = format::kMaxTensorBytes;
inline constexpr size_t kMaxRank = format::kMaxRank;

struct TensorType {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t elementCount = 1;
  uint64_t byteSize = 0;

  /// "tensor<2x3xf32>", "tensor<f32>" for a scalar.
  std::string str() const;
  bool operator==(const TensorType &other) const {
    return dtype == other.dtype && shape == other.shape;
  }
};

/// Checks dtype range, rank, non-negative dims and overflow-free sizes, and
/// fills elementCount/byteSize. `what` names the tensor in the error.
Status makeTensorType(int dtype, const int64_t *shape, size_t rank,
                      const std::string &what, TensorType &out);

struct BufferDesc {
  BufferKind kind;
  uint32_t index; // input/output position or constant index
  uint64_t size;
};

struct BindingDesc {
  uint32_t buffer; // index into FunctionDesc::buffers
  uint64_t offset;
};

struct StepDesc {
  StepKind kind;
  uint32_t kernel; // dispatch only
  std::vector<BindingDesc> bindings;
  uint64_t size; // copy only: bytes from bindings[0] to bindings[1]
};

struct FunctionDesc {
  std::string name;
  std::vector<TensorType> inputs;
  std::vector<TensorType> outputs;
  std::vector<BufferDesc> buffers;
  std::vector<StepDesc> steps;
  /// Per input: the buffer that receives it, or -1 when no step reads it.
  std::vector<int64_t> inputBuffers;
  /// Per output: the buffer it is copied back from (always present).
  std::vector<uint32_t> outputBuffers;
};

/// What a kernel touches through one binding (from the compiler).
struct BindingUse {
  uint64_t extent; // bytes from the binding's address
  bool write;
  /// A read the kernel makes element by element, before writing the same
  /// element of its output: the output may alias it (donation).
  bool inPlace = false;
};

struct KernelDesc {
  std::string name;
  uint32_t numBindings;
  /// One per binding. Every dispatch is checked against these when the
  /// bundle is opened: the extent fits the buffer after the binding's
  /// offset, nothing writes a constant, and a written range overlaps no
  /// other binding of the same dispatch.
  std::vector<BindingUse> bindings;
};

struct LaunchDesc {
  std::string symbol;
  uint32_t grid[3];
  uint32_t block[3];
  uint32_t sharedMemoryBytes;
};

struct CodeObjectDesc {
  TargetKind target;
  CodeFormat format;
  std::string arch;
  /// Host code: the CPU it was compiled for ("x86-64-v3"); may be empty.
  std::string cpu;
  uint32_t section;
  /// Indexed by kernel: exactly one launch per kernel of the module.
  std::vector<LaunchDesc> launches;

  /// "cubin sm_90", "host_elf_so x86_64-unknown-linux-gnu (x86-64-v3)".
  std::string str() const;
};

/// A constant whose bytes are a tensor of a weights file (format version 3,
/// tgc --weights=external).
struct ExternalTensorDesc {
  uint32_t file;    // index into ModuleDesc::weightFiles
  std::string name; // the tensor's name in the file
  TensorType type;  // what the file's tensor must be
};

struct ConstantDesc {
  /// In the module's constants allocation: the decompressed constants
  /// section, then the external constants (each 64-byte aligned, in order),
  /// whose offsets the reader assigns.
  uint64_t offset;
  uint64_t size;
  std::optional<ExternalTensorDesc> external;
};

struct ModuleDesc {
  std::string producer;
  std::vector<FunctionDesc> functions;
  std::vector<KernelDesc> kernels;
  std::vector<CodeObjectDesc> codeObjects;
  std::vector<ConstantDesc> constants;
  int64_t constantsSection = -1;
  uint64_t constantsSectionSize = 0;
  /// Weights files that external constants name (safetensors), as the
  /// bundle records them: relative to its directory, and inside it.
  std::vector<std::string> weightFiles;
  /// Bytes of the module's constants allocation: the section, then the
  /// external constants.
  uint64_t constantsSize = 0;

  /// Index of the function called `name`, or -1.
  int64_t findFunction(const std::string &name) const;
  /// "'main', 'decode'" for error messages.
  std::string functionList() const;
  /// "cubin sm_90, ptx sm_80, host_elf_so x86_64-linux-gnu".
  std::string codeObjectList() const;
};

/// Validates decoded-to-be metadata bytes against the container's section
/// table and decodes them. Exposed for tests that build broken metadata with
/// the FlatBuffers builder; `sections` is the container's table.
Status decodeMetadata(const uint8_t *data, size_t size,
                      const std::vector<format::SectionEntry> &sections,
                      ModuleDesc &out);

class Bundle {
public:
  /// Reads the file, validates it, checks its signature against `policy`
  /// (null: TrustPolicy::fromEnvironment()) and decodes the metadata.
  /// Errors name the file: "model.bin: function 'main' step 3: ...". An
  /// untrusted signer (or none) is PERMISSION_DENIED before the metadata is
  /// decoded.
  static Status openFile(const std::string &path, std::shared_ptr<Bundle> &out,
                         const trust::TrustPolicy *policy = nullptr);
  static Status openMemory(std::vector<uint8_t> bytes, std::string name,
                           std::shared_ptr<Bundle> &out,
                           const trust::TrustPolicy *policy = nullptr);

  const ModuleDesc &desc() const { return *desc_; }
  /// Shared so that loaded modules can keep the metadata without keeping the
  /// (possibly large) file bytes.
  std::shared_ptr<const ModuleDesc> descRef() const { return desc_; }
  const std::string &name() const { return name_; }
  /// The directory of the file the bundle was read from, where the weights
  /// files it names are looked for; empty for a bundle read from memory.
  const std::string &directory() const { return directory_; }
  /// Bytes in the file (or memory) the bundle was read from.
  size_t fileSize() const { return bytes_.size(); }
  uint32_t formatVersion() const { return container_.version(); }
  /// The container's section table (kind, stored and raw sizes), for tools
  /// that report sizes; ModuleDesc refers to sections by these indices.
  size_t numSections() const { return container_.numSections(); }
  /// `index` < numSections().
  const format::SectionEntry &section(size_t index) const {
    return container_.section(index);
  }

  /// Whether the bundle is signed (its signature verified when opened).
  bool isSigned() const { return container_.isSigned(); }
  /// The signer's public key; only when isSigned().
  const trust::PublicKey &signer() const { return container_.signer(); }
  /// Why it was accepted: the trusted key's source ("your own key (...)"),
  /// or why it was allowed anyway (trust::checkSigner).
  const std::string &trustedAs() const { return trustedAs_; }

  /// Checksum- and signature-verifies and decompresses a section.
  Status readSection(uint32_t index, std::vector<uint8_t> &out) const;
  /// Checksum- and signature-verifies and decompresses every section
  /// (openFile only does the metadata; modules read the sections they use).
  Status verifySections() const;

private:
  Bundle() = default;
  std::string name_;
  std::string directory_;
  std::vector<uint8_t> bytes_; // the container points into these
  format::Container container_;
  std::shared_ptr<const ModuleDesc> desc_;
  std::string trustedAs_;
};

} // namespace tgc::rt

#endif // TGC_RUNTIME_BUNDLE_H
