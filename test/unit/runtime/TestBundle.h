//===- TestBundle.h - build bundles for runtime tests -----------*- C++ -*-===//
//
// A mutable mirror of the metadata schema with raw integers everywhere, so
// tests can build valid bundles and then break exactly one field (an index
// out of range, an unknown enum value) before serializing with the
// FlatBuffers builder.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_TEST_UNIT_RUNTIME_TESTBUNDLE_H
#define TGC_TEST_UNIT_RUNTIME_TESTBUNDLE_H

#include "format/BundleContainer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tgc::test {

struct TTensor {
  uint8_t dtype = 0;
  std::optional<std::vector<int64_t>> shape; // nullopt: field absent
};

struct TBuffer {
  uint8_t kind;
  uint32_t index;
  uint64_t size;
};

struct TBinding {
  uint32_t buffer;
  uint64_t offset;
};

struct TStep {
  uint8_t kind = 0;
  uint32_t kernel = 0;
  std::vector<TBinding> bindings;
  uint64_t size = 0;
};

struct TFunction {
  std::string name;
  std::vector<TTensor> inputs, outputs;
  std::vector<TBuffer> buffers;
  std::vector<TStep> steps;
};

struct TKernelBinding {
  uint64_t extent;
  uint8_t access; // k::read or k::write
  bool inPlace = false;
};

struct TKernel {
  std::string name;
  uint32_t numBindings;
  /// What the kernel touches; nullopt: the field is absent.
  std::optional<std::vector<TKernelBinding>> bindings;
};

struct TLaunch {
  uint32_t kernel;
  std::string symbol;
  std::vector<uint32_t> grid{1, 1, 1}, block{1, 1, 1};
  uint32_t sharedMemory = 0;
};

struct TCodeObject {
  uint8_t target, format;
  std::string arch;
  uint32_t section;
  std::vector<TLaunch> launches;
};

struct TExternal {
  uint32_t file;
  std::string name;
  TTensor type;
};

struct TConstant {
  uint64_t offset, size;
  std::optional<TExternal> external = std::nullopt;
};

struct TModule {
  std::string producer = "tgc runtime tests";
  std::vector<TFunction> functions;
  std::vector<TKernel> kernels;
  std::vector<TCodeObject> codeObjects;
  std::vector<TConstant> constants;
  int32_t constantsSection = -1;
  /// Weights files (format version 3); empty: the field is absent.
  std::vector<std::string> weightFiles;
};

/// Enum values of the schema, spelled out so tests read like the schema.
namespace k {
enum : uint8_t { f32 = 0, f16 = 1, bf16 = 2, i32 = 3, i8 = 4, i1 = 5 };
enum : uint8_t { host = 0, cuda = 1, hip = 2 };
enum : uint8_t { ptx = 0, cubin = 1, hsaco = 2, host_elf_so = 3 };
enum : uint8_t { input = 0, output = 1, constant = 2, scratch = 3 };
enum : uint8_t { dispatch = 0, copy = 1 };
enum : uint8_t { read = 0, write = 1 };
} // namespace k

std::vector<uint8_t> serializeMetadata(const TModule &module);

/// Metadata (section 0) followed by `sections`, signed with the user's key
/// ($TGC_CONFIG_DIR, which the tests point at a directory of their own) so
/// that the runtime trusts it; unsigned with `sign` false.
std::vector<uint8_t> buildBundle(const TModule &module,
                                 std::vector<format::SectionInput> sections,
                                 bool compressMetadata = true,
                                 bool sign = true);

/// Signs (or re-signs) a container with the user's key; throws on failure.
void signBundle(std::vector<uint8_t> &bundle);

/// The host arch triple of this build ("x86_64-unknown-linux-gnu").
std::string hostTriple();

/// The standard test module, sections: 1 host code, 2 constants.
///  main(x: 2x3xf32, y: 2x3xf32) -> (x + y, (x + y) * w, x)
///    w = constant 0 = [1 2 3 4 5 6]; x + y goes through a scratch buffer and
///    a copy; returning x is a copy step.
///  negate(m: 4xi1) -> (!m)
TModule addModule();
std::vector<float> addModuleConstants();
/// addModule with its sections: `code` is the host library's bytes.
std::vector<uint8_t> buildAddBundle(const std::vector<uint8_t> &code,
                                    const TModule &module = addModule());

/// addModule with its constant 0 (w, f32 [2, 3]) external: tensor "w" of
/// weights file `file`, and no constants section.
TModule externalModule(const std::string &file = "w.safetensors");
/// externalModule with its sections: the bundle holds no constants.
std::vector<uint8_t> buildExternalBundle(const std::vector<uint8_t> &code,
                                         const TModule &module);

/// The kernels of host_kernels.c as PTX (sm_50, PTX ISA 7.0), for GPU
/// tests: one thread per element, so block * grid is the element count.
std::string testPtx();
/// addModule plus a CUDA code object in section 3 holding `gpuCode`
/// (format ptx or cubin, for `arch`), with launches of one block per call.
TModule gpuModule(uint8_t format = k::ptx, const std::string &arch = "sm_50");
std::vector<uint8_t> buildGpuBundle(const std::vector<uint8_t> &hostCode,
                                    const std::vector<uint8_t> &gpuCode,
                                    const TModule &module = gpuModule());

/// The test host kernel library built next to the tests
/// ($TGC_TEST_HOST_KERNELS overrides its path).
std::vector<uint8_t> hostKernelLibrary();

std::vector<uint8_t> readFileBytes(const std::string &path);

/// Recomputes the header checksum after a test edited the section table,
/// so the edit reaches the bounds checks behind it.
void fixHeaderChecksum(std::vector<uint8_t> &bundle);

} // namespace tgc::test

#endif // TGC_TEST_UNIT_RUNTIME_TESTBUNDLE_H
