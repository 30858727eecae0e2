//===- jit_compile_cache.cpp - what the JIT's compile cache saves ---------===//
//
//   tgc-jit-bench [--examples=DIR] [--device=host] [--runs=N]
//
// For each example model (mlp, softmax, layernorm, attention) prints:
//  - cold: tgc_jit_compile_* with an empty compile cache (parse, compile,
//    store, load);
//  - warm: the same from a populated cache in a new JIT (parse, hash, read
//    and check the entry, load) -- what a second run of an application
//    pays -- and the cold/warm ratio (goal: at least 100x);
//  - memory: compiling it again on the same JIT (the loaded module is
//    reused);
//  - start: a fresh process (this program, spawned) from exec to its first
//    result with a warm cache: JIT creation, compile, one call.
// Medians of --runs runs. Figures only: nothing here asserts on time.
//
// Other modes (used by the above and by test/jit):
//   tgc-jit-bench --compile=MODEL.mlir [--device=D]   compile into the
//       cache ($TGC_CACHE_DIR) and print where the module came from;
//   tgc-jit-bench --first-result=MODEL.mlir [--device=D]   compile, call
//       main on zeros, print the first output element.
//
//===----------------------------------------------------------------------===//

#include "tgc/jit.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

extern char **environ;

namespace {

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

tgc::JitOptions jitOptions(const std::string &device,
                           const std::string &cacheDir) {
  tgc::JitOptions options;
  options.device = device;
  options.cacheDirectory = cacheDir;
  return options;
}

/// Calls `main` with zero inputs and returns the first output element.
double firstResult(const tgc::JitModule &module) {
  std::vector<tgc::Tensor> inputs;
  for (const tgc::TensorType &type : module.inputTypes("main"))
    inputs.emplace_back(type);
  std::vector<tgc::Tensor> outputs = module.call("main", inputs);
  if (outputs.empty() || outputs[0].elementCount() == 0)
    return 0;
  switch (outputs[0].dtype()) {
  case TGC_DTYPE_F32:
    return outputs[0].dataAs<float>()[0];
  case TGC_DTYPE_I32:
    return outputs[0].dataAs<int32_t>()[0];
  default:
    return 0;
  }
}

std::string tempDirectory() {
  std::string pattern = (fs::temp_directory_path() / "tgc-jit-bench-XXXXXX");
  if (!::mkdtemp(pattern.data())) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  return pattern;
}

/// Runs `self --first-result=model` with TGC_CACHE_DIR=cacheDir; returns
/// the wall time from spawn to exit, or a negative value on failure.
double timeFreshProcess(const std::string &self, const std::string &model,
                        const std::string &device,
                        const std::string &cacheDir) {
  std::vector<std::string> args = {self, "--first-result=" + model,
                                   "--device=" + device, "--quiet"};
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = {"TGC_CACHE_DIR=" + cacheDir};
  for (char **e = environ; *e; ++e)
    if (std::strncmp(*e, "TGC_CACHE_DIR=", 14) != 0)
      env.push_back(*e);
  std::vector<char *> envp;
  for (std::string &e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  Clock::time_point start = Clock::now();
  pid_t pid;
  if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(),
                  envp.data()) != 0)
    return -1;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    return -1;
  return msSince(start);
}

int benchmark(const std::string &self, const std::string &examples,
              const std::string &device, int runs) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // rows as they finish
  std::string root = tempDirectory();
  tgc::Jit probe(jitOptions(device, root + "/probe"));
  std::string targets;
  for (const std::string &t : probe.targets())
    targets += (targets.empty() ? "" : ",") + t;
  std::printf("tgc JIT compile cache: device %s (%s), targets %s\n",
              probe.device().id.c_str(), probe.device().name.c_str(),
              targets.c_str());
  std::printf("medians of %d runs; warm = new JIT, populated cache\n\n", runs);
  std::printf("%-10s %10s %10s %8s %11s %11s\n", "example", "cold ms",
              "warm ms", "ratio", "memory ms", "start ms");
  int failures = 0;
  for (const char *name : {"mlp", "softmax", "layernorm", "attention"}) {
    std::string model = examples + "/" + name + ".mlir";
    if (!fs::exists(model)) {
      std::printf("%-10s (no %s)\n", name, model.c_str());
      continue;
    }
    try {
      std::vector<double> cold, warm, memory, start;
      for (int i = 0; i < runs; ++i) {
        std::string dir = root + "/cold-" + name + std::to_string(i);
        tgc::Jit jit(jitOptions(device, dir));
        Clock::time_point t = Clock::now();
        tgc::JitModule module = jit.compileFile(model);
        cold.push_back(msSince(t));
      }
      std::string cache = root + "/cold-" + name + "0";
      for (int i = 0; i < runs; ++i) {
        tgc::Jit jit(jitOptions(device, cache));
        Clock::time_point t = Clock::now();
        tgc::JitModule module = jit.compileFile(model);
        warm.push_back(msSince(t));
        if (module.compileInfo().cache != tgc::CacheResult::DiskHit)
          throw std::runtime_error("expected a disk hit, got " +
                                   module.compileInfo().cacheName());
        t = Clock::now();
        tgc::JitModule again = jit.compileFile(model);
        memory.push_back(msSince(t));
      }
      for (int i = 0; i < runs; ++i)
        start.push_back(timeFreshProcess(self, model, device, cache));
      double ratio = median(cold) / median(warm);
      std::printf("%-10s %10.1f %10.2f %7.0fx %11.3f %11.1f\n", name,
                  median(cold), median(warm), ratio, median(memory),
                  median(start));
      if (*std::min_element(start.begin(), start.end()) < 0) {
        std::printf("  (a fresh process failed)\n");
        ++failures;
      }
    } catch (const std::exception &e) {
      std::printf("%-10s failed: %s\n", name, e.what());
      ++failures;
    }
  }
  fs::remove_all(root);
  return failures ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  std::string examples, device = "auto", compile, first;
  int runs = 5;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *flag) -> const char * {
      size_t n = std::strlen(flag);
      return arg.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char *v = value("--examples="))
      examples = v;
    else if (const char *v = value("--device="))
      device = v;
    else if (const char *v = value("--runs="))
      runs = std::max(1, std::atoi(v));
    else if (const char *v = value("--compile="))
      compile = v;
    else if (const char *v = value("--first-result="))
      first = v;
    else if (arg == "--quiet")
      quiet = true;
    else {
      std::fprintf(stderr,
                   "usage: %s [--examples=DIR] [--device=D] [--runs=N]\n"
                   "       %s --compile=MODEL.mlir [--device=D]\n"
                   "       %s --first-result=MODEL.mlir [--device=D]\n",
                   argv[0], argv[0], argv[0]);
      return 2;
    }
  }
  try {
    if (!compile.empty() || !first.empty()) {
      tgc::Jit jit(jitOptions(device, ""));
      tgc::JitModule module =
          jit.compileFile(compile.empty() ? first : compile);
      if (!compile.empty())
        std::printf("%s: %s\n", compile.c_str(),
                    module.compileInfo().cacheName().c_str());
      if (!first.empty()) {
        double value = firstResult(module);
        if (!quiet)
          std::printf("%g\n", value);
      }
      return 0;
    }
  } catch (const tgc::Error &e) {
    std::fprintf(stderr, "tgc-jit-bench: %s\n", e.what());
    return 1;
  }
  if (examples.empty())
    examples = (fs::path(TGC_SOURCE_DIR) / "examples").string();
  std::string self = fs::canonical("/proc/self/exe").string();
  return benchmark(self, examples, device, runs);
}
