//===- CompileCacheKeyTest.cpp - what the compile cache key depends on ----===//
//
// The key must change with everything that changes the bundle (the model,
// targets, options, tgc and LLVM versions, ptxas) and with nothing else
// (whitespace, comments, SSA names, locations).
//
//===----------------------------------------------------------------------===//

#include "jit/CompileCache.h"
#include "test/unit/jit/JitTestSupport.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Config/llvm-config.h"

#include <set>

using namespace tgc;
using namespace tgc::jit;

namespace {

class CompileCacheKeyTest : public testing::Test {
protected:
  CompileCacheKeyTest() {
    registerCompilerDialects(registry_);
    context_ = std::make_unique<mlir::MLIRContext>(registry_);
  }

  CompileCacheKey key(const std::string &source) {
    return key(source, hostOptions());
  }
  CompileCacheKey key(const std::string &source,
                      const CompileOptions &options) {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(source, context_.get());
    EXPECT_TRUE(module) << source;
    if (!module)
      return {};
    return CompileCacheKey::forModule(*module, options);
  }

  CompileOptions hostOptions() { return options({"host"}); }

  CompileOptions options(const std::vector<std::string> &targets,
                         const std::string &hostCpu = "") {
    CompileOptions options;
    HostCpuOptions host;
    host.cpu = hostCpu;
    auto parsed =
        parseTargets(targets, mlir::UnknownLoc::get(context_.get()), host);
    EXPECT_TRUE(mlir::succeeded(parsed));
    if (mlir::succeeded(parsed))
      options.targets = std::move(*parsed);
    return options;
  }

  mlir::DialectRegistry registry_;
  std::unique_ptr<mlir::MLIRContext> context_;
};

TEST_F(CompileCacheKeyTest, FormattingCommentsAndNamesDoNotMatter) {
  CompileCacheKey a = key(test::kRelu);
  CompileCacheKey b = key(test::kReluReformatted);
  EXPECT_EQ(a.text(), b.text());
  EXPECT_EQ(a.digest(), b.digest());
  // Locations are not part of it either.
  CompileCacheKey located =
      key("func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
          "  %0 = tg.relu %x : tensor<4xf32> loc(\"model.py\":3:1)\n"
          "  return %0 : tensor<4xf32>\n"
          "} loc(\"model.py\":1:1)\n");
  EXPECT_EQ(a.text(), located.text());
}

TEST_F(CompileCacheKeyTest, EveryChangeToTheModelMatters) {
  std::string base = key(test::kRelu).digest();
  std::set<std::string> digests = {base};
  for (const std::string &source : {
           // another op
           std::string(R"(func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.sigmoid %x : tensor<4xf32>
  return %0 : tensor<4xf32>
})"),
           // another shape
           std::string(R"(func.func @main(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = tg.relu %x : tensor<5xf32>
  return %0 : tensor<5xf32>
})"),
           // another entry point name
           std::string(
               R"(func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
})"),
           // constants that differ in one element
           test::scaleModel(2),
           test::scaleModel(3),
       })
    EXPECT_TRUE(digests.insert(key(source).digest()).second) << source;
}

TEST_F(CompileCacheKeyTest, ResourceBlobsAreHashedInFull) {
  // dense_resource data lives outside the op; a printer that dropped or
  // elided it would give every set of weights the same key.
  auto model = [](const char *blob) {
    return std::string(R"(func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %w = tg.constant dense_resource<w> : tensor<2xf32>
  %0 = tg.add %x, %w : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: ")") +
           blob + R"("
    }
  }
#-}
)";
  };
  CompileCacheKey a = key(model("0x040000000000803F00000040"));
  CompileCacheKey b = key(model("0x040000000000803F00004040"));
  EXPECT_NE(a.inputHash, b.inputHash);
}

TEST_F(CompileCacheKeyTest, TargetsOptionsAndVersionsMatter) {
  CompileCacheKey base = key(test::kRelu);
  // What the defaults record.
  EXPECT_EQ(base.producer, producerString());
  EXPECT_EQ(base.optLevel, 2u);
  // One target, or two on x86-64 (AVX-512 code and the baseline).
  ASSERT_FALSE(base.targets.empty());
  for (const std::string &target : base.targets)
    EXPECT_NE(target, "host") << "host must be resolved to a triple";
  EXPECT_EQ(base.tools, "") << "no NVIDIA target, no ptxas in the key";

  std::set<std::string> digests = {base.digest()};
  auto expectNew = [&](CompileCacheKey changed, const char *what) {
    EXPECT_TRUE(digests.insert(changed.digest()).second) << what;
  };
  expectNew(key(test::kRelu, options({"host", "sm_90"})), "targets");
  expectNew(key(test::kRelu, options({"aarch64-linux-gnu"})), "host triple");
  CompileOptions o3 = hostOptions();
  o3.optLevel = 3;
  expectNew(key(test::kRelu, o3), "opt level");
  expectNew(key(test::kRelu, options({"host"}, "znver4")), "host cpu");

  CompileCacheKey version = base;
  version.producer = "tgc 99.0.0 (LLVM " LLVM_VERSION_STRING ")";
  expectNew(version, "tgc version");
  CompileCacheKey llvmVersion = base;
  llvmVersion.producer = "tgc " TGC_VERSION " (LLVM 23.0.0)";
  expectNew(llvmVersion, "LLVM version");
  CompileCacheKey tools = base;
  tools.tools = "ptxas=/opt/cuda/bin/ptxas:123:456.0";
  expectNew(tools, "ptxas");
}

TEST_F(CompileCacheKeyTest, AliasesNameTheTextAndTheSettings) {
  CompileCacheKey base = key(test::kRelu);
  std::string alias = base.aliasText(digestOf(test::kRelu), 42);
  EXPECT_EQ(alias.rfind("tgc compile cache alias v2\n", 0), 0u) << alias;
  EXPECT_NE(alias, base.text());
  // The input is not part of an alias, the source text and settings are.
  CompileCacheKey other = key(test::scaleModel(2));
  EXPECT_EQ(other.aliasText(digestOf(test::kRelu), 42), alias);
  EXPECT_NE(base.aliasText(digestOf(test::kReluReformatted), 42), alias);
  CompileCacheKey newer = base;
  newer.producer = "tgc 99.0.0 (LLVM " LLVM_VERSION_STRING ")";
  EXPECT_NE(newer.aliasText(digestOf(test::kRelu), 42), alias);
}

TEST_F(CompileCacheKeyTest, NvidiaTargetsRecordPtxas) {
  CompileCacheKey k = key(test::kRelu, options({"sm_90"}));
  EXPECT_EQ(k.tools.rfind("ptxas=", 0), 0u) << k.tools;
}

TEST(CompileCacheOptions, Environment) {
  test::TempDir dir;
  auto with =
      [&](std::initializer_list<std::pair<const char *, const char *>> vars) {
        for (const char *name :
             {"TGC_COMPILE_CACHE", "TGC_COMPILE_CACHE_MAX_BYTES",
              "TGC_CACHE_DIR", "XDG_CACHE_HOME"})
          ::unsetenv(name);
        for (const auto &[name, value] : vars)
          ::setenv(name, value, 1);
        return CompileCacheOptions::fromEnvironment();
      };
  std::string savedHome = std::getenv("HOME") ? std::getenv("HOME") : "";
  std::string savedCacheDir =
      std::getenv("TGC_CACHE_DIR") ? std::getenv("TGC_CACHE_DIR") : "";
  ::setenv("HOME", "/home/someone", 1);
  CompileCacheOptions o = with({});
  EXPECT_TRUE(o.enabled);
  EXPECT_EQ(o.directory, "/home/someone/.cache/tgc/bundles");
  EXPECT_EQ(o.maxBytes, CompileCacheOptions::kDefaultMaxBytes);
  o = with({{"XDG_CACHE_HOME", "/xdg"}});
  EXPECT_EQ(o.directory, "/xdg/tgc/bundles");
  o = with({{"TGC_CACHE_DIR", dir.path().c_str()}});
  EXPECT_EQ(o.directory, dir.path() + "/bundles");
  o = with({{"TGC_COMPILE_CACHE", "0"}});
  EXPECT_FALSE(o.enabled);
  o = with({{"TGC_COMPILE_CACHE_MAX_BYTES", "256M"}});
  EXPECT_EQ(o.maxBytes, 256ull << 20);
  EXPECT_EQ(o.maxBytesSource, "TGC_COMPILE_CACHE_MAX_BYTES");

  // A limit stored by `tgc --cache-max-size` applies when the environment
  // sets none.
  std::string error;
  ASSERT_TRUE(writeStoredLimit(dir.path() + "/bundles", 12345, error)) << error;
  o = with({{"TGC_CACHE_DIR", dir.path().c_str()}});
  EXPECT_EQ(o.maxBytes, 12345u);
  o = with({{"TGC_CACHE_DIR", dir.path().c_str()},
            {"TGC_COMPILE_CACHE_MAX_BYTES", "1G"}});
  EXPECT_EQ(o.maxBytes, 1ull << 30);

  for (const char *name :
       {"TGC_COMPILE_CACHE", "TGC_COMPILE_CACHE_MAX_BYTES", "XDG_CACHE_HOME"})
    ::unsetenv(name);
  ::setenv("HOME", savedHome.c_str(), 1);
  if (savedCacheDir.empty())
    ::unsetenv("TGC_CACHE_DIR");
  else
    ::setenv("TGC_CACHE_DIR", savedCacheDir.c_str(), 1);
}

TEST(ByteSizes, ParseAndFormat) {
  uint64_t bytes = 0;
  EXPECT_TRUE(parseByteSize("1048576", bytes));
  EXPECT_EQ(bytes, 1048576u);
  EXPECT_TRUE(parseByteSize("512K", bytes));
  EXPECT_EQ(bytes, 512u << 10);
  EXPECT_TRUE(parseByteSize("256M", bytes));
  EXPECT_EQ(bytes, 256ull << 20);
  EXPECT_TRUE(parseByteSize("2GiB", bytes));
  EXPECT_EQ(bytes, 2ull << 30);
  EXPECT_TRUE(parseByteSize("3g", bytes));
  EXPECT_EQ(bytes, 3ull << 30);
  for (const char *bad : {"", "-1", "12Q", "M", "1.5G", "99999999999999999999"})
    EXPECT_FALSE(parseByteSize(bad, bytes)) << bad;
  EXPECT_EQ(formatByteSize(512), "512 B");
  EXPECT_EQ(formatByteSize(1536), "1.5 KiB");
  EXPECT_EQ(formatByteSize(256ull << 20), "256.0 MiB");
}

} // namespace
