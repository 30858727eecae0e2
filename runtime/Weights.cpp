//===- Weights.cpp - external weights: safetensors files ------------------===//

#include "runtime/Weights.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

using namespace tgc;
using namespace tgc::rt;

namespace {

/// Bytes per element of the dtypes safetensors defines; 0 for others.
uint64_t elementBytes(const std::string &dtype) {
  static const std::map<std::string, uint64_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"I64", 8}, {"U64", 8},     {"F64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

/// Names from a file go into one-line messages: control characters (a
/// JSON string may hold newlines) are shown as '?'.
std::string shown(const std::string &name) {
  std::string s = "'";
  for (char c : name)
    s += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return s + "'";
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// A non-negative JSON integer (nlohmann parses those as unsigned).
bool getCount(const nlohmann::json &value, uint64_t &out) {
  if (!value.is_number_unsigned())
    return false;
  out = value.get<uint64_t>();
  return true;
}

/// An open weights file whose header has been checked.
struct WeightsFile {
  std::string path;
  int fd = -1;
  uint64_t size = 0;
  std::map<std::string, SafetensorsTensor> tensors;

  WeightsFile() = default;
  WeightsFile(const WeightsFile &) = delete;
  WeightsFile &operator=(const WeightsFile &) = delete;
  ~WeightsFile() {
    if (fd >= 0)
      ::close(fd);
  }

  std::string where() const { return "weights file '" + path + "'"; }

  /// Exactly `n` bytes at `offset`; the header said they are there, so a
  /// short read means the file changed (shrank) since it was checked.
  Status read(uint64_t offset, void *out, uint64_t n) const {
    auto *bytes = static_cast<uint8_t *>(out);
    while (n > 0) {
      ssize_t got =
          ::pread(fd, bytes, std::min<uint64_t>(n, 1ull << 30), off_t(offset));
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return Status::ioError("cannot read " + where() + ": " +
                               std::strerror(errno));
      if (got == 0)
        return Status::dataLoss(where() + " ended at byte " +
                                std::to_string(offset) +
                                " while it was read (it changed after it was "
                                "checked?)");
      bytes += got;
      offset += uint64_t(got);
      n -= uint64_t(got);
    }
    return Status::ok();
  }

  Status open(const std::string &filePath) {
    path = filePath;
    // O_NONBLOCK: a FIFO in the file's place must not block the load; it is
    // refused below like every other file that is not a regular one.
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
      int err = errno;
      std::string message =
          "cannot open " + where() + ": " + std::strerror(err);
      return err == ENOENT ? Status::notFound(message)
                           : Status::ioError(message);
    }
    struct stat st;
    if (::fstat(fd, &st) != 0)
      return Status::ioError("cannot read " + where() + ": " +
                             std::strerror(errno));
    if (!S_ISREG(st.st_mode))
      return Status::ioError(where() + " is " +
                             (S_ISDIR(st.st_mode)    ? "a directory"
                              : S_ISFIFO(st.st_mode) ? "a FIFO"
                              : S_ISCHR(st.st_mode)  ? "a character device"
                                                     : "not a regular file") +
                             ", not a safetensors file");
    size = uint64_t(st.st_size);
    if (size < 8)
      return Status::dataLoss(where() + " is " + std::to_string(size) +
                              " bytes, shorter than a safetensors header "
                              "length (truncated?)");
    uint8_t length[8];
    TGC_RETURN_IF_ERROR(read(0, length, 8));
    uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i) // little-endian on every host
      headerSize = headerSize << 8 | length[i];
    if (headerSize > kMaxSafetensorsHeaderBytes)
      return Status::dataLoss(where() + ": header length " +
                              std::to_string(headerSize) +
                              " is more than the 100 MiB safetensors allows "
                              "(not a safetensors file?)");
    if (headerSize > size - 8)
      return Status::dataLoss(where() + ": header length " +
                              std::to_string(headerSize) +
                              " does not fit the " + std::to_string(size) +
                              "-byte file (truncated, or not safetensors)");
    std::string header(headerSize, '\0');
    TGC_RETURN_IF_ERROR(read(8, header.data(), headerSize));
    return parseSafetensorsHeader(header.data(), header.size(), size, tensors)
        .withContext(where());
  }
};

} // namespace

const char *tgc::rt::safetensorsDType(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "F32";
  case DType::F16:
    return "F16";
  case DType::BF16:
    return "BF16";
  case DType::I32:
    return "I32";
  case DType::I8:
    return "I8";
  case DType::I1:
    return "BOOL";
  }
  return "?";
}

Status
tgc::rt::parseSafetensorsHeader(const char *json, size_t size,
                                uint64_t fileSize,
                                std::map<std::string, SafetensorsTensor> &out) {
  out.clear();
  uint64_t dataStart = 8 + uint64_t(size);
  if (dataStart > fileSize)
    return Status::dataLoss("the header does not fit the file");
  uint64_t dataSize = fileSize - dataStart;
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(json, json + size);
  } catch (const nlohmann::json::exception &e) {
    return Status::dataLoss(std::string("the header is not valid JSON (") +
                            e.what() + ")");
  } catch (const std::bad_alloc &) {
    return {TGC_STATUS_RESOURCE_EXHAUSTED, "out of memory parsing the " +
                                               std::to_string(size) +
                                               "-byte header"};
  }
  if (!header.is_object())
    return Status::dataLoss("the header is not a JSON object");
  struct Range {
    uint64_t begin, end;
    const std::string *name;
  };
  std::vector<Range> ranges;
  for (const auto &item : header.items()) {
    const std::string &name = item.key();
    if (name == "__metadata__") // free-form strings, not a tensor
      continue;
    const nlohmann::json &entry = item.value();
    std::string where = "tensor " + shown(name);
    if (!entry.is_object())
      return Status::dataLoss(where + " is not a JSON object");
    auto dtype = entry.find("dtype"), shape = entry.find("shape"),
         offsets = entry.find("data_offsets");
    if (dtype == entry.end() || !dtype->is_string() || shape == entry.end() ||
        !shape->is_array() || offsets == entry.end() || !offsets->is_array() ||
        offsets->size() != 2)
      return Status::dataLoss(where + " needs dtype (a string), shape (a "
                                      "list) and data_offsets [begin, end]");
    SafetensorsTensor t;
    t.dtype = dtype->get<std::string>();
    uint64_t elements = 1;
    bool overflow = false;
    for (const nlohmann::json &dim : *shape) {
      uint64_t n;
      if (!getCount(dim, n) || n > uint64_t(INT64_MAX))
        return Status::dataLoss(where + ": its shape has a dimension that is "
                                        "not a non-negative integer");
      t.shape.push_back(int64_t(n));
      overflow |= __builtin_mul_overflow(elements, n, &elements);
    }
    uint64_t begin, end;
    if (!getCount((*offsets)[0], begin) || !getCount((*offsets)[1], end) ||
        begin > end || end > dataSize)
      return Status::dataLoss(
          where + ": data_offsets " +
          ((*offsets)[0].is_number() && (*offsets)[1].is_number()
               ? offsets->dump() + " "
               : "") +
          "do not lie within the " + std::to_string(dataSize) +
          " data bytes of the file (truncated?)");
    uint64_t bytes = 0;
    if (uint64_t width = elementBytes(t.dtype);
        width && (overflow || __builtin_mul_overflow(elements, width, &bytes) ||
                  bytes != end - begin))
      return Status::dataLoss(
          where + " (" + shown(t.dtype) + " " + shapeString(t.shape) +
          ") holds " + std::to_string(end - begin) +
          " bytes, which is not what its dtype and shape need");
    t.begin = dataStart + begin;
    t.end = dataStart + end;
    auto [it, inserted] = out.emplace(name, std::move(t));
    ranges.push_back({it->second.begin, it->second.end, &it->first});
  }
  // Tensors share no bytes (safetensors requires it): overlapping ranges
  // are a damaged or crafted header.
  std::sort(ranges.begin(), ranges.end(),
            [](const Range &a, const Range &b) { return a.begin < b.begin; });
  const Range *last = nullptr;
  for (const Range &r : ranges) {
    if (r.begin == r.end)
      continue;
    if (last && r.begin < last->end)
      return Status::dataLoss("tensors " + shown(*last->name) + " and " +
                              shown(*r.name) +
                              " overlap in the file (a damaged header)");
    last = &r;
  }
  return Status::ok();
}

Status tgc::rt::resolveWeightFiles(const Bundle &bundle,
                                   const std::vector<std::string> &given,
                                   std::vector<std::string> &paths) {
  const std::vector<std::string> &names = bundle.desc().weightFiles;
  std::string list;
  for (const std::string &name : names)
    list += (list.empty() ? "'" : ", '") + name + "'";
  if (!given.empty()) {
    if (names.empty())
      return Status::invalidArgument(
          bundle.name() +
          ": weights files were given, but the bundle keeps its weights "
          "inside (it was not compiled with --weights=external)");
    if (given.size() != names.size())
      return Status::invalidArgument(
          bundle.name() + ": " + countOf(given.size(), "weights file") +
          " given, but the bundle names " +
          countOf(names.size(), "weights file") + " (" + list +
          "): give one for each, in that order");
    paths = given;
    return Status::ok();
  }
  if (!names.empty() && bundle.directory().empty())
    return Status::failedPrecondition(
        bundle.name() + ": the bundle keeps its weights in " + list +
        " beside it, but it was read from memory: give the weights files "
        "(tgc_module_options_t.weight_files)");
  paths.clear();
  for (const std::string &name : names)
    paths.push_back(bundle.directory() + "/" + name);
  return Status::ok();
}

Status tgc::rt::readExternalConstants(const ModuleDesc &desc,
                                      const std::vector<std::string> &paths,
                                      const std::string &bundleName,
                                      std::vector<uint8_t> &constants) {
  if (paths.size() != desc.weightFiles.size())
    return Status::internal(bundleName + ": weights files were not resolved");
  std::vector<WeightsFile> files(paths.size());
  for (size_t f = 0; f < paths.size(); ++f)
    TGC_RETURN_IF_ERROR(files[f].open(paths[f]).withContext(bundleName));
  // Every tensor is checked before anything is allocated or read.
  std::vector<const SafetensorsTensor *> sources(desc.constants.size());
  for (size_t c = 0; c < desc.constants.size(); ++c) {
    const std::optional<ExternalTensorDesc> &external =
        desc.constants[c].external;
    if (!external)
      continue;
    const WeightsFile &file = files[external->file];
    const TensorType &type = external->type;
    std::string needed = std::string(safetensorsDType(type.dtype)) + " " +
                         shapeString(type.shape);
    auto it = file.tensors.find(external->name);
    if (it == file.tensors.end())
      return Status::invalidArgument(bundleName + ": " + file.where() +
                                     " has no tensor " + shown(external->name) +
                                     " (the bundle needs it, " + needed + ")");
    const SafetensorsTensor &t = it->second;
    if (t.dtype != safetensorsDType(type.dtype) || t.shape != type.shape)
      return Status::invalidArgument(
          bundleName + ": " + file.where() + ": tensor " +
          shown(external->name) + " is " + t.dtype + " " +
          shapeString(t.shape) + " but the bundle needs " + needed +
          " (external weights may change values without a recompile, not "
          "dtypes or shapes)");
    sources[c] = &t;
  }
  try {
    constants.resize(desc.constantsSize);
  } catch (const std::bad_alloc &) {
    return {TGC_STATUS_RESOURCE_EXHAUSTED,
            bundleName + ": the constants need " +
                std::to_string(desc.constantsSize) +
                " bytes, more memory than is available"};
  }
  for (size_t c = 0; c < desc.constants.size(); ++c)
    if (const SafetensorsTensor *t = sources[c])
      TGC_RETURN_IF_ERROR(files[desc.constants[c].external->file]
                              .read(t->begin,
                                    constants.data() + desc.constants[c].offset,
                                    t->end - t->begin)
                              .withContext(bundleName));
  return Status::ok();
}
