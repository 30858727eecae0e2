//===- Safetensors.cpp - weights from a safetensors file ------------------===//

#include "compiler/frontends/onnx/Safetensors.h"

#include "compiler/frontends/onnx/OnnxModel.h"

#include "llvm/Support/JSON.h"

#include <cstring>

using namespace tgc::onnx_import;

/// safetensors dtype names and the ONNX types they are.
static int32_t typeOf(llvm::StringRef dtype) {
  return llvm::StringSwitch<int32_t>(dtype)
      .Case("F32", kFloat)
      .Case("F16", kFloat16)
      .Case("BF16", kBfloat16)
      .Case("F64", kDouble)
      .Case("I64", kInt64)
      .Case("I32", kInt32)
      .Case("I16", kInt16)
      .Case("I8", kInt8)
      .Case("U8", kUint8)
      .Case("U16", kUint16)
      .Case("U32", kUint32)
      .Case("U64", kUint64)
      .Case("BOOL", kBool)
      .Default(kUndefined);
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(llvm::StringRef path,
                                                       std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot open '" + path.str() + "': " + buffer.getError().message();
    return nullptr;
  }
  auto fail = [&](const std::string &what) {
    error = path.str() + ": " + what;
    return nullptr;
  };
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() < 8)
    return fail("not a safetensors file (shorter than its 8-byte header "
                "length)");
  uint64_t headerSize;
  std::memcpy(&headerSize, bytes.data(), 8); // little-endian hosts only
  if (headerSize > bytes.size() - 8 || headerSize > (uint64_t(100) << 20))
    return fail("header length " + std::to_string(headerSize) +
                " does not fit the " + std::to_string(bytes.size()) +
                "-byte file (truncated, or not safetensors)");
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse(bytes.substr(8, headerSize));
  if (!json)
    return fail("bad JSON header: " + llvm::toString(json.takeError()));
  const llvm::json::Object *header = json->getAsObject();
  if (!header)
    return fail("the header is not a JSON object");
  auto file = std::shared_ptr<SafetensorsFile>(new SafetensorsFile());
  file->filePath = path.str();
  uint64_t dataStart = 8 + headerSize, dataSize = bytes.size() - dataStart;
  for (const auto &[key, value] : *header) {
    if (key == "__metadata__")
      continue;
    std::string name = key.str();
    const llvm::json::Object *entry = value.getAsObject();
    auto bad = [&](const std::string &what) {
      return fail("tensor '" + name + "': " + what);
    };
    if (!entry)
      return bad("not an object");
    std::optional<llvm::StringRef> dtype = entry->getString("dtype");
    const llvm::json::Array *shape = entry->getArray("shape");
    const llvm::json::Array *offsets = entry->getArray("data_offsets");
    if (!dtype || !shape || !offsets || offsets->size() != 2)
      return bad("needs dtype, shape and data_offsets [begin, end]");
    Tensor t;
    t.type = typeOf(*dtype);
    if (t.type == kUndefined || !dataTypeSize(t.type))
      return bad("dtype '" + dtype->str() + "' is not supported");
    for (const llvm::json::Value &d : *shape) {
      std::optional<int64_t> n = d.getAsInteger();
      if (!n || *n < 0)
        return bad("the shape has a negative or non-integer dimension");
      t.shape.push_back(*n);
    }
    std::optional<int64_t> begin = (*offsets)[0].getAsInteger(),
                           end = (*offsets)[1].getAsInteger();
    std::optional<int64_t> count = elementCount(t.shape);
    if (!begin || !end || *begin < 0 || *end < *begin ||
        uint64_t(*end) > dataSize)
      return bad("data_offsets lie outside the " + std::to_string(dataSize) +
                 " data bytes (truncated file?)");
    if (!count ||
        uint64_t(*end - *begin) != uint64_t(*count) * dataTypeSize(t.type))
      return bad("holds " + std::to_string(*end - *begin) +
                 " bytes, which does not match its dtype and shape");
    t.data = llvm::ArrayRef<char>(bytes.data() + dataStart + *begin,
                                  size_t(*end - *begin));
    file->tensors[name] = std::move(t);
  }
  file->buffer = std::move(*buffer);
  return file;
}
