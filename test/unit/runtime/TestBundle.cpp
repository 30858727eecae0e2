//===- TestBundle.cpp - build bundles for runtime tests -------------------===//

#include "test/unit/runtime/TestBundle.h"

#include "format/bundle_generated.h"
#include "support/Trust.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#define XXH_INLINE_ALL
#include <xxhash.h>

using namespace tgc;
using namespace tgc::test;
namespace fb = tgc::format;

std::vector<uint8_t> tgc::test::serializeMetadata(const TModule &m) {
  flatbuffers::FlatBufferBuilder b;
  auto tensors = [&](const std::vector<TTensor> &ts) {
    std::vector<flatbuffers::Offset<fb::TensorType>> out;
    for (const TTensor &t : ts)
      out.push_back(fb::CreateTensorTypeDirect(b, fb::DType(t.dtype),
                                               t.shape ? &*t.shape : nullptr));
    return out;
  };
  std::vector<flatbuffers::Offset<fb::Function>> functions;
  for (const TFunction &f : m.functions) {
    auto inputs = tensors(f.inputs), outputs = tensors(f.outputs);
    std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
    for (const TBuffer &buf : f.buffers)
      buffers.push_back(
          fb::CreateBuffer(b, fb::BufferKind(buf.kind), buf.index, buf.size));
    std::vector<flatbuffers::Offset<fb::Step>> steps;
    for (const TStep &s : f.steps) {
      std::vector<flatbuffers::Offset<fb::Binding>> bindings;
      for (const TBinding &bd : s.bindings)
        bindings.push_back(fb::CreateBinding(b, bd.buffer, bd.offset));
      steps.push_back(fb::CreateStepDirect(b, fb::StepKind(s.kind), s.kernel,
                                           &bindings, s.size));
    }
    functions.push_back(
        fb::CreateFunctionDirect(b, f.name.empty() ? nullptr : f.name.c_str(),
                                 &inputs, &outputs, &buffers, &steps));
  }
  std::vector<flatbuffers::Offset<fb::Kernel>> kernels;
  for (const TKernel &k : m.kernels) {
    std::vector<flatbuffers::Offset<fb::KernelBinding>> bindings;
    if (k.bindings)
      for (const TKernelBinding &kb : *k.bindings)
        bindings.push_back(fb::CreateKernelBinding(
            b, kb.extent, fb::BindingAccess(kb.access), kb.inPlace));
    kernels.push_back(fb::CreateKernelDirect(b, k.name.c_str(), k.numBindings,
                                             k.bindings ? &bindings : nullptr));
  }
  std::vector<flatbuffers::Offset<fb::CodeObject>> codes;
  for (const TCodeObject &c : m.codeObjects) {
    std::vector<flatbuffers::Offset<fb::KernelLaunch>> launches;
    for (const TLaunch &l : c.launches)
      launches.push_back(fb::CreateKernelLaunchDirect(
          b, l.kernel, l.symbol.empty() ? nullptr : l.symbol.c_str(), &l.grid,
          &l.block, l.sharedMemory));
    codes.push_back(fb::CreateCodeObjectDirect(
        b, fb::TargetKind(c.target), fb::CodeFormat(c.format),
        c.arch.empty() ? nullptr : c.arch.c_str(), c.section, &launches));
  }
  std::vector<flatbuffers::Offset<fb::Constant>> constants;
  for (const TConstant &c : m.constants) {
    flatbuffers::Offset<fb::ExternalTensor> external;
    if (const std::optional<TExternal> &e = c.external)
      external = fb::CreateExternalTensorDirect(
          b, e->file, e->name.empty() ? nullptr : e->name.c_str(),
          fb::CreateTensorTypeDirect(b, fb::DType(e->type.dtype),
                                     e->type.shape ? &*e->type.shape
                                                   : nullptr));
    constants.push_back(fb::CreateConstant(b, c.offset, c.size, external));
  }
  std::vector<flatbuffers::Offset<fb::WeightsFile>> weightFiles;
  for (const std::string &path : m.weightFiles)
    weightFiles.push_back(fb::CreateWeightsFileDirect(b, path.c_str()));
  auto root = fb::CreateModuleDirect(
      b, m.producer.c_str(), &functions, &kernels, &codes, &constants,
      m.constantsSection, m.weightFiles.empty() ? nullptr : &weightFiles);
  fb::FinishModuleBuffer(b, root);
  return std::vector<uint8_t>(b.GetBufferPointer(),
                              b.GetBufferPointer() + b.GetSize());
}

std::vector<uint8_t>
tgc::test::buildBundle(const TModule &module,
                       std::vector<format::SectionInput> sections,
                       bool compressMetadata, bool sign) {
  sections.insert(sections.begin(),
                  format::SectionInput{format::SectionKind::Metadata,
                                       serializeMetadata(module),
                                       compressMetadata});
  std::vector<uint8_t> bytes = format::writeContainer(
      sections, 9,
      module.weightFiles.empty() ? format::kOldestFormatVersion
                                 : format::kFormatVersion);
  if (sign)
    signBundle(bytes);
  return bytes;
}

void tgc::test::signBundle(std::vector<uint8_t> &bundle) {
  trust::KeyPair key;
  Status status = trust::loadSigningKey("", key);
  if (!status)
    throw std::runtime_error(status.message());
  std::string error;
  if (!format::signContainer(bundle, key.secret, error))
    throw std::runtime_error("cannot sign the test bundle: " + error);
}

std::string tgc::test::hostTriple() {
  return std::string(TGC_TEST_HOST_CPU) + "-unknown-linux-gnu";
}

TModule tgc::test::addModule() {
  TModule m;
  std::vector<TKernelBinding> binary = {
      {24, k::read}, {24, k::read}, {24, k::write}};
  m.kernels = {
      {"add", 3, binary},
      {"mul", 3, binary},
      {"not", 2, std::vector<TKernelBinding>{{4, k::read}, {4, k::write}}}};
  TCodeObject host{k::host, k::host_elf_so, hostTriple(), 1, {}};
  host.launches = {{0, "tgc_test_add_f32", {6, 1, 1}},
                   {1, "tgc_test_mul_f32", {6, 1, 1}},
                   {2, "tgc_test_not_i1", {4, 1, 1}}};
  m.codeObjects = {host};
  m.constants = {{0, 24}};
  m.constantsSection = 2;

  TFunction main;
  main.name = "main";
  TTensor t23{k::f32, std::vector<int64_t>{2, 3}};
  main.inputs = {t23, t23};
  main.outputs = {t23, t23, t23};
  main.buffers = {{k::input, 0, 24},    {k::input, 1, 24},  {k::output, 0, 24},
                  {k::constant, 0, 24}, {k::output, 1, 24}, {k::scratch, 0, 24},
                  {k::output, 2, 24}};
  main.steps = {
      {k::dispatch, 0, {{0, 0}, {1, 0}, {5, 0}}, 0},
      {k::copy, 0, {{5, 0}, {2, 0}}, 24},
      {k::dispatch, 1, {{5, 0}, {3, 0}, {4, 0}}, 0},
      {k::copy, 0, {{0, 0}, {6, 0}}, 24},
  };

  TFunction negate;
  negate.name = "negate";
  TTensor t4{k::i1, std::vector<int64_t>{4}};
  negate.inputs = {t4};
  negate.outputs = {t4};
  negate.buffers = {{k::input, 0, 4}, {k::output, 0, 4}};
  negate.steps = {{k::dispatch, 2, {{0, 0}, {1, 0}}, 0}};
  m.functions = {main, negate};
  return m;
}

std::vector<float> tgc::test::addModuleConstants() {
  return {1, 2, 3, 4, 5, 6};
}

std::vector<uint8_t> tgc::test::buildAddBundle(const std::vector<uint8_t> &code,
                                               const TModule &module) {
  std::vector<float> w = addModuleConstants();
  std::vector<uint8_t> constants(w.size() * 4);
  std::memcpy(constants.data(), w.data(), constants.size());
  return buildBundle(module,
                     {{format::SectionKind::Code, code, true},
                      {format::SectionKind::Constants, constants, false}});
}

TModule tgc::test::externalModule(const std::string &file) {
  TModule m = addModule();
  m.constants = {{0, 24, TExternal{0, "w", {k::f32, {{2, 3}}}}}};
  m.constantsSection = -1;
  m.weightFiles = {file};
  return m;
}

std::vector<uint8_t>
tgc::test::buildExternalBundle(const std::vector<uint8_t> &code,
                               const TModule &module) {
  return buildBundle(module, {{format::SectionKind::Code, code, true}});
}

std::string tgc::test::testPtx() {
  // out[i] = x[i] OP y[i] with i = ctaid.x * ntid.x + tid.x.
  auto binary = [](const char *name, const char *op) {
    return std::string(".visible .entry ") + name +
           R"((.param .u64 x, .param .u64 y, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<8>;
  .reg .f32 %f<4>;
  ld.param.u64 %rd1, [x];
  ld.param.u64 %rd2, [y];
  ld.param.u64 %rd3, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  cvta.to.global.u64 %rd3, %rd3;
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.s32 %r1, %r1, %r2, %r3;
  mul.wide.s32 %rd4, %r1, 4;
  add.s64 %rd5, %rd1, %rd4;
  add.s64 %rd6, %rd2, %rd4;
  add.s64 %rd7, %rd3, %rd4;
  ld.global.f32 %f1, [%rd5];
  ld.global.f32 %f2, [%rd6];
  )" + op + R"(.f32 %f3, %f1, %f2;
  st.global.f32 [%rd7], %f3;
  ret;
}
)";
  };
  return std::string(".version 7.0\n.target sm_50\n.address_size 64\n\n") +
         binary("tgc_test_add_f32", "add") + binary("tgc_test_mul_f32", "mul") +
         R"(.visible .entry tgc_test_not_i1(.param .u64 x, .param .u64 out)
{
  .reg .pred %p<2>;
  .reg .b16 %rs<3>;
  .reg .b32 %r<4>;
  .reg .b64 %rd<6>;
  ld.param.u64 %rd1, [x];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.s32 %r1, %r1, %r2, %r3;
  cvt.s64.s32 %rd3, %r1;
  add.s64 %rd4, %rd1, %rd3;
  add.s64 %rd5, %rd2, %rd3;
  ld.global.u8 %rs1, [%rd4];
  setp.eq.s16 %p1, %rs1, 0;
  selp.u16 %rs2, 1, 0, %p1;
  st.global.u8 [%rd5], %rs2;
  ret;
}
)";
}

TModule tgc::test::gpuModule(uint8_t format, const std::string &arch) {
  TModule m = addModule();
  TCodeObject gpu{k::cuda, format, arch, 3, {}};
  gpu.launches = {{0, "tgc_test_add_f32", {1, 1, 1}, {6, 1, 1}},
                  {1, "tgc_test_mul_f32", {1, 1, 1}, {6, 1, 1}},
                  {2, "tgc_test_not_i1", {1, 1, 1}, {4, 1, 1}}};
  m.codeObjects.push_back(gpu);
  return m;
}

std::vector<uint8_t>
tgc::test::buildGpuBundle(const std::vector<uint8_t> &hostCode,
                          const std::vector<uint8_t> &gpuCode,
                          const TModule &module) {
  std::vector<float> w = addModuleConstants();
  std::vector<uint8_t> constants(w.size() * 4);
  std::memcpy(constants.data(), w.data(), constants.size());
  return buildBundle(module,
                     {{format::SectionKind::Code, hostCode, true},
                      {format::SectionKind::Constants, constants, false},
                      {format::SectionKind::Code, gpuCode, true}});
}

std::vector<uint8_t> tgc::test::readFileBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<uint8_t> tgc::test::hostKernelLibrary() {
  // The environment wins so the tests can run from a copied build tree
  // (e.g. on the borrowed GPU machine).
  const char *path = std::getenv("TGC_TEST_HOST_KERNELS");
  return readFileBytes(path && *path ? path : TGC_TEST_HOST_KERNELS);
}

void tgc::test::fixHeaderChecksum(std::vector<uint8_t> &bundle) {
  // Mirrors the container: xxh64 over header and table with the checksum
  // field (bytes 24..31) read as zero.
  uint32_t count = 0;
  for (int i = 0; i < 4; ++i)
    count |= uint32_t(bundle[12 + i]) << (8 * i);
  size_t tableEnd = format::kHeaderSize + format::kSectionEntrySize * count;
  std::vector<uint8_t> copy(bundle.begin(), bundle.begin() + tableEnd);
  std::memset(&copy[24], 0, 8);
  uint64_t hash = XXH64(copy.data(), copy.size(), 0);
  for (int i = 0; i < 8; ++i)
    bundle[24 + i] = uint8_t(hash >> (8 * i));
}
