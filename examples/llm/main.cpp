//===- main.cpp - greedy LLM generation with the KV cache on the device ---===//
//
//   tgc-llm model.bin --prompt="62 243 93" [--new-tokens=32] [--device=auto]
//           [--token-by-token]
//
// Runs a bundle made by examples/llm/make_model.py: one entry function,
//
//   decode(id: 1xi32, pos: i32, k0, v0, ..., k{L-1}, v{L-1})
//       -> (next: 1xi32, k0', v0', ...)
//
// The caches live in device buffers for the whole run and are donated to
// the outputs at every call (updated in place at `pos`); the greedy next
// token is computed on the device. Per token only the token id and the
// position go in (8 bytes) and the next id comes out (4 bytes). The prompt
// is fed in one call to `prefill(ids, pos, caches...)` when the bundle has
// one for the prompt's length (make_model.py --prefill) and
// --token-by-token is not given, else one token per decode call; then
// generation continues from the last token. Prints the generated ids, tokens/s
// for prefill and decode, and the bytes moved per token.
//
//===----------------------------------------------------------------------===//

#include "tgc/runtime.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char **argv) {
  std::string path, device = "auto", promptText;
  int newTokens = 32;
  bool usePrefill = true;
  for (int a = 1; a < argc; ++a) {
    std::string arg = argv[a];
    if (arg.rfind("--device=", 0) == 0)
      device = arg.substr(9);
    else if (arg.rfind("--prompt=", 0) == 0)
      promptText = arg.substr(9);
    else if (arg.rfind("--new-tokens=", 0) == 0)
      newTokens = std::stoi(arg.substr(13));
    else if (arg == "--token-by-token")
      usePrefill = false;
    else
      path = arg;
  }
  std::vector<int32_t> prompt;
  std::istringstream in(promptText);
  for (int32_t id; in >> id;)
    prompt.push_back(id);
  if (path.empty() || prompt.empty() || newTokens < 1) {
    std::fprintf(stderr,
                 "usage: %s model.bin --prompt=\"ID ID ...\" "
                 "[--new-tokens=32] [--device=auto] [--token-by-token]\n",
                 argv[0]);
    return 2;
  }
  try {
    tgc::Bundle bundle = tgc::Bundle::openFile(path);
    tgc::Device dev = tgc::Device::open(device, &bundle);
    tgc::Module module = tgc::Module::load(dev, bundle);
    tgc::Session session(module);
    size_t decode = module.findFunction("decode");
    std::vector<tgc::TensorType> inputs = module.inputTypes(decode);
    size_t caches = inputs.size() - 2;
    int64_t context = inputs[2].shape.size() == 3 ? inputs[2].shape[1] : 0;
    if (prompt.size() + newTokens > size_t(context)) {
      std::fprintf(stderr, "error: %zu tokens do not fit the context of %lld\n",
                   prompt.size() + newTokens, (long long)context);
      return 1;
    }
    std::vector<tgc::Buffer> cache;
    for (size_t c = 0; c < caches; ++c) {
      std::string why;
      if (!module.canDonate(decode, 2 + c, 1 + c, &why)) {
        std::fprintf(stderr, "error: %s\n", why.c_str());
        return 1;
      }
      cache.push_back(tgc::Buffer::create(module, inputs[2 + c]));
      // Rows past the position are masked, but 0 * NaN garbage is not 0.
      session.upload(cache.back(), tgc::Tensor(inputs[2 + c]));
    }

    tgc::Tensor id(TGC_DTYPE_I32, {1}), pos(TGC_DTYPE_I32, {}),
        next(TGC_DTYPE_I32, {1});
    std::vector<tgc::Arg> args = {id, pos}, results = {next};
    for (tgc::Buffer &b : cache) {
      args.emplace_back(b);
      results.emplace_back(b);
    }
    // Bytes per token from the first call's profile; the rest run without
    // profiling events so they do not slow the figures down.
    uint64_t bytes = 0;
    bool profiling = true;
    session.setProfiling(true);
    auto step = [&](int32_t token, int32_t at) {
      *id.dataAs<int32_t>() = token;
      *pos.dataAs<int32_t>() = at;
      session.callArgs(decode, args, results);
      if (profiling) {
        tgc::CallProfile profile = session.lastProfile();
        bytes = profile.hostToDeviceBytes + profile.deviceToHostBytes;
        session.setProfiling(profiling = false);
      }
      return *next.dataAs<int32_t>();
    };
    using clock = std::chrono::steady_clock;
    // A bundle with `prefill` for exactly this prompt's length takes the
    // whole prompt in one call (matrix products over its tokens rather than
    // one matrix-vector product per token and weight).
    int64_t prefill = -1;
    for (size_t f = 0; usePrefill && f < module.functionCount(); ++f)
      if (module.functionName(f) == "prefill" &&
          module.inputTypes(f)[0].shape ==
              std::vector<int64_t>{int64_t(prompt.size())})
        prefill = int64_t(f);
    auto t0 = clock::now();
    int32_t token = 0;
    if (prefill >= 0) {
      tgc::Tensor ids(TGC_DTYPE_I32, {int64_t(prompt.size())});
      std::copy(prompt.begin(), prompt.end(), ids.dataAs<int32_t>());
      *pos.dataAs<int32_t>() = 0;
      std::vector<tgc::Arg> prefillArgs = {ids, pos};
      prefillArgs.insert(prefillArgs.end(), args.begin() + 2, args.end());
      session.callArgs(size_t(prefill), prefillArgs, results);
      token = *next.dataAs<int32_t>();
    } else {
      for (size_t i = 0; i < prompt.size(); ++i)
        token = step(prompt[i], int32_t(i));
    }
    auto t1 = clock::now();
    std::vector<int32_t> generated = {token};
    for (int n = 1; n < newTokens; ++n)
      generated.push_back(
          step(generated.back(), int32_t(prompt.size() + n - 1)));
    auto t2 = clock::now();

    std::printf("tokens:");
    for (int32_t t : generated)
      std::printf(" %d", t);
    std::printf("\n");
    double prefillTime = std::chrono::duration<double>(t1 - t0).count();
    double gen = std::chrono::duration<double>(t2 - t1).count();
    std::printf("device: %s\n", dev.info().id.c_str());
    std::printf("prefill: %zu tokens, %.1f tokens/s%s\n", prompt.size(),
                prompt.size() / prefillTime, prefill >= 0 ? " (one call)" : "");
    std::printf("tgc: %.1f tokens/s (decode, %d tokens)\n",
                (newTokens - 1) / gen, newTokens - 1);
    size_t cacheBytes = 0;
    for (const tgc::Buffer &b : cache)
      cacheBytes += b.byteSize();
    std::printf("bytes moved per token: %llu (KV cache on the device: %zu "
                "bytes)\n",
                (unsigned long long)bytes, cacheBytes);
  } catch (const tgc::Error &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
