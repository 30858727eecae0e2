//===- JitTestSupport.cpp - shared pieces of the JIT unit tests -----------===//

#include "test/unit/jit/JitTestSupport.h"

#include "tgc/jit.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace tgc::test {

const char *const kRelu =
    R"(func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
)";

const char *const kReluReformatted = R"(
// The same model, written differently.
func.func @main(%input : tensor<4xf32>) -> tensor<4xf32>
{
    %positive = tg.relu %input : tensor<4xf32>   // max(x, 0)
    func.return %positive : tensor<4xf32>
}
)";

std::string scaleModel(int scale) {
  return "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
         "  %s = tg.constant dense<" +
         std::to_string(scale) +
         ".0> : tensor<4xf32>\n"
         "  %one = tg.constant dense<1.0> : tensor<4xf32>\n"
         "  %0 = tg.mul %x, %s : tensor<4xf32>, tensor<4xf32> -> "
         "tensor<4xf32>\n"
         "  %1 = tg.add %0, %one : tensor<4xf32>, tensor<4xf32> -> "
         "tensor<4xf32>\n"
         "  return %1 : tensor<4xf32>\n"
         "}\n";
}

TempDir::TempDir() {
  char pattern[] = "/tmp/tgc-jit-test-XXXXXX";
  if (::mkdtemp(pattern))
    path_ = pattern;
  else
    ADD_FAILURE() << "mkdtemp failed";
}

TempDir::~TempDir() {
  std::error_code ec;
  for (const auto &entry : fs::recursive_directory_iterator(path_, ec))
    if (entry.is_directory(ec))
      fs::permissions(entry.path(), fs::perms::owner_all, ec);
  fs::permissions(path_, fs::perms::owner_all, ec);
  fs::remove_all(path_, ec);
}

static std::vector<fs::path> allEntries(const std::string &cacheRoot) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(cacheRoot + "/bundles", ec))
    if (entry.path().extension() == ".tgck")
      entries.push_back(entry.path());
  return entries;
}

std::vector<fs::path> cacheEntries(const std::string &cacheRoot) {
  // An entry is a 56-byte header (support/DiskCache.cpp) followed by its
  // key text.
  const std::string bundleKey = "tgc compile cache v1\n";
  std::vector<fs::path> bundles;
  for (const fs::path &entry : allEntries(cacheRoot)) {
    std::ifstream in(entry, std::ios::binary);
    std::string head(56 + bundleKey.size(), '\0');
    in.read(head.data(), std::streamsize(head.size()));
    if (head.compare(56, std::string::npos, bundleKey) == 0)
      bundles.push_back(entry);
  }
  return bundles;
}

uint64_t cacheBytes(const std::string &cacheRoot) {
  uint64_t total = 0;
  for (const fs::path &entry : allEntries(cacheRoot))
    total += fs::file_size(entry);
  return total;
}

pid_t spawnCompileChild(const std::string &cacheRoot,
                        const std::string &modelPath) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/proc/self/exe", "jit-tests", "--compile-child", cacheRoot.c_str(),
            modelPath.c_str(), static_cast<char *>(nullptr));
    ::_exit(127);
  }
  return pid;
}

int waitForChild(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

int compileChildMain(const char *cacheRoot, const char *modelPath) {
  tgc_jit_options_t options;
  tgc_jit_options_init(&options);
  options.device = "host";
  options.cache_dir = cacheRoot;
  tgc_jit_t *jit = nullptr;
  tgc_jit_module_t *module = nullptr;
  tgc_status_t status = tgc_jit_create(&options, &jit);
  if (!status)
    status = tgc_jit_compile_file(jit, modelPath, &module);
  // The module must also be right, not only present: relu of a known input.
  float in[4] = {-1, 2, -3, 4}, out[4] = {};
  int64_t shape[1] = {4};
  tgc_tensor_view_t input = {TGC_DTYPE_F32, 1, shape, in};
  tgc_tensor_view_t output = {TGC_DTYPE_F32, 1, shape, out};
  if (!status)
    status = tgc_jit_module_call(module, "main", &input, 1, &output, 1);
  int code = 1;
  if (status) {
    std::fprintf(stderr, "compile child: %s\n", tgc_status_message(status));
    tgc_status_free(status);
  } else if (out[0] == 0 && out[1] == 2 && out[2] == 0 && out[3] == 4) {
    tgc_jit_compile_info_t info;
    tgc_jit_module_compile_info(module, &info);
    code = 10 + int(info.cache);
  } else {
    std::fprintf(stderr, "compile child: wrong result\n");
  }
  tgc_jit_module_destroy(module);
  tgc_jit_destroy(jit);
  return code;
}

} // namespace tgc::test
