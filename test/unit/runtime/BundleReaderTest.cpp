//===- BundleReaderTest.cpp - the reader rejects every malformed bundle ---===//

#include "format/bundle_generated.h"
#include "fuzz/SectionList.h"
#include "runtime/Bundle.h"
#include "test/unit/runtime/TestBundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>

using namespace tgc;
using namespace tgc::rt;
using namespace tgc::test;

namespace {

std::vector<uint8_t> fakeCode() {
  std::vector<uint8_t> code(200);
  for (size_t i = 0; i < code.size(); ++i)
    code[i] = uint8_t(i * 7);
  return code;
}

Status open(std::vector<uint8_t> bytes,
            std::shared_ptr<Bundle> *out = nullptr) {
  std::shared_ptr<Bundle> bundle;
  Status status = Bundle::openMemory(std::move(bytes), "test.bin", bundle);
  if (out)
    *out = bundle;
  return status;
}

/// Opens and verifies every section: what a load would read.
Status openAndVerify(std::vector<uint8_t> bytes) {
  std::shared_ptr<Bundle> bundle;
  TGC_RETURN_IF_ERROR(open(std::move(bytes), &bundle));
  return bundle->verifySections();
}

void put64(std::vector<uint8_t> &b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    b[at + i] = uint8_t(v >> (8 * i));
}
uint64_t get64(const std::vector<uint8_t> &b, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(b[at + i]) << (8 * i);
  return v;
}
size_t entry(size_t section) {
  return format::kHeaderSize + format::kSectionEntrySize * section;
}

} // namespace

// format/DType.h's names are the schema's, which the static_asserts in
// format/CodeFormat.cpp cannot compare (the generated table is not constexpr).
TEST(DType, NamesAreTheSchemas) {
  for (int i = 0; i < kNumDTypes; ++i) {
    EXPECT_STREQ(dtypeName(DType(i)), format::EnumNameDType(format::DType(i)));
    DType parsed;
    ASSERT_TRUE(parseDType(dtypeName(DType(i)), parsed)) << i;
    EXPECT_EQ(parsed, DType(i));
  }
  EXPECT_FALSE(isDType(kNumDTypes));
  EXPECT_STREQ(dtypeName(DType(kNumDTypes)), "?");
  EXPECT_EQ(dtypeSize(DType(kNumDTypes)), 0u);
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::I1), 1u);
}

TEST(BundleReader, ValidBundleDecodes) {
  std::shared_ptr<Bundle> bundle;
  Status status = open(buildAddBundle(fakeCode()), &bundle);
  ASSERT_TRUE(status.isOk()) << status.message();
  const ModuleDesc &desc = bundle->desc();
  EXPECT_EQ(desc.producer, "tgc runtime tests");
  ASSERT_EQ(desc.functions.size(), 2u);
  const FunctionDesc &main = desc.functions[0];
  EXPECT_EQ(main.name, "main");
  EXPECT_EQ(main.inputs[1].str(), "tensor<2x3xf32>");
  EXPECT_EQ(main.inputs[1].byteSize, 24u);
  EXPECT_EQ(main.inputBuffers, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(main.outputBuffers, (std::vector<uint32_t>{2, 4, 6}));
  EXPECT_EQ(desc.codeObjects[0].launches[1].symbol, "tgc_test_mul_f32");
  EXPECT_EQ(desc.constantsSectionSize, 24u);
  EXPECT_EQ(desc.codeObjectList(), "host_elf_so " + hostTriple());
  EXPECT_TRUE(bundle->verifySections().isOk());
}

TEST(BundleReader, UncompressedMetadataDecodes) {
  TModule m = addModule();
  auto bytes = buildBundle(
      m,
      {{format::SectionKind::Code, fakeCode(), false},
       {format::SectionKind::Constants, std::vector<uint8_t>(24), false}},
      /*compressMetadata=*/false);
  Status status = open(bytes);
  EXPECT_TRUE(status.isOk()) << status.message();
}

TEST(BundleReader, EmptyConstantsNeedNoSection) {
  TModule m = addModule();
  m.functions.erase(m.functions.begin()); // keep 'negate' only
  m.constants = {{0, 0}};
  m.constantsSection = -1;
  m.functions[0].buffers.push_back({k::constant, 0, 0});
  Status status =
      open(buildBundle(m, {{format::SectionKind::Code, fakeCode(), true}}));
  EXPECT_TRUE(status.isOk()) << status.message();
}

TEST(BundleReader, EveryTruncationFails) {
  std::vector<uint8_t> full = buildAddBundle(fakeCode());
  for (size_t size = 0; size < full.size(); ++size) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + size);
    Status status = open(prefix);
    ASSERT_FALSE(status.isOk()) << "prefix of " << size << " bytes opened";
    EXPECT_EQ(status.code(), TGC_STATUS_DATA_LOSS);
    EXPECT_EQ(status.message().rfind("test.bin: ", 0), 0u) << status.message();
  }
}

TEST(BundleReader, EveryByteFlipFailsUnlessInPadding) {
  std::vector<uint8_t> full = buildAddBundle(fakeCode());
  // Bytes that nothing covers: alignment padding between and after sections.
  std::shared_ptr<Bundle> bundle;
  ASSERT_TRUE(open(full, &bundle).isOk());
  format::Container container;
  std::string error;
  ASSERT_TRUE(container.parse(full.data(), full.size(), error));
  std::vector<bool> covered(full.size(), false);
  size_t tableEnd = entry(container.numSections());
  for (size_t i = 0; i < tableEnd; ++i)
    covered[i] = true;
  for (size_t s = 0; s < container.numSections(); ++s)
    for (uint64_t i = 0; i < container.section(s).storedSize; ++i)
      covered[container.section(s).offset + i] = true;
  // The signature block ends the file; all of it is signed or the signature.
  for (size_t i = get64(full, 32); i < full.size(); ++i)
    covered[i] = true;

  size_t failures = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    std::vector<uint8_t> flipped = full;
    flipped[i] ^= 0xff;
    Status status = openAndVerify(flipped);
    if (covered[i]) {
      EXPECT_FALSE(status.isOk()) << "flipping byte " << i << " went unnoticed";
      failures += !status.isOk();
    } else {
      EXPECT_TRUE(status.isOk()) << "byte " << i << ": " << status.message();
    }
  }
  EXPECT_GT(failures, 0u);
}

TEST(BundleReader, WrongVersion) {
  std::vector<uint8_t> bytes = buildAddBundle(fakeCode());
  bytes[8] = 99; // version field
  fixHeaderChecksum(bytes);
  Status status = open(bytes);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("bundle format version 99 is newer than "
                                  "this runtime reads (versions 2 to 3)"),
            std::string::npos)
      << status.message();
  // Version 1 bundles predate signatures: they are refused, with the fix.
  bytes[8] = 1;
  fixHeaderChecksum(bytes);
  status = open(bytes);
  EXPECT_NE(status.message().find("bundle format version 1 is older than "
                                  "this runtime reads (version 2, signed "
                                  "bundles): recompile it with this tgc"),
            std::string::npos)
      << status.message();
}

TEST(BundleReader, BadMagic) {
  std::vector<uint8_t> bytes = buildAddBundle(fakeCode());
  bytes[0] = 'X';
  Status status = open(bytes);
  EXPECT_EQ(status.message(),
            "test.bin: not a tgc bundle (bad magic at offset 0)");
}

TEST(BundleReader, OversizedSections) {
  std::vector<uint8_t> good = buildAddBundle(fakeCode());
  struct Case {
    const char *what;
    std::function<void(std::vector<uint8_t> &)> edit;
    const char *expected;
  };
  const size_t code = entry(1), constants = entry(2);
  std::vector<Case> cases = {
      {"stored size past the end",
       [&](auto &b) { put64(b, code + 16, uint64_t(1) << 40); },
       "lies outside the file"},
      {"stored size wraps", [&](auto &b) { put64(b, code + 16, ~uint64_t(0)); },
       "lies outside the file"},
      {"offset past the end",
       [&](auto &b) { put64(b, constants + 8, b.size() + 64); },
       "lies outside the file"},
      {"raw size above the limit",
       [&](auto &b) { put64(b, code + 24, uint64_t(1) << 62); },
       "would decompress to 4611686018427387904 bytes, more than the limit "
       "of 1 GiB for a code section"},
      {"uncompressed raw size differs",
       [&](auto &b) { put64(b, constants + 24, 25); }, "invalid size"},
      {"overlapping sections",
       [&](auto &b) { put64(b, constants + 8, get64(b, code + 8)); },
       "overlaps another section"},
  };
  for (const Case &c : cases) {
    std::vector<uint8_t> bytes = good;
    c.edit(bytes);
    fixHeaderChecksum(bytes);
    Status status = openAndVerify(bytes);
    ASSERT_FALSE(status.isOk()) << c.what;
    EXPECT_NE(status.message().find(c.expected), std::string::npos)
        << c.what << ": " << status.message();
  }
}

TEST(BundleReader, CompressedSizeMismatchIsCaught) {
  // The code section is zstd-compressed: a raw size that differs from the
  // frame's content size must fail before anything is decompressed.
  std::vector<uint8_t> bytes = buildAddBundle(std::vector<uint8_t>(4096, 7));
  std::shared_ptr<Bundle> bundle;
  ASSERT_TRUE(open(bytes, &bundle).isOk());
  uint64_t raw = get64(bytes, entry(1) + 24);
  ASSERT_EQ(raw, 4096u);
  ASSERT_NE(get64(bytes, entry(1) + 16), raw) << "code section not compressed";
  put64(bytes, entry(1) + 24, 1u << 30);
  fixHeaderChecksum(bytes);
  signBundle(bytes); // so that the edit reaches the frame check
  Status status = openAndVerify(bytes);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("does not declare the expected"),
            std::string::npos)
      << status.message();
}

TEST(BundleReader, GarbageMetadata) {
  std::vector<uint8_t> garbage(64, 0x41);
  auto bytes =
      format::writeContainer({{format::SectionKind::Metadata, garbage, false}});
  signBundle(bytes);
  Status status = open(bytes);
  EXPECT_NE(status.message().find("TGCM"), std::string::npos)
      << status.message();
  // Right identifier, broken tables.
  garbage[4] = 'T', garbage[5] = 'G', garbage[6] = 'C', garbage[7] = 'M';
  bytes =
      format::writeContainer({{format::SectionKind::Metadata, garbage, false}});
  signBundle(bytes);
  status = open(bytes);
  EXPECT_NE(status.message().find("FlatBuffers verification"),
            std::string::npos)
      << status.message();
}

// Every input tgc-fuzz-bundle found a crash with: each must now be rejected
// with a message (under the sanitizers in CI: without undefined behavior).
TEST(BundleReader, FuzzerFindingsAreRejected) {
  std::map<std::string, std::string> expected = {
      // A shape vector of int64 at 4 mod 8, which FlatBuffers' verifier
      // accepts (it checks the length field's alignment only).
      {"misaligned-shape.sections", "shape is misaligned"},
  };
  size_t replayed = 0;
  for (const auto &file :
       std::filesystem::directory_iterator(TGC_FUZZ_BUNDLE_REGRESSIONS)) {
    std::ifstream in(file.path(), std::ios::binary);
    std::vector<uint8_t> input((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    std::vector<uint8_t> bytes =
        tgc::fuzz::containerFromSectionList(input.data(), input.size());
    signBundle(bytes);
    Status status = openAndVerify(bytes);
    std::string name = file.path().filename().string();
    ASSERT_FALSE(status.isOk()) << name;
    auto it = expected.find(name);
    ASSERT_NE(it, expected.end()) << name << ": no expected message listed";
    EXPECT_NE(status.message().find(it->second), std::string::npos)
        << name << ": " << status.message();
    ++replayed;
  }
  EXPECT_EQ(replayed, expected.size());
}

//===----------------------------------------------------------------------===//
// Broken metadata, built with the FlatBuffers builder
//===----------------------------------------------------------------------===//

struct MetadataCase {
  const char *name;
  std::function<void(TModule &)> edit;
  const char *expected; // the full message after "test.bin: "
};

class BrokenMetadata : public testing::TestWithParam<MetadataCase> {};

TEST_P(BrokenMetadata, IsRejectedWithAClearMessage) {
  TModule m = addModule();
  GetParam().edit(m);
  Status status = open(buildAddBundle(fakeCode(), m));
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.code(), TGC_STATUS_DATA_LOSS);
  // "HOST" stands for this build's host triple.
  std::string expected = GetParam().expected;
  if (size_t at = expected.find("HOST"); at != std::string::npos)
    expected.replace(at, 4, hostTriple());
  EXPECT_EQ(status.message(), "test.bin: " + expected);
}

static TFunction &mainFn(TModule &m) { return m.functions[0]; }

INSTANTIATE_TEST_SUITE_P(
    Reader, BrokenMetadata,
    testing::Values(
        MetadataCase{
            "BindingBuffer",
            [](TModule &m) { mainFn(m).steps[2].bindings[1].buffer = 9; },
            "function 'main' step 2: binding 1 refers to buffer 9 but "
            "the function has 7 buffers"},
        MetadataCase{
            "BindingOffset",
            [](TModule &m) { mainFn(m).steps[0].bindings[0].offset = 25; },
            "function 'main' step 0: binding 0 offset 25 lies past "
            "the end of buffer 0 (24 bytes)"},
        MetadataCase{"StepKernel",
                     [](TModule &m) { mainFn(m).steps[0].kernel = 3; },
                     "function 'main' step 0 refers to kernel 3 but the module "
                     "has 3 kernels"},
        MetadataCase{"StepBindingCount",
                     [](TModule &m) { mainFn(m).steps[0].bindings.pop_back(); },
                     "function 'main' step 0 passes 2 bindings but kernel 0 "
                     "('add') takes 3"},
        MetadataCase{"StepKind",
                     [](TModule &m) { mainFn(m).steps[1].kind = 7; },
                     "function 'main' step 1 has unknown kind 7"},
        MetadataCase{"CopyTooLong",
                     [](TModule &m) { mainFn(m).steps[1].size = 28; },
                     "function 'main' step 1: copying 28 bytes at offset 0 "
                     "runs past the end of buffer 5 (24 bytes)"},
        MetadataCase{
            "CopyOffsetPlusSize",
            [](TModule &m) { mainFn(m).steps[1].bindings[1].offset = 8; },
            "function 'main' step 1: copying 24 bytes at offset 8 "
            "runs past the end of buffer 2 (24 bytes)"},
        MetadataCase{"CopyBindings",
                     [](TModule &m) { mainFn(m).steps[1].bindings.pop_back(); },
                     "function 'main' step 1: a copy needs 2 bindings "
                     "(source, destination), it has 1"},
        MetadataCase{
            "CopyIntoConstant",
            [](TModule &m) { mainFn(m).steps[3].bindings[1].buffer = 3; },
            "function 'main' step 3: copy destination buffer 3 is a "
            "constant"},
        MetadataCase{"BufferKind",
                     [](TModule &m) { mainFn(m).buffers[5].kind = 4; },
                     "function 'main' buffer 5 has unknown kind 4"},
        MetadataCase{"InputIndex",
                     [](TModule &m) { mainFn(m).buffers[1].index = 2; },
                     "function 'main' buffer 1 (input) refers to input 2 but "
                     "the function has 2 inputs"},
        MetadataCase{"InputSize",
                     [](TModule &m) { mainFn(m).buffers[1].size = 20; },
                     "function 'main' buffer 1 (input) is 20 bytes but input 1 "
                     "(tensor<2x3xf32>) is 24"},
        MetadataCase{"InputTwice",
                     [](TModule &m) { mainFn(m).buffers[1].index = 0; },
                     "function 'main' buffer 1 (input): input 0 already has "
                     "buffer 0"},
        MetadataCase{"OutputWithoutBuffer",
                     [](TModule &m) { mainFn(m).buffers[6].kind = k::scratch; },
                     "function 'main': output 2 has no buffer"},
        MetadataCase{"ConstantIndex",
                     [](TModule &m) { mainFn(m).buffers[3].index = 1; },
                     "function 'main' buffer 3 (constant) refers to constant 1 "
                     "but the module has 1 constant"},
        MetadataCase{"ConstantBufferSize",
                     [](TModule &m) { mainFn(m).buffers[3].size = 4; },
                     "function 'main' buffer 3 (constant) is 4 bytes but "
                     "constant 0 is 24"},
        MetadataCase{"BufferHuge",
                     [](TModule &m) { mainFn(m).buffers[5].size = ~0ull; },
                     "function 'main' buffer 5 (scratch) size "
                     "18446744073709551615 is too large"},
        MetadataCase{"DType", [](TModule &m) { mainFn(m).inputs[1].dtype = 6; },
                     "function 'main' input 1: unknown dtype 6"},
        MetadataCase{"NegativeDim",
                     [](TModule &m) {
                       mainFn(m).outputs[0].shape = {{2, -3}};
                     },
                     "function 'main' output 0: dimension 1 is negative (-3)"},
        MetadataCase{"ShapeOverflow",
                     [](TModule &m) {
                       mainFn(m).inputs[0].shape = {
                           {int64_t(1) << 40, int64_t(1) << 40}};
                     },
                     "function 'main' input 0: tensor<1099511627776x"
                     "1099511627776xf32> is too large (over 2^48 bytes)"},
        MetadataCase{"DuplicateFunction",
                     [](TModule &m) { m.functions[1].name = "main"; },
                     "function 'main' is defined twice"},
        MetadataCase{"UnnamedFunction",
                     [](TModule &m) { m.functions[1].name = ""; },
                     "function 1 has no name"},
        MetadataCase{"ConstantOutsideSection",
                     [](TModule &m) {
                       m.constants[0] = {8, 24};
                     },
                     "constant 0 (offset 8, 24 bytes) lies outside the "
                     "constants section (24 bytes)"},
        MetadataCase{"ConstantOffsetWraps",
                     [](TModule &m) {
                       m.constants[0] = {~0ull, 2};
                     },
                     "constant 0 (offset 18446744073709551615, 2 bytes) lies "
                     "outside the constants section (24 bytes)"},
        MetadataCase{"ConstantsSectionIndex",
                     [](TModule &m) { m.constantsSection = 5; },
                     "constants_section 5 is out of range (the bundle has 3 "
                     "sections)"},
        MetadataCase{"ConstantsSectionKind",
                     [](TModule &m) { m.constantsSection = 1; },
                     "constants_section 1 is a code section, not a constants "
                     "one"},
        MetadataCase{"ConstantsWithoutSection",
                     [](TModule &m) { m.constantsSection = -1; },
                     "constant 0 (offset 0, 24 bytes) needs a constants "
                     "section but the module has none"},
        MetadataCase{"CodeSection",
                     [](TModule &m) { m.codeObjects[0].section = 3; },
                     "code object 0 (host_elf_so HOST) refers to section 3 "
                     "but the bundle has 3 sections"},
        MetadataCase{"CodeSectionKind",
                     [](TModule &m) { m.codeObjects[0].section = 2; },
                     "code object 0 (host_elf_so HOST) refers to section 2 "
                     "which is a constants section, not a code one"},
        MetadataCase{"CodeFormat",
                     [](TModule &m) { m.codeObjects[0].format = 9; },
                     "code object 0 has unknown format 9"},
        MetadataCase{"CodeTarget",
                     [](TModule &m) { m.codeObjects[0].target = 3; },
                     "code object 0 has unknown target 3"},
        MetadataCase{"FormatTargetMismatch",
                     [](TModule &m) { m.codeObjects[0].format = k::cubin; },
                     "code object 0 (cubin HOST): format cubin does not run "
                     "on target host"},
        MetadataCase{"NoArch", [](TModule &m) { m.codeObjects[0].arch = ""; },
                     "code object 0 (host_elf_so ) has no arch"},
        MetadataCase{"MissingLaunch",
                     [](TModule &m) { m.codeObjects[0].launches.pop_back(); },
                     "code object 0 (host_elf_so HOST) has no launch for "
                     "kernel 2 ('not')"},
        MetadataCase{
            "DuplicateLaunch",
            [](TModule &m) { m.codeObjects[0].launches[2].kernel = 1; },
            "code object 0 (host_elf_so HOST) launch 2: kernel 1 "
            "('mul') has a second launch"},
        MetadataCase{
            "LaunchKernel",
            [](TModule &m) { m.codeObjects[0].launches[0].kernel = 7; },
            "code object 0 (host_elf_so HOST) launch 0 refers to "
            "kernel 7 but the module has 3 kernels"},
        MetadataCase{"ZeroGrid",
                     [](TModule &m) {
                       m.codeObjects[0].launches[1].grid = {6, 0, 1};
                     },
                     "code object 0 (host_elf_so HOST) launch 1 grid[1] is "
                     "zero"},
        MetadataCase{"ZeroBlock",
                     [](TModule &m) {
                       m.codeObjects[0].launches[1].block = {0, 1, 1};
                     },
                     "code object 0 (host_elf_so HOST) launch 1 block[0] is "
                     "zero"},
        MetadataCase{"ShortGrid",
                     [](TModule &m) {
                       m.codeObjects[0].launches[0].grid = {6, 1};
                     },
                     "code object 0 (host_elf_so HOST) launch 0 grid has 2 "
                     "entries, expected 3"},
        MetadataCase{
            "NoSymbol",
            [](TModule &m) { m.codeObjects[0].launches[0].symbol = ""; },
            "code object 0 (host_elf_so HOST) launch 0 has no symbol"},
        MetadataCase{"TooManyBindings",
                     [](TModule &m) { m.kernels[0].numBindings = 1u << 20; },
                     "kernel 0 ('add') has 1048576 bindings, more than the "
                     "limit of 65536"},
        // Issue 14, F6: what a kernel touches is recorded per binding and
        // every dispatch is checked against its buffers.
        MetadataCase{"NoBindingExtents",
                     [](TModule &m) { m.kernels[2].bindings.reset(); },
                     "function 'negate' step 0: kernel 2 ('not') does not "
                     "record what it touches, so the dispatch cannot be "
                     "checked"},
        MetadataCase{
            "UnusedKernelWithoutExtents",
            [](TModule &m) {
              m.kernels.push_back({"spare", 1, std::nullopt});
              m.codeObjects[0].launches.push_back({3, "tgc_test_add_f32"});
            },
            "kernel 3 ('spare') records what it touches for 0 "
            "bindings but has 1"},
        MetadataCase{"BindingAccess",
                     [](TModule &m) { (*m.kernels[0].bindings)[1].access = 9; },
                     "kernel 0 ('add') binding 1 has unknown access 9"},
        MetadataCase{
            "BindingExtentHuge",
            [](TModule &m) { (*m.kernels[0].bindings)[1].extent = ~0ull; },
            "kernel 0 ('add') binding 1 extent 18446744073709551615 "
            "is too large"},
        MetadataCase{"ShrunkScratch",
                     [](TModule &m) { mainFn(m).buffers[5].size = 16; },
                     "function 'main' step 0: binding 2 (buffer 5, scratch, "
                     "16 bytes): kernel 'add' writes 24 bytes at offset 0, "
                     "past the end of the buffer"},
        MetadataCase{
            "BindingAtTheEnd",
            [](TModule &m) { mainFn(m).steps[0].bindings[1].offset = 24; },
            "function 'main' step 0: binding 1 (buffer 1, input, 24 "
            "bytes): kernel 'add' reads 24 bytes at offset 24, past "
            "the end of the buffer"},
        MetadataCase{"ShrunkOutputType",
                     [](TModule &m) {
                       mainFn(m).outputs[1].shape = {{1, 3}};
                       mainFn(m).buffers[4].size = 12;
                     },
                     "function 'main' step 2: binding 2 (buffer 4, output, 12 "
                     "bytes): kernel 'mul' writes 24 bytes at offset 0, past "
                     "the end of the buffer"},
        MetadataCase{"ConstantAtTheEndOfItsSection",
                     [](TModule &m) {
                       m.constants[0] = {16, 8};
                       mainFn(m).buffers[3].size = 8;
                     },
                     "function 'main' step 2: binding 1 (buffer 3, constant, 8 "
                     "bytes): kernel 'mul' reads 24 bytes at offset 0, past "
                     "the end of the buffer"},
        MetadataCase{
            "DispatchWritesAConstant",
            [](TModule &m) { mainFn(m).steps[2].bindings[2].buffer = 3; },
            "function 'main' step 2: binding 2 (buffer 3, constant, "
            "24 bytes): kernel 'mul' writes a constant (constants "
            "are shared and read-only)"},
        MetadataCase{
            "OutputOverlapsAnInput",
            [](TModule &m) { mainFn(m).steps[0].bindings[2].buffer = 0; },
            "function 'main' step 0: binding 2 (buffer 0, input, 24 "
            "bytes): what kernel 'add' writes overlaps binding 0 in "
            "the same buffer"}),
    [](const testing::TestParamInfo<MetadataCase> &info) {
      return std::string(info.param.name);
    });

// External constants (format version 3, tgc --weights=external).
INSTANTIATE_TEST_SUITE_P(
    External, BrokenMetadata,
    testing::Values(
        MetadataCase{"ExternalFileIndex",
                     [](TModule &m) {
                       m = externalModule();
                       m.constants[0].external->file = 1;
                     },
                     "constant 0 (external) refers to weights file 1 but the "
                     "bundle names 1 weights file"},
        MetadataCase{"ExternalWithoutName",
                     [](TModule &m) {
                       m = externalModule();
                       m.constants[0].external->name = "";
                     },
                     "constant 0 (external) has no tensor name"},
        MetadataCase{"ExternalOffset",
                     [](TModule &m) {
                       m = externalModule();
                       m.constants[0].offset = 64;
                     },
                     "constant 0 (external) has offset 64; an external "
                     "constant's is 0"},
        MetadataCase{"ExternalSize",
                     [](TModule &m) {
                       m = externalModule();
                       m.constants[0].size = 20;
                     },
                     "constant 0 (tensor 'w' of 'w.safetensors') is 20 bytes "
                     "but tensor<2x3xf32> is 24"},
        MetadataCase{"ExternalShape",
                     [](TModule &m) {
                       m = externalModule();
                       m.constants[0].external->type.shape = {{-2, 3}};
                     },
                     "constant 0 (tensor 'w' of 'w.safetensors'): dimension 0 "
                     "is negative (-2)"},
        MetadataCase{"WeightsFileOutside",
                     [](TModule &m) { m = externalModule("../w.safetensors"); },
                     "weights file 0 '../w.safetensors' is not a relative "
                     "path inside the bundle's directory"},
        MetadataCase{"WeightsFileAbsolute",
                     [](TModule &m) { m = externalModule("/etc/passwd"); },
                     "weights file 0 '/etc/passwd' is not a relative path "
                     "inside the bundle's directory"},
        MetadataCase{"WeightsFileInsideDots",
                     [](TModule &m) { m = externalModule("a/../../w"); },
                     "weights file 0 'a/../../w' is not a relative path "
                     "inside the bundle's directory"}),
    [](const testing::TestParamInfo<MetadataCase> &info) {
      return std::string(info.param.name);
    });

//===----------------------------------------------------------------------===//
// Signatures and decompression limits
//===----------------------------------------------------------------------===//

TEST(BundleReader, UnsignedAndForeignBundlesAreRefused) {
  std::vector<uint8_t> unsigned_ = buildBundle(
      addModule(),
      {{format::SectionKind::Code, fakeCode(), true},
       {format::SectionKind::Constants, std::vector<uint8_t>(24), false}},
      true, /*sign=*/false);
  Status status = open(unsigned_);
  EXPECT_EQ(status.code(), TGC_STATUS_PERMISSION_DENIED);
  EXPECT_EQ(status.message().rfind("test.bin: the bundle is not signed", 0), 0u)
      << status.message();

  // Allowed by the policy: then it opens.
  trust::TrustPolicy allow;
  allow.allowUnsigned = true;
  std::shared_ptr<Bundle> bundle;
  EXPECT_TRUE(Bundle::openMemory(unsigned_, "test.bin", bundle, &allow).isOk());

  // Signed by a key no one here trusts, then trusted by the caller.
  char dir[] = "/tmp/tgc-foreign-key-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  trust::KeyPair foreign;
  ASSERT_TRUE(trust::createKeyPair(std::string(dir) + "/key", foreign).isOk());
  std::vector<uint8_t> theirs = unsigned_;
  std::string error;
  ASSERT_TRUE(format::signContainer(theirs, foreign.secret, error)) << error;
  status = open(theirs);
  EXPECT_EQ(status.code(), TGC_STATUS_PERMISSION_DENIED);
  EXPECT_NE(status.message().find("signed by key " +
                                  trust::fingerprint(foreign.publicKey) +
                                  ", which is not trusted here"),
            std::string::npos)
      << status.message();
  trust::TrustPolicy trusting;
  trusting.extraKeys.push_back({foreign.publicKey, "test"});
  EXPECT_TRUE(Bundle::openMemory(theirs, "test.bin", bundle, &trusting).isOk());
  EXPECT_TRUE(bundle->isSigned());
  EXPECT_EQ(bundle->signer(), foreign.publicKey);
  std::filesystem::remove_all(dir);
}

// The signature covers the section table, whose xxh64 checksums an attacker
// could match with other bytes (xxh64 is not made to resist that); each
// section is also hashed with BLAKE2b inside the signed block. A section
// whose bytes do not match its signed hash is refused when it is read.
TEST(BundleReader, SectionsMustMatchTheirSignedHashes) {
  std::vector<uint8_t> bytes = buildAddBundle(fakeCode());
  // Re-sign with a wrong hash for section 1, standing in for a section
  // that an xxh64 collision let through the signed table.
  uint64_t block = get64(bytes, 32);
  size_t hashOffset =
      block + format::kSignatureHeaderSize + format::kSectionHashSize * 1;
  bytes[hashOffset] ^= 0x55;
  uint32_t count = 3;
  size_t tableEnd = format::kHeaderSize + format::kSectionEntrySize * count;
  std::string domain = "tgc bundle signature v1";
  std::vector<uint8_t> message(domain.begin(), domain.end());
  message.push_back(0);
  message.insert(message.end(), bytes.begin(), bytes.begin() + tableEnd);
  message.insert(message.end(), bytes.begin() + block,
                 bytes.begin() + block + 16 + format::kPublicKeySize);
  message.insert(message.end(),
                 bytes.begin() + block + format::kSignatureHeaderSize,
                 bytes.end());
  trust::KeyPair key;
  ASSERT_TRUE(trust::loadSigningKey("", key).isOk());
  trust::Signature signature =
      trust::sign(key.secret, message.data(), message.size());
  std::copy(signature.begin(), signature.end(),
            bytes.begin() + block + 16 + format::kPublicKeySize);

  std::shared_ptr<Bundle> bundle;
  ASSERT_TRUE(open(bytes, &bundle).isOk()); // the signature verifies
  std::vector<uint8_t> section;
  Status status = bundle->readSection(1, section);
  EXPECT_EQ(status.message(),
            "test.bin: section 1 (code) does not match the bundle's "
            "signature: it was changed after the bundle was signed");
  EXPECT_TRUE(bundle->readSection(2, section).isOk());
}

TEST(BundleReader, SignatureBlockIsChecked) {
  std::vector<uint8_t> good = buildAddBundle(fakeCode());
  uint64_t block = get64(good, 32);
  // The signature itself, the signer's key, a section hash.
  for (size_t at : {block + 16 + format::kPublicKeySize + 5, block + 20,
                    block + format::kSignatureHeaderSize + 3}) {
    std::vector<uint8_t> bytes = good;
    bytes[at] ^= 1;
    Status status = open(bytes);
    EXPECT_EQ(status.message(),
              "test.bin: signature check failed: the bundle was changed "
              "after it was signed (or its signature block is damaged)")
        << at;
  }
  // A block that does not end the file.
  std::vector<uint8_t> bytes = good;
  put64(bytes, 40, get64(bytes, 40) - 32);
  fixHeaderChecksum(bytes);
  EXPECT_NE(open(bytes).message().find("signature block (offset"),
            std::string::npos);
}

// Issue 14, F9: a section's decompressed size is checked against the limit
// of its kind from the table, before anything is allocated or decompressed.
TEST(BundleReader, DecompressedSizesAreCappedBeforeDecompressing) {
  std::vector<uint8_t> good = buildAddBundle(fakeCode());
  struct Case {
    size_t section;
    uint64_t rawSize;
    const char *expected;
  };
  for (const Case &c :
       {Case{0, (64ull << 20) + 1,
             "section 0 (metadata) would decompress to 67108865 bytes, more "
             "than the limit of 64 MiB for a metadata section"},
        Case{1, (1ull << 30) + 1,
             "section 1 (code) would decompress to 1073741825 bytes, more "
             "than the limit of 1 GiB for a code section"},
        Case{2, (16ull << 30) + 1,
             "section 2 (constants) would decompress to 17179869185 bytes, "
             "more than the limit of 16 GiB for a constants section"}}) {
    std::vector<uint8_t> bytes = good;
    put64(bytes, entry(c.section) + 24, c.rawSize);
    fixHeaderChecksum(bytes);
    EXPECT_EQ(open(bytes).message(), std::string("test.bin: ") + c.expected);
  }
}
