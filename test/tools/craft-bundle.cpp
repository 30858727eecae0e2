//===- craft-bundle.cpp - hostile bundles for the trust tests -------------===//
//
//   tgc-craft-bundle IN.bin OUT.bin EDIT [--unsigned | --sign-key=FILE]
//
// Makes from a bundle tgc wrote the kinds of bundle an attacker would write
// (docs/security.md; issue 14's findings F6 to F9), so that the tests build
// them from scratch on every run instead of keeping binary blobs. The result
// is re-signed with the user's key ($TGC_CONFIG_DIR), or a key given with
// --sign-key, so that the runtime's checks behind the signature are what
// rejects it; --unsigned leaves it unsigned. Edits:
//
//   shrink-scratch    halve the scratch buffer the first dispatch writes
//   binding-to-end    move the first dispatch's binding 0 to the end of its
//                     buffer
//   shrink-output     halve output 0's first dimension (and its buffer)
//   constant-to-end   point constant 0 at the last 4 bytes of the constants
//                     section (and its buffers at 4 bytes)
//   write-constant    make the first dispatch write into a constant
//   grid=X,Y,Z        launch kernel 0 with this grid in every code object
//   metadata-bomb     metadata: a zstd frame that declares 4 GiB of zeros
//                     (128 KiB stored; cannot be signed: the table is
//                     refused first)
//   constants-bomb    constants: a zstd frame of 17 GiB of zeros (557 KiB)
//   replace-code      code object 0's bytes: a shared library whose
//                     constructor creates the file $TGC_TEST_EVIL_MARKER
//   tamper-code       flip a byte of the last code section and fix its
//                     checksum and the header's, keeping the signature
//   none              re-sign (or unsign) only
//
//===----------------------------------------------------------------------===//

#include "format/BundleContainer.h"
#include "format/bundle_generated.h" // the object API, generated for this tool
#include "support/Trust.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace fb = tgc::format;
using namespace tgc;

namespace {

[[noreturn]] void fail(const std::string &message) {
  throw std::runtime_error(message);
}

std::vector<uint8_t> readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
  if (!out)
    fail("cannot write " + path);
}

void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
uint64_t get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

/// A zstd frame of `size` zero bytes made of RLE blocks (RFC 8878): tiny on
/// disk, and it declares its content size as a real compressor's would.
std::vector<uint8_t> zeroFrame(uint64_t size) {
  std::vector<uint8_t> frame = {0x28, 0xB5, 0x2F, 0xFD, // magic
                                0xC0, // 8-byte content size, not single segment
                                0x38}; // window 128 KiB
  frame.resize(frame.size() + 8);
  put64(&frame[frame.size() - 8], size);
  constexpr uint64_t kBlock = 128 * 1024;
  for (uint64_t done = 0; done < size || size == 0;) {
    uint64_t n = std::min(kBlock, size - done);
    done += n;
    bool last = done == size;
    uint32_t header = (last ? 1u : 0u) | (1u << 1) | uint32_t(n << 3);
    frame.push_back(uint8_t(header));
    frame.push_back(uint8_t(header >> 8));
    frame.push_back(uint8_t(header >> 16));
    frame.push_back(0);
    if (size == 0)
      break;
  }
  return frame;
}

uint64_t byteSize(const fb::TensorTypeT &type) {
  uint64_t bytes =
      type.dtype == fb::DType::f16 || type.dtype == fb::DType::bf16  ? 2
      : type.dtype == fb::DType::f32 || type.dtype == fb::DType::i32 ? 4
                                                                     : 1;
  for (int64_t dim : type.shape)
    bytes *= uint64_t(dim);
  return bytes;
}

fb::StepT &firstDispatch(fb::FunctionT &fn) {
  for (auto &step : fn.steps)
    if (step->kind == fb::StepKind::dispatch)
      return *step;
  fail("function '" + fn.name + "' has no dispatch");
}

struct Bundle {
  fb::Container container;
  std::vector<fb::SectionInput> sections; // raw (decompressed) bytes
  fb::ModuleT module;
};

void editMetadata(Bundle &b, const std::string &edit) {
  fb::FunctionT &fn = *b.module.functions.at(0);
  if (edit == "shrink-scratch") {
    fb::StepT &step = firstDispatch(fn);
    fb::BufferT &buffer = *fn.buffers.at(step.bindings.back()->buffer);
    if (buffer.kind != fb::BufferKind::scratch)
      fail("the first dispatch does not write a scratch buffer");
    buffer.size /= 2;
  } else if (edit == "binding-to-end") {
    fb::BindingT &binding = *firstDispatch(fn).bindings.at(0);
    binding.offset = fn.buffers.at(binding.buffer)->size;
  } else if (edit == "shrink-output") {
    fb::TensorTypeT &type = *fn.outputs.at(0);
    for (int64_t &dim : type.shape)
      if (dim > 1) {
        dim /= 2;
        break;
      }
    for (auto &buffer : fn.buffers)
      if (buffer->kind == fb::BufferKind::output && buffer->index == 0)
        buffer->size = byteSize(type);
  } else if (edit == "constant-to-end") {
    if (b.module.constants.empty() || b.module.constants_section < 0)
      fail("the bundle has no constants");
    uint64_t section =
        b.sections.at(size_t(b.module.constants_section)).bytes.size();
    b.module.constants[0]->offset = section - 4;
    b.module.constants[0]->size = 4;
    for (auto &f : b.module.functions)
      for (auto &buffer : f->buffers)
        if (buffer->kind == fb::BufferKind::constant && buffer->index == 0)
          buffer->size = 4;
  } else if (edit == "write-constant") {
    int64_t constant = -1;
    for (size_t i = 0; i < fn.buffers.size(); ++i)
      if (fn.buffers[i]->kind == fb::BufferKind::constant)
        constant = int64_t(i);
    if (constant < 0)
      fail("function '" + fn.name + "' uses no constant");
    firstDispatch(fn).bindings.back()->buffer = uint32_t(constant);
  } else if (edit.rfind("grid=", 0) == 0) {
    std::vector<uint32_t> grid;
    size_t at = 5;
    while (at <= edit.size()) {
      size_t comma = edit.find(',', at);
      grid.push_back(uint32_t(std::stoul(edit.substr(at, comma - at))));
      if (comma == std::string::npos)
        break;
      at = comma + 1;
    }
    for (auto &code : b.module.code_objects)
      for (auto &launch : code->launches)
        if (launch->kernel == 0)
          launch->grid = grid;
  } else if (edit != "none" && edit != "replace-code" &&
             edit != "metadata-bomb" && edit != "constants-bomb") {
    fail("unknown edit '" + edit + "'");
  }
}

std::vector<uint8_t> serialize(const fb::ModuleT &module) {
  flatbuffers::FlatBufferBuilder builder;
  fb::FinishModuleBuffer(builder, fb::Module::Pack(builder, &module));
  return std::vector<uint8_t>(builder.GetBufferPointer(),
                              builder.GetBufferPointer() + builder.GetSize());
}

/// Replaces section `index`'s stored bytes with a zstd frame of `rawSize`
/// bytes, fixing the table and the checksums.
std::vector<uint8_t> withBomb(const std::vector<fb::SectionInput> &sections,
                              size_t index, uint64_t rawSize) {
  std::vector<uint8_t> frame = zeroFrame(rawSize);
  std::vector<fb::SectionInput> placeholder = sections;
  placeholder[index].bytes.assign(frame.size(), 0);
  placeholder[index].compress = false;
  std::vector<uint8_t> file = fb::writeContainer(placeholder, 1);
  uint8_t *entry = &file[fb::kHeaderSize + fb::kSectionEntrySize * index];
  uint64_t offset = get64(entry + 8);
  std::memcpy(&file[offset], frame.data(), frame.size());
  put32(entry + 4, uint32_t(fb::Compression::Zstd));
  put64(entry + 24, rawSize);
  put64(entry + 32, XXH64(frame.data(), frame.size(), 0));
  size_t tableEnd =
      fb::kHeaderSize + fb::kSectionEntrySize * placeholder.size();
  std::vector<uint8_t> header(file.begin(), file.begin() + tableEnd);
  std::memset(&header[24], 0, 8);
  put64(&file[24], XXH64(header.data(), header.size(), 0));
  return file;
}

/// Flips a byte in the middle of the last code section and recomputes its
/// xxh64 and the header checksum: what an attacker without the key can do.
void tamperCode(std::vector<uint8_t> &file) {
  uint32_t count = uint32_t(file[12]) | uint32_t(file[13]) << 8 |
                   uint32_t(file[14]) << 16 | uint32_t(file[15]) << 24;
  size_t last = 0;
  for (size_t i = 0; i < count; ++i)
    if (file[fb::kHeaderSize + fb::kSectionEntrySize * i] == 2)
      last = i;
  uint8_t *entry = &file[fb::kHeaderSize + fb::kSectionEntrySize * last];
  uint64_t offset = get64(entry + 8), stored = get64(entry + 16);
  file[offset + stored / 2] ^= 0x01;
  put64(entry + 32, XXH64(&file[offset], stored, 0));
  size_t tableEnd = fb::kHeaderSize + fb::kSectionEntrySize * count;
  std::vector<uint8_t> header(file.begin(), file.begin() + tableEnd);
  std::memset(&header[24], 0, 8);
  put64(&file[24], XXH64(header.data(), header.size(), 0));
  std::printf("tampered with section %zu\n", last);
}

int run(int argc, char **argv) {
  if (argc < 4)
    fail("usage: tgc-craft-bundle IN.bin OUT.bin EDIT [--unsigned | "
         "--sign-key=FILE]");
  std::string input = argv[1], output = argv[2], edit = argv[3];
  bool sign = true;
  std::string keyPath;
  for (int i = 4; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--unsigned")
      sign = false;
    else if (arg.rfind("--sign-key=", 0) == 0)
      keyPath = arg.substr(11);
    else
      fail("unknown option " + arg);
  }

  std::vector<uint8_t> file = readBytes(input);
  if (edit == "tamper-code") {
    tamperCode(file);
    writeBytes(output, file);
    return 0;
  }

  Bundle b;
  std::string error;
  if (!b.container.parse(file.data(), file.size(), error))
    fail(input + ": " + error);
  for (size_t i = 0; i < b.container.numSections(); ++i) {
    fb::SectionInput section{b.container.section(i).kind, {}, true};
    if (!b.container.readSection(i, section.bytes, error))
      fail(input + ": " + error);
    b.sections.push_back(std::move(section));
  }
  fb::GetModule(b.sections[0].bytes.data())->UnPackTo(&b.module);

  editMetadata(b, edit);
  if (edit == "replace-code") {
    uint32_t section = b.module.code_objects.at(0)->section;
    b.sections.at(section).bytes = readBytes(TGC_TEST_EVIL_LIBRARY);
  }
  b.sections[0].bytes = serialize(b.module);

  if (edit == "metadata-bomb" || edit == "constants-bomb") {
    size_t index = 0;
    uint64_t rawSize = 4ull << 30;
    if (edit == "constants-bomb") {
      if (b.module.constants_section < 0)
        fail("the bundle has no constants section");
      index = size_t(b.module.constants_section);
      rawSize = 17ull << 30;
    }
    // The reader refuses the section table before it looks at a signature,
    // so there is nothing to sign.
    writeBytes(output, withBomb(b.sections, index, rawSize));
    return 0;
  }

  file = fb::writeContainer(b.sections);
  if (sign) {
    trust::KeyPair key;
    Status status = trust::loadSigningKey(keyPath, key);
    if (!status)
      fail(status.message());
    if (!fb::signContainer(file, key.secret, error))
      fail(error);
  }
  writeBytes(output, file);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "tgc-craft-bundle: error: %s\n", e.what());
    return 1;
  }
}
