//===- main.cpp - embed the tgc JIT in an application ---------------------===//
//
// Compiles a small classifier (a dense layer, relu, softmax) given as a
// string, runs it on the best device present, and checks the result against
// the same computation in plain C++. The first run compiles; later runs
// load the compiled model from the compile cache.
//
//===----------------------------------------------------------------------===//

#include "tgc/jit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>

static const char *kModel = R"mlir(
// probabilities = softmax(relu(x W + b)) for a batch of 2 rows of 4 features
func.func @classify(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = tg.constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5],
                          [-0.25, 0.75, 1.0], [0.0, 1.0, 0.5]]> : tensor<4x3xf32>
  %b = tg.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %0 = tg.matmul %x, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  %1 = tg.add %0, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %2 = tg.relu %1 : tensor<2x3xf32>
  %3 = tg.softmax %2 axis = 1 : tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}
)mlir";

static const float kInput[2][4] = {{1, 2, 3, 4}, {-1, 0.5f, 2, -3}};
static const float kW[4][3] = {
    {0.5f, -1, 0.25f}, {1, 0.5f, -0.5f}, {-0.25f, 0.75f, 1}, {0, 1, 0.5f}};
static const float kB[3] = {0.1f, -0.2f, 0.3f};

/// The model in plain C++, to check the JIT against.
static void reference(float out[2][3]) {
  for (int r = 0; r < 2; ++r) {
    float sum = 0, row[3];
    for (int c = 0; c < 3; ++c) {
      float v = kB[c];
      for (int k = 0; k < 4; ++k)
        v += kInput[r][k] * kW[k][c];
      row[c] = std::max(v, 0.0f);
    }
    float top = std::max({row[0], row[1], row[2]});
    for (float &v : row)
      sum += v = std::exp(v - top);
    for (int c = 0; c < 3; ++c)
      out[r][c] = row[c] / sum;
  }
}

int main() {
  try {
    tgc::Jit jit; // "auto": a CUDA GPU, else an AMD GPU, else the CPU
    tgc::JitModule model = jit.compile(kModel, "classifier.mlir");
    tgc::CompileInfo info = model.compileInfo();
    std::printf("device: %s (%s)\n", jit.device().id.c_str(),
                jit.device().name.c_str());
    std::printf("compile cache: %s, %.1f ms\n", info.cacheName().c_str(),
                info.milliseconds);

    tgc::Tensor x(TGC_DTYPE_F32, {2, 4});
    std::memcpy(x.data(), kInput, sizeof(kInput));
    std::vector<tgc::Tensor> outputs = model.call("classify", {x});
    const float *y = outputs[0].dataAs<float>();

    float expected[2][3];
    reference(expected);
    bool ok = true;
    for (int r = 0; r < 2; ++r) {
      std::printf("row %d:", r);
      for (int c = 0; c < 3; ++c) {
        float v = y[r * 3 + c];
        std::printf(" %.6f", v);
        ok &= std::fabs(v - expected[r][c]) <= 1e-5f + 1e-4f * expected[r][c];
      }
      std::printf("\n");
    }
    std::printf("%s\n", ok ? "result matches the reference"
                           : "RESULT DIFFERS FROM THE REFERENCE");
    return ok ? 0 : 1;
  } catch (const tgc::Error &e) {
    std::fprintf(stderr, "embed: %s\n", e.what());
    return 1;
  }
}
