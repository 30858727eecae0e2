//===- tg-run.cpp - run a function of a tgc bundle ------------------------===//
//
// Loads model.bin on a device, calls one function with inputs from .npy
// files or the command line, prints (and optionally saves and checks) the
// results, and benchmarks calls. The output format is stable and documented
// in docs/runtime.md so lit tests can check it. Every failure is one line on
// stderr and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "format/BundleContainer.h"
#include "tools/common/TensorIO.h"

#include "hal/codeobject/CodeObject.h"

#include "tgc/runtime.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

using namespace tgc;

namespace {

struct Options {
  std::string bundle;
  std::string function;
  std::string device = "auto";
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<std::string> expectedOutputs;
  double atol = 1e-5;
  double rtol = 1e-5;
  int benchmark = 0;
  size_t printMaxElements = 1024;
  bool listDevices = false;
  std::string describeCodeObject;
  bool verbose = false;
  std::vector<std::string> trustKeys;
  std::vector<std::string> weights;
  bool allowUnsigned = false;
};

/// Any failure that ends the run; printed as "tg-run: error: <message>".
struct Failure {
  std::string message;
};

void verbose(const Options &options, const std::string &line) {
  if (options.verbose)
    std::fprintf(stderr, "tg-run: %s\n", line.c_str());
}

std::string formatGiB(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f GiB", double(bytes) / (1ull << 30));
  return buf;
}

std::string formatMs(double ms) {
  if (ms < 0)
    return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f ms", ms);
  return buf;
}

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void listDevices() {
  DeviceInventory inventory = tgc::listDevices();
  for (const DeviceInfo &d : inventory.devices) {
    if (d.kind == TGC_DEVICE_TINYGPU) {
      // Nothing but config space is known: no memory size or unit count.
      std::printf("%s: %s, arch %s, %s\n", d.id.c_str(), d.name.c_str(),
                  d.arch.c_str(), d.details.c_str());
      continue;
    }
    std::printf("%s: %s, arch %s, %s, %d compute units", d.id.c_str(),
                d.name.c_str(), d.arch.c_str(),
                formatGiB(d.memoryBytes).c_str(), d.computeUnits);
    if (!d.driverVersion.empty())
      std::printf(", driver %s", d.driverVersion.c_str());
    std::printf("\n");
  }
  for (const std::string &note : inventory.notes)
    std::printf("note: %s\n", note.c_str());
}

/// "@file.npy" or "2x3xf32=1 2 3 4 5 6".
Tensor parseTensorArgument(const std::string &text, const std::string &what) {
  Tensor tensor;
  std::string error;
  bool ok = !text.empty() && text[0] == '@'
                ? io::readNpyFile(text.substr(1), tensor, error)
                : io::parseTensorText(text, tensor, error);
  if (!ok)
    throw Failure{what + ": " + error};
  return tensor;
}

size_t pickFunction(const Module &module, const Options &options) {
  if (!options.function.empty())
    return module.findFunction(options.function);
  size_t count = module.functionCount();
  for (size_t f = 0; f < count; ++f)
    if (module.functionName(f) == "main")
      return f;
  if (count == 1)
    return 0;
  std::string names;
  for (size_t f = 0; f < count; ++f)
    names += (f ? ", '" : "'") + module.functionName(f) + "'";
  throw Failure{count == 0 ? "the bundle has no functions"
                           : "the bundle has no 'main' function; pick one of " +
                                 names + " with --function"};
}

/// Compares results with --expected-output; true if all match.
bool checkExpected(const std::vector<Tensor> &results, const Options &options) {
  bool allMatch = true;
  for (size_t i = 0; i < options.expectedOutputs.size(); ++i) {
    std::string what = "result[" + std::to_string(i) + "]";
    Tensor expected = parseTensorArgument(
        options.expectedOutputs[i], "--expected-output " + std::to_string(i));
    const Tensor &actual = results[i];
    if (expected.type() != actual.type())
      throw Failure{what + " is " + actual.type().str() +
                    " but the expected output is " + expected.type().str()};
    io::Comparison c =
        io::compare(actual, expected, options.atol, options.rtol);
    if (c.mismatches == 0) {
      std::printf("%s: matches the expected output (max error %s)\n",
                  what.c_str(),
                  io::formatNumber(c.maxError, TGC_DTYPE_F32).c_str());
      continue;
    }
    allMatch = false;
    std::fprintf(
        stderr,
        "tg-run: error: %s: %zu of %zu elements differ from the expected "
        "output; max error %s at index %s: got %s, expected %s (atol %g, "
        "rtol %g)\n",
        what.c_str(), c.mismatches, actual.elementCount(),
        io::formatNumber(c.maxError, TGC_DTYPE_F32).c_str(),
        io::formatIndex(actual.shape(), c.maxIndex).c_str(),
        io::formatNumber(c.actual, actual.dtype()).c_str(),
        io::formatNumber(c.expected, actual.dtype()).c_str(), options.atol,
        options.rtol);
  }
  return allMatch;
}

/// "64 MiB", "512 KiB", "100 bytes".
std::string formatBytes(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
    std::snprintf(buf, sizeof(buf), "%llu MiB",
                  (unsigned long long)(bytes >> 20));
  else if (bytes >= 1024 && bytes % 1024 == 0)
    std::snprintf(buf, sizeof(buf), "%llu KiB",
                  (unsigned long long)(bytes >> 10));
  else
    std::snprintf(buf, sizeof(buf), "%llu bytes", (unsigned long long)bytes);
  return buf;
}

/// "24.1 GB/s" (decimal, as link speeds are quoted).
std::string formatRate(double bytesPerSecond) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3g GB/s", bytesPerSecond / 1e9);
  return buf;
}

/// One direction of a call's transfers against the link's measured peak:
/// "48 bytes, median 0.0076 ms per call, 0.00632 GB/s (0.026% of the
/// link's 24.1 GB/s)".
std::string formatTransfer(uint64_t bytes, double ms, double peak) {
  std::string text =
      std::to_string(bytes) + " bytes, median " + formatMs(ms) + " per call";
  // Below 0.1 us the timer's resolution would make up the rate.
  if (bytes == 0 || !(ms >= 1e-4))
    return text;
  double rate = double(bytes) / (ms / 1e3);
  text += ", " + formatRate(rate);
  if (peak > 0) {
    // Above the peak happens on the host, where a small copy stays in the
    // caches and the peak is measured on copies far larger than them.
    char buf[96];
    if (rate > peak)
      std::snprintf(buf, sizeof(buf), " (above the measured %s)",
                    formatRate(peak).c_str());
    else
      std::snprintf(buf, sizeof(buf), " (%.2g%% of the measured %s)",
                    100 * rate / peak, formatRate(peak).c_str());
    text += buf;
  }
  return text;
}

void runBenchmark(Session &session, Device &deviceHandle, size_t function,
                  const std::vector<Tensor> &inputs,
                  std::vector<Tensor> &outputs, const Options &options,
                  const std::string &functionName, const DeviceInfo &device) {
  int n = options.benchmark;
  std::printf("benchmark: function '%s' on %s (%s), %d calls after 1 warm-up\n",
              functionName.c_str(), device.id.c_str(), device.arch.c_str(), n);
  std::vector<double> latencies;
  for (int i = 0; i < n; ++i) {
    auto start = std::chrono::steady_clock::now();
    session.callInto(function, inputs, outputs);
    auto end = std::chrono::steady_clock::now();
    latencies.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::printf(
      "latency: min %s, median %s\n",
      formatMs(*std::min_element(latencies.begin(), latencies.end())).c_str(),
      formatMs(median(latencies)).c_str());

  // Events cost a little per call, so transfers and kernels are timed in
  // separate calls that the latency above does not include.
  constexpr int kMaxProfiledCalls = 20;
  int profiled = std::min(n, kMaxProfiledCalls);
  session.setProfiling(true);
  std::vector<double> h2d, d2h;
  std::vector<std::vector<double>> kernels;
  CallProfile profile;
  for (int i = 0; i < profiled; ++i) {
    session.callInto(function, inputs, outputs);
    profile = session.lastProfile();
    h2d.push_back(profile.hostToDeviceMs);
    d2h.push_back(profile.deviceToHostMs);
    kernels.resize(profile.dispatches.size());
    for (size_t k = 0; k < profile.dispatches.size(); ++k)
      kernels[k].push_back(profile.dispatches[k].ms);
  }
  session.setProfiling(false);

  // The link's peak, measured once per device (cached): with it an eGPU
  // user sees whether a call's copies are already at what the link can do.
  tgc_link_bandwidth_t link = {};
  try {
    link = deviceHandle.linkBandwidth();
    std::printf("link: %s: host->device %s, device->host %s (peak of %s "
                "copies, %s)\n",
                link.host_memory ? "none, host memory copy" : device.id.c_str(),
                formatRate(link.host_to_device_bytes_per_second).c_str(),
                formatRate(link.device_to_host_bytes_per_second).c_str(),
                formatBytes(link.transfer_bytes).c_str(),
                link.from_cache ? "cached" : "measured now");
  } catch (const tgc::Error &e) {
    std::printf("link: not measured: %s\n", e.what());
  }
  double h2dMs = median(h2d), d2hMs = median(d2h);
  std::printf("host->device: %s\n",
              formatTransfer(profile.hostToDeviceBytes, h2dMs,
                             link.host_to_device_bytes_per_second)
                  .c_str());
  std::printf("device->host: %s\n",
              formatTransfer(profile.deviceToHostBytes, d2hMs,
                             link.device_to_host_bytes_per_second)
                  .c_str());
  double latency = median(latencies);
  if (h2dMs >= 0 && d2hMs >= 0 && latency > 0)
    std::printf("transfers: %s of the %s median call (%.0f%%)\n",
                formatMs(h2dMs + d2hMs).c_str(), formatMs(latency).c_str(),
                100 * (h2dMs + d2hMs) / latency);
  for (size_t k = 0; k < profile.dispatches.size(); ++k) {
    const DispatchProfile &d = profile.dispatches[k];
    std::printf(
        "kernel: step %zu '%s': min %s, median %s (%d calls)\n", d.step,
        d.kernelName.c_str(),
        formatMs(*std::min_element(kernels[k].begin(), kernels[k].end()))
            .c_str(),
        formatMs(median(kernels[k])).c_str(), profiled);
  }
}

/// Prints what a vendor-driver-free loader reads from a cubin or HSACO
/// (docs/egpu.md): the TinyGPU bring-up builds QMDs and PM4 dispatches
/// from this, and a tester can compare it with cuobjdump or llvm-readelf.
void describeCodeObject(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw Failure{"cannot open '" + path + "': " + std::strerror(errno)};
  // Code objects are megabytes; the limit keeps /dev/zero from filling
  // memory.
  constexpr std::streamoff kMaxBytes = std::streamoff(1) << 30;
  file.seekg(0, std::ios::end);
  std::streamoff size = file.tellg();
  if (size < 0 || size > kMaxBytes)
    throw Failure{"'" + path + "' is not a regular file of at most 1 GiB"};
  std::vector<char> bytes(static_cast<size_t>(size));
  file.seekg(0);
  if (!file.read(bytes.data(), size))
    throw Failure{"cannot read '" + path + "': " + std::strerror(errno)};
  hal::CodeObjectDescription description;
  if (hal::Status s =
          hal::describeCodeObject(bytes.data(), bytes.size(), description);
      !s)
    throw Failure{path + ": " + s.message()};
  std::fputs(hal::formatCodeObjectDescription(description).c_str(), stdout);
}

int run(const Options &options) {
  if (!options.describeCodeObject.empty()) {
    describeCodeObject(options.describeCodeObject);
    return 0;
  }
  if (options.listDevices) {
    listDevices();
    return 0;
  }
  if (options.bundle.empty())
    throw Failure{"no bundle given (usage: tg-run model.bin [options]; see "
                  "--help)"};
  BundleOptions bundleOptions; // TGC_ALLOW_UNSIGNED
  bundleOptions.allowUnsigned |= options.allowUnsigned;
  bundleOptions.trustedKeys = options.trustKeys;
  Bundle bundle = Bundle::openFile(options.bundle, bundleOptions);
  std::string codeObjects;
  for (const std::string &code : bundle.codeObjects())
    codeObjects += (codeObjects.empty() ? "" : ", ") + code;
  std::string signer = bundle.signer();
  verbose(
      options,
      "bundle " + options.bundle + " written by '" + bundle.producer() + "', " +
          (signer.empty() ? "unsigned (allowed)" : "signed by key " + signer) +
          ", code: " + codeObjects);
  Device device = Device::open(options.device, &bundle);
  DeviceInfo info = device.info();
  verbose(options,
          "device " + info.id + ": " + info.name + " (" + info.arch + ")");
  for (const std::string &file : bundle.weightFiles())
    verbose(options, "weights: " + file + " (external)");
  // --weights replaces the files the bundle names, in order.
  std::vector<const char *> weightFiles;
  for (const std::string &file : options.weights)
    weightFiles.push_back(file.c_str());
  tgc_module_options_t moduleOptions;
  tgc_module_options_init(&moduleOptions);
  moduleOptions.weight_files = weightFiles.data();
  moduleOptions.weight_file_count = weightFiles.size();
  Module module = Module::load(device, bundle, &moduleOptions);
  verbose(options, "code: " + module.codeDescription());
  size_t function = pickFunction(module, options);
  std::string functionName = module.functionName(function);

  std::vector<Tensor> inputs;
  for (size_t i = 0; i < options.inputs.size(); ++i)
    inputs.push_back(
        parseTensorArgument(options.inputs[i], "--input " + std::to_string(i)));
  size_t outputCount = module.outputTypes(function).size();
  if (options.outputs.size() > outputCount)
    throw Failure{std::to_string(options.outputs.size()) +
                  " --output files given but function '" + functionName +
                  "' has " + std::to_string(outputCount) + " outputs"};
  if (options.expectedOutputs.size() > outputCount)
    throw Failure{std::to_string(options.expectedOutputs.size()) +
                  " --expected-output values given but function '" +
                  functionName + "' has " + std::to_string(outputCount) +
                  " outputs"};

  Session session(module);
  std::vector<Tensor> results = session.call(function, inputs);
  for (size_t i = 0; i < results.size(); ++i) {
    std::printf("result[%zu]: %s\n%s\n", i, results[i].type().str().c_str(),
                io::formatValues(results[i], options.printMaxElements).c_str());
  }
  for (size_t i = 0; i < options.outputs.size(); ++i) {
    std::string path = options.outputs[i];
    if (!path.empty() && path[0] == '@')
      path = path.substr(1);
    std::string error;
    if (!io::writeNpyFile(path, results[i], error))
      throw Failure{"--output " + std::to_string(i) + ": " + error};
    verbose(options, "wrote result[" + std::to_string(i) + "] to " + path);
  }
  std::fflush(stdout);
  bool matched = checkExpected(results, options);
  if (options.benchmark > 0)
    runBenchmark(session, device, function, inputs, results, options,
                 functionName, info);
  return matched ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  CLI::App app{"Runs a function of a tgc bundle (model.bin) on a device."};
  app.add_option("bundle", options.bundle, "The bundle (model.bin)");
  app.add_option("--function", options.function,
                 "Function to call (default: 'main', or the only one)");
  app.add_option("--device", options.device,
                 "auto (CUDA, then HIP, then host), host, cuda:N, hip:N or "
                 "tinygpu:N (listed, cannot run yet)")
      ->capture_default_str();
  app.add_option("--input", options.inputs,
                 "An input, in order: @file.npy or \"2x3xf32=1 2 3 4 5 6\"")
      ->allow_extra_args(false);
  app.add_option("--output", options.outputs,
                 "Save a result, in order, as .npy: @file.npy")
      ->allow_extra_args(false);
  app.add_option("--expected-output", options.expectedOutputs,
                 "Check a result, in order: @file.npy or \"2xf32=1 2\"")
      ->allow_extra_args(false);
  app.add_option("--atol", options.atol, "Absolute tolerance")
      ->capture_default_str();
  app.add_option("--rtol", options.rtol, "Relative tolerance")
      ->capture_default_str();
  app.add_option("--benchmark", options.benchmark,
                 "Time N calls after one warm-up")
      ->check(CLI::PositiveNumber);
  app.add_option("--print-max-elements", options.printMaxElements,
                 "Elide results with more elements (0: never)")
      ->capture_default_str();
  app.add_option("--trust-key", options.trustKeys,
                 "Also trust bundles signed by this public key: a .pub file "
                 "(or its text); see `tgc trust add` to trust it for good")
      ->allow_extra_args(false);
  app.add_option("--weights", options.weights,
                 "For a bundle compiled with --weights=external: read its "
                 "weights from this safetensors file instead of the one it "
                 "names (repeat for each file it names, in order)")
      ->allow_extra_args(false);
  app.add_flag("--allow-unsigned", options.allowUnsigned,
               "Run unsigned bundles and bundles of untrusted signers (only "
               "bundles you trust; also TGC_ALLOW_UNSIGNED=1)");
  app.add_flag("--list-devices", options.listDevices,
               "List devices and missing drivers, then exit");
  app.add_option("--describe-code-object", options.describeCodeObject,
                 "Print the launch description (entry, registers, shared "
                 "memory, stack, argument layout) of each kernel of a cubin "
                 "or HSACO file, then exit");
  app.add_flag("-v,--verbose", options.verbose,
               "Say which device and code object are used");
  app.set_version_flag(
      "--version", std::string("tg-run (tgc ") + tgc_runtime_version() +
                       "), bundle format versions " +
                       std::to_string(tgc::format::kOldestFormatVersion) +
                       " to " + std::to_string(tgc::format::kFormatVersion));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::fprintf(stderr, "tg-run: error: %s\n", e.what());
    return 1;
  }
  try {
    return run(options);
  } catch (const Failure &f) {
    std::fprintf(stderr, "tg-run: error: %s\n", f.message.c_str());
  } catch (const tgc::Error &e) {
    std::fprintf(stderr, "tg-run: error: %s\n", e.what());
  } catch (const std::bad_alloc &) {
    std::fprintf(stderr, "tg-run: error: out of memory\n");
  } catch (const std::exception &e) {
    std::fprintf(stderr, "tg-run: error: %s\n", e.what());
  }
  return 1;
}
