//===- Evaluator.h - reference evaluation of tg functions -------*- C++ -*-===//
//
// The oracle the end-to-end tests and the differential fuzzer compare tgc
// against. It interprets a tg function op by op with plain loops, following
// docs/dialect/tg.md literally: arithmetic in double (sums, matmuls and the
// composites accumulate in double), integers in two's complement, and every
// op's result rounded once to its element type. It shares nothing with the
// lowering pipeline (compiler/), only the parsed IR, so a bug there cannot
// hide in both.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_REFERENCE_EVALUATOR_H
#define TGC_REFERENCE_EVALUATOR_H

#include "format/DType.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tgc::ref {

/// The element types, with their names ("f32", "i1", ...) and sizes, are the
/// ones of the bundle and the runtime (format/DType.h, a plain header).
using tgc::DType;
using tgc::dtypeName;
using tgc::dtypeSize;

bool isFloat(DType dtype);
/// The tg element type of `type`, if it is one.
std::optional<DType> dtypeOf(mlir::Type type);

/// Rounds a double to the nearest value of `dtype` (floats: ties to even,
/// overflow to infinity; integers: truncation toward zero, then wrapping
/// modulo 2^width; i1: nonzero is 1). Used on every op's result.
double roundTo(DType dtype, double value);

/// A dense row-major tensor. Every value is exactly representable in
/// `dtype`, so doubles hold all tg element types without loss.
struct Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<double> values;

  Tensor() = default;
  Tensor(DType dtype, std::vector<int64_t> shape);
  int64_t numElements() const { return int64_t(values.size()); }
  /// "tensor<2x3xf32>".
  std::string typeString() const;
};

struct Options {
  /// Nonzero: perturb the result of every op that tgc computes inexactly
  /// (transcendental functions, float sums, matmuls, composites) by a random
  /// error of the size tgc's own may have (16 f32 ulp, or 1 ulp of an
  /// f16/bf16 result; for sums relative to the sum of magnitudes), seeded
  /// by this value. Ops that tgc computes exactly (+ - * /, sqrt, max, casts,
  /// comparisons, integer and shape ops) are left alone. Comparing perturbed
  /// and unperturbed results shows how sensitive each output is to rounding,
  /// which is what a differential fuzzer needs to tell a wrong answer from
  /// an ill-conditioned one. Odd seeds also round results within their
  /// error of zero to zero (cancellation and underflow give exact zeros);
  /// seeds 1 and 2 (mod 4) make every error negative or positive; sin and
  /// cos of |x| > 1e6 may become anything in [-1, 1].
  uint64_t perturbSeed = 0;
};

/// Runs `func` on `inputs` (which must match its argument types) and returns
/// its results. Fails with a one-line message for wrong inputs or an op the
/// evaluator does not know.
llvm::Expected<std::vector<Tensor>> evaluate(mlir::func::FuncOp func,
                                             const std::vector<Tensor> &inputs,
                                             const Options &options = {});

} // namespace tgc::ref

#endif // TGC_REFERENCE_EVALUATOR_H
