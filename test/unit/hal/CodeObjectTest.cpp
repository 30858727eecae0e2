//===- CodeObjectTest.cpp - the cubin and HSACO loaders -------------------===//
//
// Runs hal/codeobject's loaders on the cubins (sm_80, sm_90) and HSACOs
// (gfx1100) tgc builds for examples/softmax.mlir and examples/mlp.mlir, and
// checks what they say against what tgc's kernel ABI fixes (one 8-byte
// pointer per binding, docs/driver-interface.md) and against each other.
// The cross-check with NVIDIA's and LLVM's own readers (cuobjdump,
// llvm-readelf) is test/tinygpu/describe-*.test. Then every corruption the
// tests can think of — truncation anywhere, any byte changed in the headers
// and attribute records, wrong descriptors, broken metadata — must give an
// error that names where, never a crash (the sanitizer build runs these too).
//
//===----------------------------------------------------------------------===//

#include "hal/codeobject/CodeObject.h"
#include "hal/codeobject/MsgPack.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace tgc;
using namespace tgc::hal;

namespace {

struct Example {
  const char *name;
  unsigned kernels;
  unsigned bindings; // per kernel
};
constexpr Example kExamples[] = {{"softmax", 1, 2}, {"mlp", 2, 4}};

std::string codeObjectPath(const std::string &example,
                           const std::string &target) {
  return std::string(TGC_TEST_CODE_OBJECT_DIR) + "/" + example + "." + target +
         (target.rfind("sm_", 0) == 0 ? ".cubin" : ".hsaco");
}

/// The bytes of a code object tgc built for the tests, or a skip reason.
std::vector<uint8_t> load(const std::string &example, const std::string &target,
                          std::string &skip) {
  bool nvidia = target.rfind("sm_", 0) == 0;
  if (!TGC_TEST_HAVE_HSACO) {
    skip = "built without the compiler: no code objects to read";
    return {};
  }
  if (nvidia && !TGC_TEST_HAVE_CUBIN) {
    skip = "ptxas was not found when the tests were configured: no cubins";
    return {};
  }
  std::vector<char> bytes =
      test::readFileBytes(codeObjectPath(example, target));
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

#define LOAD_OR_SKIP(var, example, target)                                     \
  std::string skip_;                                                           \
  std::vector<uint8_t> var = load(example, target, skip_);                     \
  if (!skip_.empty())                                                          \
    GTEST_SKIP() << skip_;                                                     \
  ASSERT_FALSE(var.empty()) << "cannot read " << codeObjectPath(example, target)

/// The ABI of tgc's GPU kernels: argument i is binding i's 8-byte pointer.
void expectBindingArguments(const KernelLaunchDescription &kernel,
                            unsigned bindings) {
  ASSERT_EQ(kernel.arguments.size(), bindings) << kernel.name;
  EXPECT_EQ(kernel.argumentBytes, 8 * bindings) << kernel.name;
  for (unsigned i = 0; i < bindings; ++i) {
    EXPECT_EQ(kernel.arguments[i].ordinal, i) << kernel.name;
    EXPECT_EQ(kernel.arguments[i].offset, 8 * i) << kernel.name;
    EXPECT_EQ(kernel.arguments[i].size, 8u) << kernel.name;
  }
}

void expectCodeInside(const KernelLaunchDescription &kernel, size_t fileSize) {
  EXPECT_GT(kernel.codeSize, 0u) << kernel.name;
  EXPECT_LE(kernel.codeFileOffset + kernel.codeSize, fileSize) << kernel.name;
  EXPECT_LT(kernel.entryOffset, kernel.codeSize) << kernel.name;
}

class CubinTest : public ::testing::TestWithParam<const char *> {};

TEST_P(CubinTest, DescribesTheExamples) {
  const std::string target = GetParam();
  for (const Example &example : kExamples) {
    SCOPED_TRACE(example.name);
    LOAD_OR_SKIP(bytes, example.name, target);
    CodeObjectDescription object;
    Status s = describeCubin(bytes.data(), bytes.size(), object);
    ASSERT_TRUE(s) << s.message();
    EXPECT_EQ(object.format, CodeFormat::Cubin);
    EXPECT_EQ(object.arch, target);
    ASSERT_EQ(object.kernels.size(), example.kernels);
    for (unsigned k = 0; k < example.kernels; ++k) {
      const KernelLaunchDescription &kernel = object.kernels[k];
      EXPECT_EQ(kernel.name, "main_kernel" + std::to_string(k));
      EXPECT_EQ(object.findKernel(kernel.name), &kernel);
      expectBindingArguments(kernel, example.bindings);
      expectCodeInside(kernel, bytes.size());
      EXPECT_EQ(kernel.entryOffset, 0u); // one kernel per .text section
      // ptxas allocates at most 255 registers per thread.
      EXPECT_GE(kernel.registers, 1u);
      EXPECT_LE(kernel.registers, 255u);
      // Both strategies (row, matmul) stage data through shared memory and
      // synchronize on a barrier.
      EXPECT_GT(kernel.sharedMemoryBytes, 0u);
      EXPECT_GE(kernel.nvidia.barriers, 1u);
      EXPECT_FALSE(kernel.nvidia.exitOffsets.empty());
      for (uint32_t exit : kernel.nvidia.exitOffsets)
        EXPECT_LT(exit, kernel.codeSize);
      // Parameters sit in constant bank 0 after the driver's own area.
      ASSERT_FALSE(kernel.nvidia.constantBanks.empty());
      const ConstantBank &bank0 = kernel.nvidia.constantBanks.front();
      EXPECT_EQ(bank0.bank, 0u);
      EXPECT_GT(kernel.nvidia.paramBankOffset, 0u);
      EXPECT_LE(kernel.nvidia.paramBankOffset + kernel.argumentBytes,
                bank0.size);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, CubinTest,
                         ::testing::Values("sm_80", "sm_90"));

TEST(HsacoTest, DescribesTheExamples) {
  for (const Example &example : kExamples) {
    SCOPED_TRACE(example.name);
    LOAD_OR_SKIP(bytes, example.name, "gfx1100");
    CodeObjectDescription object;
    Status s = describeHsaco(bytes.data(), bytes.size(), object);
    ASSERT_TRUE(s) << s.message();
    EXPECT_EQ(object.format, CodeFormat::Hsaco);
    EXPECT_EQ(object.arch, "gfx1100");
    ASSERT_EQ(object.kernels.size(), example.kernels);
    for (unsigned k = 0; k < example.kernels; ++k) {
      const KernelLaunchDescription &kernel = object.kernels[k];
      EXPECT_EQ(kernel.name, "main_kernel" + std::to_string(k));
      expectBindingArguments(kernel, example.bindings);
      expectCodeInside(kernel, bytes.size());
      for (const KernelArgument &arg : kernel.arguments)
        EXPECT_EQ(arg.kind, "global_buffer");
      const AmdLaunchInfo &amd = kernel.amd;
      EXPECT_TRUE(amd.hasMetadata);
      EXPECT_EQ(amd.wavefrontSize, 32u); // RDNA3 kernels run in wave32
      // The descriptor allocates VGPRs in blocks of 8: the exact count of
      // the metadata lies within the last block.
      EXPECT_LE(kernel.registers, amd.allocatedVgprs);
      EXPECT_GT(kernel.registers + 8, amd.allocatedVgprs);
      EXPECT_GT(kernel.scalarRegisters, 0u);
      EXPECT_GT(kernel.sharedMemoryBytes, 0u);
      EXPECT_EQ(kernel.stackBytes, 0u);
      EXPECT_FALSE(amd.usesScratch);
      // tgc fixes the block size of every GPU kernel.
      EXPECT_GT(kernel.requiredBlock[0], 0u);
      EXPECT_EQ(amd.kernargAlignment, 8u);
    }
  }
}

TEST(CodeObjectTest, PicksTheLoaderByMachine) {
  LOAD_OR_SKIP(hsaco, "softmax", "gfx1100");
  CodeObjectDescription object;
  ASSERT_TRUE(describeCodeObject(hsaco.data(), hsaco.size(), object));
  EXPECT_EQ(object.format, CodeFormat::Hsaco);
  Status s = describeCubin(hsaco.data(), hsaco.size(), object);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(),
            "cubin: ELF machine 224 at offset 0x12, expected 190 (EM_CUDA)");
  const char text[] = "not a code object";
  s = describeCodeObject(text, sizeof(text), object);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("not an ELF file"), std::string::npos);
  EXPECT_FALSE(describeCodeObject(nullptr, 0, object));
}

TEST(CodeObjectTest, FormatsOneLinePerFactAndKernel) {
  LOAD_OR_SKIP(hsaco, "softmax", "gfx1100");
  CodeObjectDescription object;
  ASSERT_TRUE(describeHsaco(hsaco.data(), hsaco.size(), object));
  std::string text = formatCodeObjectDescription(object);
  EXPECT_EQ(text.rfind("hsaco gfx1100: 1 kernel\n", 0), 0u) << text;
  EXPECT_NE(text.find("main_kernel0: argument 1: offset 8, 8 bytes, "
                      "global_buffer\n"),
            std::string::npos)
      << text;
}

//===----------------------------------------------------------------------===//
// Corrupt and truncated objects
//===----------------------------------------------------------------------===//

/// Every prefix of the object must be refused (a code object has no valid
/// prefix: the section headers come last) without reading past its end; the
/// copy has exactly the prefix's size so AddressSanitizer would see it.
void expectEveryPrefixRefused(const std::vector<uint8_t> &bytes) {
  for (size_t size = 0; size < bytes.size(); size += 1 + size / 64) {
    std::unique_ptr<uint8_t[]> prefix(new uint8_t[size + 1]);
    std::memcpy(prefix.get(), bytes.data(), size);
    CodeObjectDescription object;
    Status s = describeCodeObject(prefix.get(), size, object);
    ASSERT_FALSE(s) << "a " << size << "-byte prefix was accepted";
    ASSERT_FALSE(s.message().empty());
  }
}

/// Changing any one byte in [begin, end) gives a description or an error;
/// the loop exists for the sanitizers and the fuzzer's seed, and checks the
/// promise about code bounds on whatever loads.
void changeEveryByte(const std::vector<uint8_t> &bytes, size_t begin,
                     size_t end) {
  std::vector<uint8_t> copy = bytes;
  for (size_t i = begin; i < end && i < copy.size(); ++i) {
    for (uint8_t value : {uint8_t(bytes[i] ^ 0xff), uint8_t(bytes[i] + 1)}) {
      copy[i] = value;
      CodeObjectDescription object;
      if (describeCodeObject(copy.data(), copy.size(), object))
        for (const KernelLaunchDescription &k : object.kernels) {
          ASSERT_LE(k.codeFileOffset + k.codeSize, copy.size()) << "byte " << i;
          ASSERT_LT(k.entryOffset, k.codeSize) << "byte " << i;
        }
    }
    copy[i] = bytes[i];
  }
}

uint64_t le(const std::vector<uint8_t> &b, size_t at, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i)
    v |= uint64_t(b[at + i]) << (8 * i);
  return v;
}

/// The file range of a section, found by name through the section headers.
bool findSection(const std::vector<uint8_t> &b, const std::string &name,
                 size_t &offset, size_t &size) {
  uint64_t table = le(b, 40, 8), count = le(b, 60, 2), names = le(b, 62, 2);
  uint64_t namesOffset = le(b, table + names * 64 + 24, 8);
  for (uint64_t i = 0; i < count; ++i) {
    size_t h = table + i * 64;
    const char *n =
        reinterpret_cast<const char *>(&b[namesOffset + le(b, h, 4)]);
    if (name == n) {
      offset = le(b, h + 24, 8);
      size = le(b, h + 32, 8);
      return true;
    }
  }
  return false;
}

TEST(CubinTest, RefusesTruncatedAndCorruptObjects) {
  LOAD_OR_SKIP(bytes, "softmax", "sm_90");
  expectEveryPrefixRefused(bytes);
  size_t info, infoSize;
  ASSERT_TRUE(findSection(bytes, ".nv.info.main_kernel0", info, infoSize));
  changeEveryByte(bytes, 0, 64);                          // ELF header
  changeEveryByte(bytes, le(bytes, 40, 8), bytes.size()); // section headers
  changeEveryByte(bytes, info, info + infoSize);          // attributes
  size_t global, globalSize;
  ASSERT_TRUE(findSection(bytes, ".nv.info", global, globalSize));
  changeEveryByte(bytes, global, global + globalSize);

  // A record whose size runs past its section: the message names both.
  std::vector<uint8_t> bad = bytes;
  ASSERT_EQ(bad[info], 4); // the first record is EIFMT_SVAL
  bad[info + 2] = 0xff;
  bad[info + 3] = 0x7f;
  CodeObjectDescription object;
  Status s = describeCubin(bad.data(), bad.size(), object);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("'.nv.info.main_kernel0': record at offset 0x0"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("past the section end"), std::string::npos)
      << s.message();
}

/// A KPARAM_INFO record's offset, within the .nv.info.<kernel> section.
size_t findRecord(const std::vector<uint8_t> &b, size_t begin, size_t end,
                  uint8_t attribute) {
  for (size_t at = begin; at + 4 <= end;) {
    if (b[at + 1] == attribute)
      return at;
    at += b[at] == 4 ? 4 + le(b, at + 2, 2) : 4;
  }
  return 0;
}

TEST(CubinTest, RefusesParametersOutsideTheParameterArea) {
  LOAD_OR_SKIP(bytes, "softmax", "sm_80");
  size_t info, infoSize;
  ASSERT_TRUE(findSection(bytes, ".nv.info.main_kernel0", info, infoSize));
  size_t record = findRecord(bytes, info, info + infoSize, 0x17);
  ASSERT_NE(record, 0u) << "no EIATTR_KPARAM_INFO";
  std::vector<uint8_t> bad = bytes;
  bad[record + 4 + 6] = 0xf0; // the parameter's offset
  CodeObjectDescription object;
  Status s = describeCubin(bad.data(), bad.size(), object);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("lies outside the 16-byte parameter area"),
            std::string::npos)
      << s.message();
}

/// Hides every EIATTR_REGCOUNT record of `.nv.info` (attribute 0x2f) by
/// renumbering it to an attribute the loader steps over.
std::vector<uint8_t> withoutRegCount(const std::vector<uint8_t> &bytes) {
  std::vector<uint8_t> copy = bytes;
  size_t info, size;
  if (!findSection(copy, ".nv.info", info, size))
    return {};
  for (size_t at = info; at + 4 <= info + size;) {
    if (copy[at + 1] == 0x2f)
      copy[at + 1] = 0;
    at += copy[at] == 4 ? 4 + le(copy, at + 2, 2) : 4;
  }
  return copy;
}

TEST(CubinTest, RegisterCountsFromBothPlacesAgree) {
  // sm_80 cubins carry the count twice: in EIATTR_REGCOUNT and in the top
  // byte of .text.<kernel>'s sh_info. Without the record, the loader must
  // find the same count in sh_info.
  LOAD_OR_SKIP(bytes, "mlp", "sm_80");
  CodeObjectDescription both, fromSectionInfo;
  ASSERT_TRUE(describeCubin(bytes.data(), bytes.size(), both));
  std::vector<uint8_t> copy = withoutRegCount(bytes);
  ASSERT_FALSE(copy.empty());
  ASSERT_NE(copy, bytes) << "no EIATTR_REGCOUNT to hide";
  Status s = describeCubin(copy.data(), copy.size(), fromSectionInfo);
  ASSERT_TRUE(s) << s.message();
  ASSERT_EQ(both.kernels.size(), fromSectionInfo.kernels.size());
  for (size_t k = 0; k < both.kernels.size(); ++k)
    EXPECT_EQ(both.kernels[k].registers, fromSectionInfo.kernels[k].registers);
}

TEST(CubinTest, RefusesAKernelWithoutRegisterCount) {
  // sm_90 cubins have it in EIATTR_REGCOUNT only.
  LOAD_OR_SKIP(bytes, "softmax", "sm_90");
  std::vector<uint8_t> copy = withoutRegCount(bytes);
  CodeObjectDescription object;
  Status s = describeCubin(copy.data(), copy.size(), object);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "cubin: kernel 'main_kernel0' has no register count "
                         "(neither EIATTR_REGCOUNT nor sh_info of "
                         ".text.main_kernel0)");
}

TEST(HsacoTest, RefusesTruncatedAndCorruptObjects) {
  LOAD_OR_SKIP(bytes, "softmax", "gfx1100");
  expectEveryPrefixRefused(bytes);
  changeEveryByte(bytes, 0, 64);
  changeEveryByte(bytes, le(bytes, 40, 8), bytes.size());
  size_t rodata, rodataSize, note, noteSize;
  ASSERT_TRUE(findSection(bytes, ".rodata", rodata, rodataSize));
  ASSERT_TRUE(findSection(bytes, ".note", note, noteSize));
  changeEveryByte(bytes, rodata, rodata + rodataSize); // the descriptor
  changeEveryByte(bytes, note, note + noteSize);       // the metadata

  // The descriptor and the metadata disagree about shared memory.
  std::vector<uint8_t> bad = bytes;
  bad[rodata] ^= 1; // group_segment_fixed_size
  CodeObjectDescription object;
  Status s = describeHsaco(bad.data(), bad.size(), object);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("metadata says group_segment_fixed_size 256, the "
                             "kernel descriptor 257"),
            std::string::npos)
      << s.message();

  // An entry point outside the code.
  bad = bytes;
  bad[rodata + 16 + 7] = 0x40; // kernel_code_entry_byte_offset
  s = describeHsaco(bad.data(), bad.size(), object);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("is not in an executable section"),
            std::string::npos)
      << s.message();

  // Metadata cut short: the note's descriptor size claims more than is there.
  bad = bytes;
  bad[note + 4] = 0xff;
  bad[note + 5] = 0xff;
  s = describeHsaco(bad.data(), bad.size(), object);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("note descriptor at offset"), std::string::npos)
      << s.message();
}

//===----------------------------------------------------------------------===//
// The MessagePack reader
//===----------------------------------------------------------------------===//

TEST(MsgPackTest, ReadsWhatTheMetadataUses) {
  // {"a": [1, -2, 300, "xy", true, nil], "b": 0x1_0000_0000}
  const uint8_t bytes[] = {0x82, 0xa1, 'a', 0x96, 0x01, 0xfe, 0xcd, 0x01, 0x2c,
                           0xa2, 'x',  'y', 0xc3, 0xc0, 0xa1, 'b',  0xcf, 0,
                           0,    0,    1,   0,    0,    0,    0};
  msgpack::Value v;
  Status s = msgpack::parse(bytes, sizeof(bytes), v);
  ASSERT_TRUE(s) << s.message();
  const msgpack::Value *a = v.find("a");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->array.size(), 6u);
  uint64_t n;
  EXPECT_TRUE(a->array[0].asUnsigned(n) && n == 1);
  EXPECT_EQ(a->array[1].integer, -2);
  EXPECT_FALSE(a->array[1].asUnsigned(n));
  EXPECT_TRUE(a->array[2].asUnsigned(n) && n == 300);
  EXPECT_EQ(a->array[3].string, "xy");
  EXPECT_TRUE(a->array[4].boolean);
  EXPECT_EQ(a->array[5].kind, msgpack::Value::Kind::Nil);
  EXPECT_TRUE(v.find("b")->asUnsigned(n) && n == (1ull << 32));
  EXPECT_EQ(v.find("c"), nullptr);
}

TEST(MsgPackTest, RefusesCorruptInput) {
  msgpack::Value v;
  auto error = [&](std::vector<uint8_t> bytes) {
    Status s = msgpack::parse(bytes.data(), bytes.size(), v);
    return s ? std::string("accepted") : s.message();
  };
  EXPECT_EQ(error({0xa5, 'a', 'b'}),
            "msgpack: offset 1: truncated: a string needs 5 bytes, 2 left");
  // A count no input of this size can hold is refused before allocating.
  EXPECT_EQ(error({0xdd, 0xff, 0xff, 0xff, 0xff}),
            "msgpack: offset 5: array of 4294967295 elements in 0 bytes");
  EXPECT_EQ(error({0xc1}), "msgpack: offset 0: invalid type byte 0xc1");
  EXPECT_EQ(error({0x01, 0x02}), "msgpack: offset 1: 1 bytes follow the value");
  EXPECT_EQ(error({}),
            "msgpack: offset 0: truncated: a value needs 1 bytes, 0 left");
  std::vector<uint8_t> deep(100, 0x91); // [[[[...]]]]
  deep.push_back(0xc0);
  EXPECT_EQ(error(deep), "msgpack: offset 33: nesting deeper than 32");
}

} // namespace
