//===- main.cpp - a decode loop with a KV cache resident on the device ----===//
//
//   tgc decode.mlir -o decode.bin
//   tgc-kv-cache-example decode.bin [--device=auto] [--steps=16]
//
// The shape of an LLM's decode loop on the runtime API, small enough to
// check by hand: the key and value caches live in device buffers, each step
// passes them as inputs and donates them to the outputs (the step writes
// its key and value into them at the run-time position, in place), and only
// the step's own tensors cross the host<->device link. Every step's output
// is checked against attention computed here on the host; the program
// prints the bytes moved per step and steps per second.
//
//===----------------------------------------------------------------------===//

#include "tgc/runtime.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kContext = 16, kWidth = 8;

/// A deterministic value for element `i` of tensor `which` at `step`.
float valueAt(int which, int step, int i) {
  return std::sin(0.37f * float(which * 1000 + step * 31 + i));
}

tgc::Tensor row(int which, int step) {
  tgc::Tensor t(TGC_DTYPE_F32, {1, kWidth});
  for (int i = 0; i < kWidth; ++i)
    t.dataAs<float>()[i] = valueAt(which, step, i);
  return t;
}

/// softmax(q . K[0..pos]^T / sqrt(width)) . V[0..pos], in double.
std::vector<double> attention(const std::vector<float> &keys,
                              const std::vector<float> &values, const float *q,
                              int pos) {
  std::vector<double> scores(pos + 1), out(kWidth, 0.0);
  double most = -INFINITY, sum = 0;
  for (int r = 0; r <= pos; ++r) {
    double s = 0;
    for (int i = 0; i < kWidth; ++i)
      s += double(q[i]) * keys[r * kWidth + i];
    scores[r] = s / std::sqrt(double(kWidth));
    most = std::max(most, scores[r]);
  }
  for (double &s : scores)
    sum += (s = std::exp(s - most));
  for (int r = 0; r <= pos; ++r)
    for (int i = 0; i < kWidth; ++i)
      out[i] += scores[r] / sum * values[r * kWidth + i];
  return out;
}

} // namespace

int main(int argc, char **argv) {
  std::string path, device = "auto";
  int steps = kContext;
  for (int a = 1; a < argc; ++a) {
    std::string arg = argv[a];
    if (arg.rfind("--device=", 0) == 0)
      device = arg.substr(9);
    else if (arg.rfind("--steps=", 0) == 0)
      steps = std::stoi(arg.substr(8));
    else
      path = arg;
  }
  if (path.empty() || steps < 1 || steps > kContext) {
    std::fprintf(stderr,
                 "usage: %s decode.bin [--device=auto] [--steps=1..%d]\n",
                 argv[0], kContext);
    return 2;
  }
  try {
    tgc::Bundle bundle = tgc::Bundle::openFile(path);
    tgc::Device dev = tgc::Device::open(device, &bundle);
    tgc::Module module = tgc::Module::load(dev, bundle);
    tgc::Session session(module);
    size_t decode = module.findFunction("decode");
    // Inputs: kcache, vcache, k, v, q, pos; outputs: out, kcache, vcache.
    for (auto [input, output] : {std::pair<size_t, size_t>{0, 1}, {1, 2}}) {
      std::string why;
      if (!module.canDonate(decode, input, output, &why)) {
        std::fprintf(stderr, "error: %s\n", why.c_str());
        return 1;
      }
    }
    tgc::TensorType cacheType(TGC_DTYPE_F32, {kContext, kWidth});
    tgc::Buffer keys = tgc::Buffer::create(module, cacheType);
    tgc::Buffer values = tgc::Buffer::create(module, cacheType);
    tgc::Tensor zeros(cacheType);
    session.upload(keys, zeros);
    session.upload(values, zeros);

    std::vector<float> hostKeys(kContext * kWidth), hostValues(hostKeys);
    tgc::Tensor out(TGC_DTYPE_F32, {1, kWidth}), pos(TGC_DTYPE_I32, {});
    double worst = 0;
    uint64_t toDevice = 0, toHost = 0;
    session.setProfiling(true);
    auto start = std::chrono::steady_clock::now();
    for (int step = 0; step < steps; ++step) {
      tgc::Tensor k = row(0, step), v = row(1, step), q = row(2, step);
      *pos.dataAs<int32_t>() = step;
      session.callArgs(decode, {keys, values, k, v, q, pos},
                       {out, keys, values});
      tgc::CallProfile profile = session.lastProfile();
      toDevice = profile.hostToDeviceBytes;
      toHost = profile.deviceToHostBytes;

      std::memcpy(&hostKeys[step * kWidth], k.data(), k.byteSize());
      std::memcpy(&hostValues[step * kWidth], v.data(), v.byteSize());
      std::vector<double> expected =
          attention(hostKeys, hostValues, q.dataAs<float>(), step);
      for (int i = 0; i < kWidth; ++i)
        worst =
            std::max(worst, std::fabs(out.dataAs<float>()[i] - expected[i]));
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();

    // The caches never left the device; read them back once to check them.
    tgc::Tensor cache(cacheType);
    session.download(keys, cache);
    for (int i = 0; i < steps * kWidth; ++i)
      worst = std::max(
          worst, double(std::fabs(cache.dataAs<float>()[i] - hostKeys[i])));

    std::printf("device: %s\n", dev.info().id.c_str());
    std::printf("steps: %d, max error %.3g\n", steps, worst);
    std::printf("per step: %llu bytes host->device, %llu bytes device->host "
                "(each cache is %zu bytes)\n",
                (unsigned long long)toDevice, (unsigned long long)toHost,
                keys.byteSize());
    std::printf("%.0f steps/s (with profiling on)\n", steps / seconds);
    if (worst > 1e-4) {
      std::fprintf(stderr, "error: results differ from the host reference\n");
      return 1;
    }
  } catch (const tgc::Error &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
