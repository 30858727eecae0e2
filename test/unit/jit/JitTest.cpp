//===- JitTest.cpp - the JIT's C and C++ APIs on the host device ----------===//
//
// Compiling, calling, errors with their diagnostic text, and the caches as
// the API shows them: in-memory reuse, disk hits, threads and processes
// racing on one model, corrupt entries, eviction, unusable directories.
//
//===----------------------------------------------------------------------===//

#include "test/unit/jit/JitTestSupport.h"

#include "support/DiskCache.h"
#include "support/Trust.h"
#include "tgc/jit.h"
#include "tgc/jit.hpp"

#include <pthread.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace tgc::test;
namespace trust = tgc::trust;

namespace {

class JitTest : public testing::Test {
protected:
  void SetUp() override { cacheRoot_ = dir_.path() + "/cache"; }
  void TearDown() override {
    for (tgc_jit_module_t *module : modules_)
      tgc_jit_module_destroy(module);
    for (tgc_jit_t *jit : jits_)
      tgc_jit_destroy(jit);
  }

  tgc_jit_options_t options() {
    tgc_jit_options_t o;
    tgc_jit_options_init(&o);
    o.device = "host";
    o.cache_dir = cacheRoot_.c_str();
    o.warning_callback = [](void *user, const char *message) {
      static_cast<JitTest *>(user)->warnings_.push_back(message);
    };
    o.warning_user_data = this;
    return o;
  }

  /// A new JIT (so a fresh in-memory cache), destroyed at the end.
  tgc_jit_t *newJit(const tgc_jit_options_t &o) {
    tgc_jit_t *jit = nullptr;
    tgc_status_t status = tgc_jit_create(&o, &jit);
    EXPECT_EQ(status, nullptr) << tgc_status_message(status);
    tgc_status_free(status);
    jits_.push_back(jit);
    return jit;
  }
  tgc_jit_t *newJit() { return newJit(options()); }

  /// Compiles and expects success; the handle is destroyed at the end.
  tgc_jit_module_t *compile(tgc_jit_t *jit, const std::string &source) {
    tgc_jit_module_t *module = nullptr;
    tgc_status_t status = tgc_jit_compile_source(
        jit, source.data(), source.size(), "model.mlir", &module);
    EXPECT_EQ(status, nullptr) << tgc_status_message(status);
    tgc_status_free(status);
    if (module)
      modules_.push_back(module);
    return module;
  }

  /// Compiles and expects failure; returns the status message.
  std::string compileError(tgc_jit_t *jit, const std::string &source,
                           tgc_status_code_t expected) {
    tgc_jit_module_t *module = nullptr;
    tgc_status_t status = tgc_jit_compile_source(
        jit, source.data(), source.size(), "model.mlir", &module);
    EXPECT_EQ(module, nullptr);
    EXPECT_EQ(tgc_status_code(status), expected) << tgc_status_message(status);
    std::string message = tgc_status_message(status);
    tgc_status_free(status);
    return message;
  }

  static tgc_jit_cache_result_t cacheOf(const tgc_jit_module_t *module) {
    tgc_jit_compile_info_t info;
    tgc_jit_module_compile_info(module, &info);
    return info.cache;
  }

  static std::vector<float> relu(tgc_jit_module_t *module,
                                 std::vector<float> in) {
    std::vector<float> out(4, -99);
    int64_t shape[1] = {4};
    tgc_tensor_view_t input = {TGC_DTYPE_F32, 1, shape, in.data()};
    tgc_tensor_view_t output = {TGC_DTYPE_F32, 1, shape, out.data()};
    tgc_status_t status =
        tgc_jit_module_call(module, "main", &input, 1, &output, 1);
    EXPECT_EQ(status, nullptr) << tgc_status_message(status);
    tgc_status_free(status);
    return out;
  }

  void writeFile(const std::string &path, const std::string &text) {
    std::ofstream(path) << text;
  }

  TempDir dir_;
  std::string cacheRoot_;
  std::vector<std::string> warnings_;
  std::vector<tgc_jit_t *> jits_;
  std::vector<tgc_jit_module_t *> modules_;
};

//===----------------------------------------------------------------------===//
// Compiling and calling
//===----------------------------------------------------------------------===//

TEST_F(JitTest, CompilesAndRunsOnTheHost) {
  tgc_jit_t *jit = newJit();
  EXPECT_STREQ(tgc_jit_targets(jit), "host");
  tgc_device_info_t info;
  tgc_jit_device_info(jit, &info);
  EXPECT_EQ(info.kind, TGC_DEVICE_HOST);
  tgc_jit_module_t *module = compile(jit, kRelu);
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(relu(module, {-1, 2, -3, 4}), (std::vector<float>{0, 2, 0, 4}));
  EXPECT_EQ(cacheOf(module), TGC_JIT_CACHE_MISS);
  EXPECT_EQ(cacheEntries(cacheRoot_).size(), 1u);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(JitTest, FoldsConstants) {
  // Constant folding goes through MLIR's ConstantLike trait checks, which
  // fail (and loop forever) if libtgc_jit.so holds private copies of MLIR's
  // TypeIDs.
  tgc_jit_module_t *module = compile(newJit(), R"(
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = tg.constant dense<1.0> : tensor<4xf32>
  %b = tg.constant dense<-2.0> : tensor<4xf32>
  %c = tg.add %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %0 = tg.mul %x, %c : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = tg.relu %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}
)");
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(relu(module, {-1, 2, -3, 4}), (std::vector<float>{1, 0, 3, 0}));
}

TEST_F(JitTest, SourceNeedNotBeNulTerminated) {
  // Only `size` bytes are the model; what follows must not be read.
  std::string text = std::string(kRelu) + "this is not MLIR";
  tgc_jit_module_t *module = nullptr;
  tgc_status_t status = tgc_jit_compile_source(
      newJit(), text.data(), std::strlen(kRelu), nullptr, &module);
  ASSERT_EQ(status, nullptr) << tgc_status_message(status);
  modules_.push_back(module);
  EXPECT_EQ(relu(module, {-1, 2, -3, 4}), (std::vector<float>{0, 2, 0, 4}));
}

TEST_F(JitTest, CompilesFiles) {
  std::string path = dir_.path() + "/relu.mlir";
  writeFile(path, kRelu);
  tgc_jit_module_t *module = nullptr;
  tgc_status_t status = tgc_jit_compile_file(newJit(), path.c_str(), &module);
  ASSERT_EQ(status, nullptr) << tgc_status_message(status);
  modules_.push_back(module);
  EXPECT_EQ(relu(module, {1, -1, 1, -1}), (std::vector<float>{1, 0, 1, 0}));

  status = tgc_jit_compile_file(
      jits_[0], (dir_.path() + "/missing.mlir").c_str(), &module);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_NOT_FOUND);
  EXPECT_NE(std::string(tgc_status_message(status)).find("missing.mlir"),
            std::string::npos);
  tgc_status_free(status);
}

TEST_F(JitTest, CompilesOnnxModels) {
  // dynamic.onnx: y = relu(x), x of shape [batch, 3].
  std::string path = TGC_ONNX_INPUTS "/dynamic.onnx";
  const char *dims[] = {"batch=2"};
  tgc_jit_onnx_options_t options;
  tgc_jit_onnx_options_init(&options);
  options.dims = dims;
  options.dim_count = 1;
  tgc_jit_module_t *module = nullptr;
  tgc_jit_t *jit = newJit();
  tgc_status_t status =
      tgc_jit_compile_onnx(jit, path.c_str(), &options, &module);
  ASSERT_EQ(status, nullptr) << tgc_status_message(status);
  modules_.push_back(module);
  float in[6] = {-1, 2, -3, 4, -5, 6}, out[6] = {};
  int64_t shape[2] = {2, 3};
  tgc_tensor_view_t input = {TGC_DTYPE_F32, 2, shape, in};
  tgc_tensor_view_t output = {TGC_DTYPE_F32, 2, shape, out};
  status = tgc_jit_module_call(module, "main", &input, 1, &output, 1);
  ASSERT_EQ(status, nullptr) << tgc_status_message(status);
  EXPECT_EQ(std::vector<float>(out, out + 6),
            (std::vector<float>{0, 2, 0, 4, 0, 6}));

  // The same model again is the same loaded module.
  status = tgc_jit_compile_onnx(jit, path.c_str(), &options, &module);
  ASSERT_EQ(status, nullptr) << tgc_status_message(status);
  modules_.push_back(module);
  tgc_jit_compile_info_t info;
  tgc_jit_module_compile_info(module, &info);
  EXPECT_EQ(info.cache, TGC_JIT_CACHE_MEMORY_HIT);

  auto expectError = [&](tgc_status_t status, tgc_status_code_t code,
                         const std::string &text) {
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(tgc_status_code(status), code);
    EXPECT_NE(std::string(tgc_status_message(status)).find(text),
              std::string::npos)
        << tgc_status_message(status);
    tgc_status_free(status);
  };
  // compile_file recognises ONNX; without sizes the dimension is named.
  expectError(tgc_jit_compile_file(jit, path.c_str(), &module),
              TGC_STATUS_INVALID_ARGUMENT, "dynamic dimension 0 'batch'");
  const char *badDims[] = {"batch"};
  options.dims = badDims;
  expectError(tgc_jit_compile_onnx(jit, path.c_str(), &options, &module),
              TGC_STATUS_INVALID_ARGUMENT,
              "dims[0] 'batch': expected NAME=VALUE");
  const char *badShapes[] = {"x=2xq"};
  options.dims = dims;
  options.input_shapes = badShapes;
  options.input_shape_count = 1;
  expectError(tgc_jit_compile_onnx(jit, path.c_str(), &options, &module),
              TGC_STATUS_INVALID_ARGUMENT, "input_shapes[0] 'x=2xq'");
  expectError(tgc_jit_compile_onnx(jit, TGC_ONNX_INPUTS "/domain.onnx", nullptr,
                                   &module),
              TGC_STATUS_INVALID_ARGUMENT,
              "domain.onnx: node 'fused' (FusedGemm): error: ops of domain "
              "'com.microsoft' are not supported");
  expectError(tgc_jit_compile_onnx(jit, TGC_ONNX_INPUTS "/absent.onnx", nullptr,
                                   &module),
              TGC_STATUS_NOT_FOUND, "absent.onnx");
  EXPECT_EQ(module, nullptr);
}

TEST_F(JitTest, CppApi) {
  tgc::JitOptions options;
  options.device = "host";
  options.cacheDirectory = cacheRoot_;
  tgc::Jit jit(options);
  EXPECT_EQ(jit.targets(), std::vector<std::string>{"host"});
  EXPECT_EQ(jit.device().kind, TGC_DEVICE_HOST);
  tgc::JitModule model = jit.compile(kRelu);
  EXPECT_EQ(model.functionNames(), std::vector<std::string>{"main"});
  EXPECT_EQ(model.inputTypes("main")[0].str(), "tensor<4xf32>");
  tgc::Tensor x(TGC_DTYPE_F32, {4});
  float values[4] = {-2, 3, -4, 5};
  std::memcpy(x.data(), values, sizeof(values));
  std::vector<tgc::Tensor> y = model.call("main", {x});
  ASSERT_EQ(y.size(), 1u);
  EXPECT_EQ(y[0].dataAs<float>()[1], 3.0f);
  EXPECT_EQ(y[0].dataAs<float>()[2], 0.0f);
  EXPECT_EQ(model.compileInfo().cache, tgc::CacheResult::Miss);
  EXPECT_EQ(model.compileInfo().key.size(), 32u);

  try {
    jit.compile("func.func @main(", "broken.mlir");
    FAIL() << "expected an error";
  } catch (const tgc::Error &e) {
    EXPECT_EQ(e.code(), TGC_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("broken.mlir:1:"), std::string::npos)
        << e.what();
  }
}

TEST_F(JitTest, DefaultDeviceIsOneTheCompilerCanTarget) {
  tgc_jit_options_t o = options();
  o.device = nullptr; // auto
  tgc_jit_t *jit = newJit(o);
  tgc_device_info_t info;
  tgc_jit_device_info(jit, &info);
  std::string targets = tgc_jit_targets(jit);
  if (info.kind == TGC_DEVICE_HOST)
    EXPECT_EQ(targets, "host");
  else
    EXPECT_EQ(targets, std::string(info.arch).substr(0, targets.size()));
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST_F(JitTest, BadMlirGivesTheLocatedParseError) {
  std::string message = compileError(
      newJit(), R"(func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.relu %x : tensor<4xf32
  return %0 : tensor<4xf32>
}
)",
      TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(message.find("model.mlir:2:"), std::string::npos) << message;
  EXPECT_NE(message.find("error:"), std::string::npos) << message;
  // The full text: the source line and a caret under the problem.
  EXPECT_NE(message.find("%0 = tg.relu %x : tensor<4xf32"), std::string::npos)
      << message;
  EXPECT_NE(message.find("^"), std::string::npos) << message;
  EXPECT_TRUE(cacheEntries(cacheRoot_).empty());
}

TEST_F(JitTest, VerifierErrorsNameBothShapes) {
  std::string message = compileError(
      newJit(),
      R"(func.func @main(%x: tensor<4xf32>, %y: tensor<3xf32>) -> tensor<4xf32> {
  %0 = tg.add %x, %y : tensor<4xf32>, tensor<3xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
)",
      TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(message.find("model.mlir:2:8: error:"), std::string::npos)
      << message;
  EXPECT_NE(message.find("4"), std::string::npos) << message;
}

TEST_F(JitTest, UnsupportedOpIsReportedWithItsLocation) {
  std::string message = compileError(
      newJit(), R"(func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
)",
      TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(message.find("model.mlir:2:8: error: unsupported op 'arith.addf'"),
            std::string::npos)
      << message;
  // A failed compile stores nothing.
  EXPECT_TRUE(cacheEntries(cacheRoot_).empty());
}

TEST_F(JitTest, WrongInputShapeIsAnInvalidArgument) {
  tgc_jit_module_t *module = compile(newJit(), kRelu);
  ASSERT_NE(module, nullptr);
  float in[5] = {}, out[4] = {};
  int64_t wrongShape[1] = {5}, shape[1] = {4};
  tgc_tensor_view_t input = {TGC_DTYPE_F32, 1, wrongShape, in};
  tgc_tensor_view_t output = {TGC_DTYPE_F32, 1, shape, out};
  tgc_status_t status =
      tgc_jit_module_call(module, "main", &input, 1, &output, 1);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  std::string message = tgc_status_message(status);
  tgc_status_free(status);
  EXPECT_NE(message.find("5"), std::string::npos) << message;
  EXPECT_NE(message.find("4"), std::string::npos) << message;

  status = tgc_jit_module_call(module, "forward", &input, 1, &output, 1);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_NOT_FOUND);
  tgc_status_free(status);
}

TEST_F(JitTest, BadOptionsAreRejected) {
  tgc_jit_options_t o = options();
  o.targets = "host,xpu7";
  tgc_jit_t *jit = nullptr;
  tgc_status_t status = tgc_jit_create(&o, &jit);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tgc_status_message(status)).find("xpu7"),
            std::string::npos)
      << tgc_status_message(status);
  tgc_status_free(status);
  o = options();
  o.opt_level = 7;
  status = tgc_jit_create(&o, &jit);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  tgc_status_free(status);
  o = options();
  o.device = "tpu:0";
  status = tgc_jit_create(&o, &jit);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  tgc_status_free(status);
}

//===----------------------------------------------------------------------===//
// Caches
//===----------------------------------------------------------------------===//

TEST_F(JitTest, SameModelGivesTheSameLoadedModule) {
  tgc_jit_t *jit = newJit();
  tgc_jit_module_t *first = compile(jit, kRelu);
  tgc_jit_module_t *again = compile(jit, kRelu);
  tgc_jit_module_t *reformatted = compile(jit, kReluReformatted);
  ASSERT_TRUE(first && again && reformatted);
  EXPECT_EQ(tgc_jit_module_runtime(first), tgc_jit_module_runtime(again));
  EXPECT_EQ(tgc_jit_module_runtime(first), tgc_jit_module_runtime(reformatted));
  EXPECT_EQ(cacheOf(again), TGC_JIT_CACHE_MEMORY_HIT);
  EXPECT_EQ(cacheOf(reformatted), TGC_JIT_CACHE_MEMORY_HIT);
  EXPECT_EQ(cacheEntries(cacheRoot_).size(), 1u);
}

TEST_F(JitTest, ANewJitReadsTheDiskCache) {
  compile(newJit(), kRelu);
  tgc_jit_module_t *warm = compile(newJit(), kReluReformatted);
  ASSERT_NE(warm, nullptr);
  EXPECT_EQ(cacheOf(warm), TGC_JIT_CACHE_DISK_HIT);
  EXPECT_EQ(relu(warm, {-1, 2, -3, 4}), (std::vector<float>{0, 2, 0, 4}));
}

TEST_F(JitTest, ReleasedModulesComeBackFromDisk) {
  tgc_jit_t *jit = newJit();
  tgc_jit_module_t *module = nullptr;
  ASSERT_EQ(
      tgc_jit_compile_source(jit, kRelu, std::strlen(kRelu), nullptr, &module),
      nullptr);
  tgc_jit_module_destroy(module);
  // No handle holds it any more: the JIT does not keep it loaded.
  tgc_jit_module_t *again = compile(jit, kRelu);
  EXPECT_EQ(cacheOf(again), TGC_JIT_CACHE_DISK_HIT);
}

TEST_F(JitTest, DisabledCacheCompilesEveryTimeAndWritesNothing) {
  tgc_jit_options_t o = options();
  o.disable_cache = true;
  tgc_jit_module_t *a = compile(newJit(o), kRelu);
  tgc_jit_module_t *b = compile(newJit(o), kRelu);
  EXPECT_EQ(cacheOf(a), TGC_JIT_CACHE_DISABLED);
  EXPECT_EQ(cacheOf(b), TGC_JIT_CACHE_DISABLED);
  EXPECT_FALSE(fs::exists(cacheRoot_ + "/bundles"));

  ::setenv("TGC_COMPILE_CACHE", "0", 1);
  tgc_jit_module_t *c = compile(newJit(), kRelu);
  ::unsetenv("TGC_COMPILE_CACHE");
  EXPECT_EQ(cacheOf(c), TGC_JIT_CACHE_DISABLED);
  EXPECT_FALSE(fs::exists(cacheRoot_ + "/bundles"));
}

TEST_F(JitTest, ThreadsShareOneCompile) {
  tgc_jit_t *jit = newJit();
  constexpr int kThreads = 8;
  std::vector<tgc_jit_module_t *> results(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      tgc_status_t status = tgc_jit_compile_source(
          jit, kRelu, std::strlen(kRelu), nullptr, &results[i]);
      tgc_status_free(status);
    });
  for (std::thread &t : threads)
    t.join();
  int compiled = 0;
  for (tgc_jit_module_t *module : results) {
    ASSERT_NE(module, nullptr);
    modules_.push_back(module);
    compiled += cacheOf(module) == TGC_JIT_CACHE_MISS;
    EXPECT_EQ(tgc_jit_module_runtime(module),
              tgc_jit_module_runtime(results[0]));
  }
  EXPECT_EQ(compiled, 1);
  EXPECT_EQ(relu(results[kThreads - 1], {-1, 2, -3, 4}),
            (std::vector<float>{0, 2, 0, 4}));
}

TEST_F(JitTest, ThreadsCompileDifferentModelsAtOnce) {
  tgc_jit_t *jit = newJit();
  constexpr int kThreads = 4;
  std::vector<tgc_jit_module_t *> results(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      std::string model = scaleModel(i + 2);
      tgc_status_free(tgc_jit_compile_source(jit, model.data(), model.size(),
                                             nullptr, &results[i]));
    });
  for (std::thread &t : threads)
    t.join();
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_NE(results[i], nullptr) << i;
    modules_.push_back(results[i]);
    float in[4] = {1, 2, 3, 4}, out[4] = {};
    int64_t shape[1] = {4};
    tgc_tensor_view_t input = {TGC_DTYPE_F32, 1, shape, in};
    tgc_tensor_view_t output = {TGC_DTYPE_F32, 1, shape, out};
    ASSERT_EQ(tgc_jit_module_call(results[i], "main", &input, 1, &output, 1),
              nullptr);
    EXPECT_EQ(out[3], 4.0f * float(i + 2) + 1) << i;
  }
  EXPECT_EQ(cacheEntries(cacheRoot_).size(), size_t(kThreads));
}

TEST_F(JitTest, ThreadsWithSeparateJitsCompileOnceThroughTheFileLock) {
  constexpr int kThreads = 4;
  std::vector<tgc_jit_t *> jits;
  for (int i = 0; i < kThreads; ++i)
    jits.push_back(newJit());
  std::vector<tgc_jit_module_t *> results(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      tgc_status_free(tgc_jit_compile_source(jits[i], kRelu, std::strlen(kRelu),
                                             nullptr, &results[i]));
    });
  for (std::thread &t : threads)
    t.join();
  int compiled = 0, hits = 0;
  for (tgc_jit_module_t *module : results) {
    ASSERT_NE(module, nullptr);
    modules_.push_back(module);
    compiled += cacheOf(module) == TGC_JIT_CACHE_MISS;
    hits += cacheOf(module) == TGC_JIT_CACHE_DISK_HIT;
  }
  EXPECT_EQ(compiled, 1);
  EXPECT_EQ(hits, kThreads - 1);
}

TEST_F(JitTest, ProcessesRacingOnOneModelCompileItOnce) {
  std::string model = dir_.path() + "/relu.mlir";
  writeFile(model, kRelu);
  constexpr int kProcesses = 6;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = spawnCompileChild(cacheRoot_, model);
    ASSERT_GT(pid, 0);
    children.push_back(pid);
  }
  int compiled = 0, hits = 0;
  for (pid_t pid : children) {
    int code = waitForChild(pid);
    compiled += code == 10 + TGC_JIT_CACHE_MISS;
    hits += code == 10 + TGC_JIT_CACHE_DISK_HIT;
  }
  EXPECT_EQ(compiled, 1);
  EXPECT_EQ(hits, kProcesses - 1);
  EXPECT_EQ(cacheEntries(cacheRoot_).size(), 1u);
}

TEST_F(JitTest, CorruptEntriesAreRebuilt) {
  compile(newJit(), kRelu);
  std::vector<fs::path> entries = cacheEntries(cacheRoot_);
  ASSERT_EQ(entries.size(), 1u);
  fs::path entry = entries[0];
  auto corruptThenExpectRebuild = [&](auto corrupt, const char *what) {
    corrupt();
    tgc_jit_module_t *rebuilt = compile(newJit(), kRelu);
    ASSERT_NE(rebuilt, nullptr) << what;
    EXPECT_EQ(cacheOf(rebuilt), TGC_JIT_CACHE_MISS) << what;
    EXPECT_EQ(relu(rebuilt, {-1, 2, -3, 4}), (std::vector<float>{0, 2, 0, 4}))
        << what;
    EXPECT_EQ(cacheOf(compile(newJit(), kRelu)), TGC_JIT_CACHE_DISK_HIT)
        << what;
  };
  corruptThenExpectRebuild(
      [&] {
        std::fstream f(entry, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-100, std::ios::end);
        f.put('\x5a');
      },
      "a flipped byte");
  corruptThenExpectRebuild(
      [&] { fs::resize_file(entry, fs::file_size(entry) / 2); }, "truncated");
  corruptThenExpectRebuild([&] { std::ofstream(entry) << "garbage"; },
                           "garbage");
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(JitTest, AnAliasWhoseBundleIsGoneFallsBackToCompiling) {
  compile(newJit(), kRelu);
  std::vector<fs::path> bundles = cacheEntries(cacheRoot_);
  ASSERT_EQ(bundles.size(), 1u);
  // The alias of kRelu's text still names the key; its bundle was evicted.
  fs::remove(bundles[0]);
  tgc_jit_module_t *rebuilt = compile(newJit(), kRelu);
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_EQ(cacheOf(rebuilt), TGC_JIT_CACHE_MISS);
  EXPECT_EQ(relu(rebuilt, {-1, 2, -3, 4}), (std::vector<float>{0, 2, 0, 4}));
  EXPECT_EQ(cacheOf(compile(newJit(), kRelu)), TGC_JIT_CACHE_DISK_HIT);
}

TEST_F(JitTest, EvictionKeepsTheCacheUnderItsLimit) {
  compile(newJit(), scaleModel(1));
  // A bundle entry and the alias entry of its source text.
  uint64_t entrySize = cacheBytes(cacheRoot_);
  ASSERT_GT(entrySize, 0u);
  tgc_jit_options_t o = options();
  // Room for two entries of this size, not three.
  o.cache_max_bytes = entrySize * 5 / 2;
  for (int scale = 2; scale <= 6; ++scale) {
    compile(newJit(o), scaleModel(scale));
    EXPECT_LE(cacheBytes(cacheRoot_), o.cache_max_bytes) << scale;
  }
  EXPECT_EQ(cacheEntries(cacheRoot_).size(), 2u);
  // The newest stays; the oldest went.
  EXPECT_EQ(cacheOf(compile(newJit(o), scaleModel(6))), TGC_JIT_CACHE_DISK_HIT);
  EXPECT_EQ(cacheOf(compile(newJit(o), scaleModel(1))), TGC_JIT_CACHE_MISS);
}

TEST_F(JitTest, UnusableDirectoryDegradesWithOneWarning) {
  // A cache below a regular file cannot be created, even by root.
  writeFile(dir_.path() + "/file", "x");
  std::string blocked = dir_.path() + "/file/cache";
  tgc_jit_options_t o = options();
  o.cache_dir = blocked.c_str();
  tgc_jit_t *jit = newJit(o);
  tgc_jit_module_t *a = compile(jit, kRelu);
  tgc_jit_module_t *b = compile(jit, scaleModel(2));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(cacheOf(a), TGC_JIT_CACHE_UNAVAILABLE);
  EXPECT_EQ(cacheOf(b), TGC_JIT_CACHE_UNAVAILABLE);
  EXPECT_EQ(relu(a, {-1, 2, -3, 4}), (std::vector<float>{0, 2, 0, 4}));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("compile cache"), std::string::npos)
      << warnings_[0];
}

TEST_F(JitTest, ReadOnlyDirectoryDegradesWithOneWarning) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "root ignores directory permissions";
  fs::create_directories(cacheRoot_ + "/bundles");
  ::chmod((cacheRoot_ + "/bundles").c_str(), 0500);
  tgc_jit_t *jit = newJit();
  EXPECT_EQ(cacheOf(compile(jit, kRelu)), TGC_JIT_CACHE_UNAVAILABLE);
  EXPECT_EQ(cacheOf(compile(jit, scaleModel(2))), TGC_JIT_CACHE_UNAVAILABLE);
  EXPECT_EQ(warnings_.size(), 1u);
}

//===----------------------------------------------------------------------===//
// Hostile models (issue 14, F1, F2): errors, never a crash of the host
//===----------------------------------------------------------------------===//

// F1: 10000 levels of nesting overflowed the stack of the application's
// thread. Here the JIT is called from a thread with a 256 KiB stack, as an
// application might; it parses on a stack of its own.
TEST_F(JitTest, DeepNestingIsAnErrorOnASmallStack) {
  std::string deep =
      "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> attributes {a = " +
      std::string(10000, '[') + std::string(10000, ']') +
      "} {\n  return %x : tensor<4xf32>\n}\n";
  std::string nearLimit =
      "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> attributes {a = " +
      std::string(250, '[') + std::string(250, ']') +
      "} {\n  %0 = tg.relu %x : tensor<4xf32>\n  return %0 : "
      "tensor<4xf32>\n}\n";
  tgc_jit_t *jit = newJit();
  std::string message;
  std::vector<float> result;
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
  using Self = std::remove_pointer_t<decltype(this)>;
  struct Work {
    Self *test;
    tgc_jit_t *jit;
    const std::string *deep, *nearLimit;
    std::string *message;
    std::vector<float> *result;
  } work{this, jit, &deep, &nearLimit, &message, &result};
  pthread_t thread;
  ASSERT_EQ(
      pthread_create(
          &thread, &attr,
          [](void *arg) -> void * {
            auto *w = static_cast<Work *>(arg);
            *w->message = w->test->compileError(w->jit, *w->deep,
                                                TGC_STATUS_INVALID_ARGUMENT);
            if (tgc_jit_module_t *m = w->test->compile(w->jit, *w->nearLimit))
              *w->result = relu(m, {-1, 2, -3, 4});
            return nullptr;
          },
          &work),
      0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_NE(message.find("model.mlir:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("error: the model nests deeper than 256 levels"),
            std::string::npos)
      << message;
  EXPECT_EQ(result, (std::vector<float>{0, 2, 0, 4}));
}

// F2: function names that are no valid symbol aborted the process (LLVM
// ERROR) for GPU targets; they are mangled for every target.
TEST_F(JitTest, AnyFunctionNameCompiles) {
  tgc_jit_options_t o = options();
  o.targets = "host,sm_90,gfx1100"; // the device runs the host code
  tgc_jit_t *jit = newJit(o);
  for (const char *name : {"my-model", "a b", "a.b", "ünï"}) {
    std::string source = kRelu;
    source.replace(source.find("@main"), 5, std::string("@\"") + name + "\"");
    tgc_jit_module_t *module = compile(jit, source);
    ASSERT_NE(module, nullptr) << name;
    std::vector<float> out(4, -99), in = {-1, 2, -3, 4};
    int64_t shape[1] = {4};
    tgc_tensor_view_t input = {TGC_DTYPE_F32, 1, shape, in.data()};
    tgc_tensor_view_t output = {TGC_DTYPE_F32, 1, shape, out.data()};
    tgc_status_t status =
        tgc_jit_module_call(module, name, &input, 1, &output, 1);
    EXPECT_EQ(status, nullptr) << tgc_status_message(status);
    tgc_status_free(status);
    EXPECT_EQ(out, (std::vector<float>{0, 2, 0, 4})) << name;
  }
}

//===----------------------------------------------------------------------===//
// Trust: signed bundles, authenticated entries (issue 14, F10, F11)
//===----------------------------------------------------------------------===//

namespace {
/// An entry file's key text and payload (support/DiskCache.cpp: a 56-byte
/// header with the key size at byte 12).
std::pair<std::string, std::vector<uint8_t>> readEntry(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  if (bytes.size() < 56)
    return {};
  uint32_t keySize = uint32_t(bytes[12]) | uint32_t(bytes[13]) << 8 |
                     uint32_t(bytes[14]) << 16 | uint32_t(bytes[15]) << 24;
  std::string key(bytes.begin() + 56, bytes.begin() + 56 + keySize);
  return {key, std::vector<uint8_t>(bytes.begin() + 56 + keySize, bytes.end())};
}

std::vector<fs::path> aliasEntries(const std::string &cacheRoot) {
  std::vector<fs::path> aliases;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(cacheRoot + "/bundles", ec))
    if (entry.path().extension() == ".tgck" &&
        readEntry(entry.path()).first.rfind("tgc compile cache alias", 0) == 0)
      aliases.push_back(entry.path());
  return aliases;
}

/// A cache on the same directory that authenticates with another secret:
/// what another user (or an attacker) could write there.
tgc::DiskCache foreignWriter(const std::string &cacheRoot) {
  tgc::DiskCacheOptions o;
  o.directory = cacheRoot + "/bundles";
  trust::MacKey key;
  key.fill(0x42);
  o.macKey = key;
  o.warn = [](const std::string &) {};
  return tgc::DiskCache(o);
}
} // namespace

TEST_F(JitTest, CompiledBundlesAreSignedWithTheUsersKey) {
  compile(newJit(), kRelu);
  std::vector<fs::path> bundles = cacheEntries(cacheRoot_);
  ASSERT_EQ(bundles.size(), 1u);
  std::vector<uint8_t> bundle = readEntry(bundles[0]).second;
  tgc_bundle_t *opened = nullptr;
  tgc_status_t status = tgc_bundle_open_memory(bundle.data(), bundle.size(),
                                               "cached.bin", &opened);
  ASSERT_EQ(status, nullptr) << tgc_status_message(status);
  trust::KeyPair key;
  ASSERT_TRUE(trust::loadSigningKey("", key).isOk());
  EXPECT_EQ(tgc_bundle_signer(opened), trust::fingerprint(key.publicKey));
  tgc_bundle_destroy(opened);
}

TEST_F(JitTest, SignsWithTheKeyOfTGC_SIGN_KEY) {
  trust::KeyPair release;
  ASSERT_TRUE(
      trust::createKeyPair(dir_.path() + "/release-key", release).isOk());
  ::setenv("TGC_SIGN_KEY", (dir_.path() + "/release-key").c_str(), 1);
  tgc_jit_module_t *module = compile(newJit(), kRelu);
  ::unsetenv("TGC_SIGN_KEY");
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(relu(module, {-1, 2, -3, 4}), (std::vector<float>{0, 2, 0, 4}));
  std::vector<uint8_t> bundle = readEntry(cacheEntries(cacheRoot_)[0]).second;
  tgc_bundle_options_t options;
  tgc_bundle_options_init(&options);
  std::string pub = trust::publicKeyText(release.publicKey);
  const char *keys[] = {pub.c_str()};
  options.trusted_keys = keys;
  options.trusted_key_count = 1;
  tgc_bundle_t *opened = nullptr;
  tgc_status_t status = tgc_bundle_open_memory_with_options(
      bundle.data(), bundle.size(), "cached.bin", &options, &opened);
  ASSERT_EQ(status, nullptr) << tgc_status_message(status);
  EXPECT_EQ(tgc_bundle_signer(opened), trust::fingerprint(release.publicKey));
  tgc_bundle_destroy(opened);
}

// F10: an entry replaced with foreign code (a valid bundle of another model,
// with every checksum right) is a miss: it was not written with the user's
// secret.
TEST_F(JitTest, ForeignCacheEntriesAreMisses) {
  compile(newJit(), kRelu);
  compile(newJit(), scaleModel(2));
  std::vector<fs::path> bundles = cacheEntries(cacheRoot_);
  ASSERT_EQ(bundles.size(), 2u);
  auto [reluKey, reluBundle] = readEntry(bundles[0]);
  auto [otherKey, otherBundle] = readEntry(bundles[1]);
  if (reluKey.empty() || otherKey.empty())
    FAIL() << "unreadable entries";
  // Put the other model's bundle under relu's key, "from another user".
  tgc::DiskCache attacker = foreignWriter(cacheRoot_);
  ASSERT_TRUE(attacker.store(reluKey, otherBundle));
  ASSERT_TRUE(attacker.store(otherKey, reluBundle));
  for (const char *what : {"relu", "scale"}) {
    bool isRelu = std::string(what) == "relu";
    tgc_jit_module_t *module =
        compile(newJit(), isRelu ? std::string(kRelu) : scaleModel(2));
    ASSERT_NE(module, nullptr) << what;
    EXPECT_EQ(cacheOf(module), TGC_JIT_CACHE_MISS) << what;
    EXPECT_EQ(relu(module, {-1, 2, -3, 4}),
              isRelu ? (std::vector<float>{0, 2, 0, 4})
                     : (std::vector<float>{-1, 5, -5, 9}))
        << what;
  }
}

// F10: model A's alias entry (source text -> key) pointed at model B's key
// by someone else: ignored, A runs A.
TEST_F(JitTest, AnAliasCannotBeRedirected) {
  compile(newJit(), kRelu);
  std::vector<fs::path> aliases = aliasEntries(cacheRoot_);
  ASSERT_EQ(aliases.size(), 1u);
  auto [reluAlias, reluPayload] = readEntry(aliases[0]);
  std::string reluInput(reluPayload.begin(), reluPayload.end());
  compile(newJit(), scaleModel(2));
  std::string scaleInput;
  for (const fs::path &bundle : cacheEntries(cacheRoot_)) {
    std::string key = readEntry(bundle).first;
    size_t at = key.find("input=") + 6;
    std::string input = key.substr(at, key.find('\n', at) - at);
    if (input != reluInput)
      scaleInput = input;
  }
  ASSERT_FALSE(scaleInput.empty());
  tgc::DiskCache attacker = foreignWriter(cacheRoot_);
  ASSERT_TRUE(attacker.store(
      reluAlias, std::vector<uint8_t>(scaleInput.begin(), scaleInput.end())));
  tgc_jit_module_t *module = compile(newJit(), kRelu);
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(relu(module, {-1, 2, -3, 4}), (std::vector<float>{0, 2, 0, 4}));
}

// F11: a FIFO named like the entry made the JIT block in open() forever.
TEST_F(JitTest, AFifoNamedLikeAnEntryDoesNotBlock) {
  compile(newJit(), kRelu);
  std::vector<fs::path> bundles = cacheEntries(cacheRoot_);
  ASSERT_EQ(bundles.size(), 1u);
  fs::path entry = bundles[0];
  for (const fs::path &alias : aliasEntries(cacheRoot_))
    fs::remove(alias);
  fs::remove(entry);
  ASSERT_EQ(::mkfifo(entry.c_str(), 0600), 0);
  std::string model = dir_.path() + "/relu.mlir";
  writeFile(model, kRelu);
  pid_t child = spawnCompileChild(cacheRoot_, model);
  ASSERT_GT(child, 0);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 600 && !exited; ++i) {
    exited = ::waitpid(child, &status, WNOHANG) == child;
    if (!exited)
      ::usleep(100 * 1000);
  }
  if (!exited) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  ASSERT_TRUE(exited) << "the JIT blocked on a FIFO";
  EXPECT_TRUE(WIFEXITED(status) &&
              WEXITSTATUS(status) == 10 + TGC_JIT_CACHE_MISS);
}

TEST_F(JitTest, DefaultWarningIsPrintedOncePerProcess) {
  writeFile(dir_.path() + "/file", "x");
  std::string blocked = dir_.path() + "/file/cache";
  tgc_jit_options_t o = options();
  o.cache_dir = blocked.c_str();
  o.warning_callback = nullptr;
  testing::internal::CaptureStderr();
  compile(newJit(o), kRelu);
  compile(newJit(o), scaleModel(3));
  std::string err = testing::internal::GetCapturedStderr();
  // An earlier test of this process may have printed it already; never
  // twice.
  size_t first = err.find("compile cache");
  if (first != std::string::npos)
    EXPECT_EQ(err.find("compile cache", first + 1), std::string::npos) << err;
}

} // namespace
