//===- tg-eval.cpp - run a tg function with the reference evaluator -------===//
//
//   tg-eval model.mlir [--function=F] --input=@x.npy ... [--output=@y.npy ...]
//   tg-eval model.mlir --all --io-dir=DIR [--sensitivity-runs=N]
//
// The first form evaluates one function and prints its results in tg-run's
// format (docs/runtime.md), so the two tools' outputs can be compared. The
// second evaluates every function F of the module on DIR/F.in<i>.npy and
// writes DIR/F.ref<j>.npy: one process for a whole module of test cases.
// With --sensitivity-runs=N it also evaluates N times with perturbed rounding
// (tgc::ref::Options::perturbSeed) and writes DIR/F.sens<j>.npy, the largest
// change of each result element (f32): how much rounding alone can move it.
// Every failure is one line on stderr and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "tools/common/HideLlvmOptions.h"
#include "tools/common/TensorIO.h"

#include "ir/TgDialect.h"
#include "reference/Evaluator.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>
#include <cstring>

using namespace mlir;
namespace cl = llvm::cl;

/// tg-eval's own options: what --help shows (LLVM's and MLIR's stay usable
/// and are listed by --help-hidden).
static cl::OptionCategory evalCategory("tg-eval options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::init("-"));
static cl::opt<std::string>
    functionName("function",
                 cl::desc("Function to evaluate (default: 'main', or the "
                          "only one)"));
static cl::list<std::string> inputs("input",
                                    cl::desc("An input, in order: @file.npy or "
                                             "\"2x3xf32=1 2 3 4 5 6\""));
static cl::list<std::string>
    outputs("output", cl::desc("Save a result, in order, as .npy: @file.npy"));
static cl::opt<bool> all("all", cl::desc("Evaluate every function on "
                                         "--io-dir files"));
static cl::opt<std::string>
    ioDir("io-dir", cl::desc("With --all: where F.in<i>.npy are read and "
                             "F.ref<j>.npy written"));
static cl::opt<unsigned> sensitivityRuns(
    "sensitivity-runs", cl::init(0),
    cl::desc("With --all: also write F.sens<j>.npy from N perturbed runs"));
static cl::opt<size_t>
    printMaxElements("print-max-elements", cl::init(1024),
                     cl::desc("Elide results with more elements (0: never)"));

namespace {

struct Failure {
  std::string message;
};

// The evaluator's DType is format/DType.h's, whose values tgc_dtype_t has
// (checked in runtime/RuntimeCApi.cpp).
tgc_dtype_t toRuntime(tgc::DType dtype) { return tgc_dtype_t(dtype); }

tgc::ref::Tensor fromRuntime(const tgc::Tensor &t) {
  tgc::ref::Tensor r(tgc::DType(t.dtype()), t.shape());
  for (size_t i = 0; i < t.elementCount(); ++i)
    r.values[i] = tgc::io::elementAsDouble(t, i);
  return r;
}

tgc::Tensor toRuntime(const tgc::ref::Tensor &r) {
  tgc::Tensor t(toRuntime(r.dtype), r.shape);
  for (size_t i = 0; i < r.values.size(); ++i) {
    double v = r.values[i];
    switch (t.dtype()) {
    case TGC_DTYPE_F32:
      t.dataAs<float>()[i] = float(v);
      break;
    case TGC_DTYPE_F16:
      t.dataAs<uint16_t>()[i] = tgc::io::floatToHalf(float(v));
      break;
    case TGC_DTYPE_BF16:
      t.dataAs<uint16_t>()[i] = tgc::io::floatToBfloat16(float(v));
      break;
    case TGC_DTYPE_I32:
      t.dataAs<int32_t>()[i] = int32_t(v);
      break;
    case TGC_DTYPE_I8:
      t.dataAs<int8_t>()[i] = int8_t(v);
      break;
    case TGC_DTYPE_I1:
      t.dataAs<uint8_t>()[i] = v != 0;
      break;
    }
  }
  return t;
}

tgc::ref::Tensor readTensor(const std::string &text, const std::string &what) {
  tgc::Tensor tensor;
  std::string error;
  bool ok = !text.empty() && text[0] == '@'
                ? tgc::io::readNpyFile(text.substr(1), tensor, error)
                : tgc::io::parseTensorText(text, tensor, error);
  if (!ok)
    throw Failure{what + ": " + error};
  return fromRuntime(tensor);
}

void writeTensor(const std::string &pathArg, const tgc::ref::Tensor &t,
                 const std::string &what) {
  std::string path =
      !pathArg.empty() && pathArg[0] == '@' ? pathArg.substr(1) : pathArg;
  std::string error;
  if (!tgc::io::writeNpyFile(path, toRuntime(t), error))
    throw Failure{what + ": " + error};
}

std::vector<tgc::ref::Tensor>
evaluateOrThrow(func::FuncOp func, const std::vector<tgc::ref::Tensor> &in,
                uint64_t perturbSeed = 0) {
  tgc::ref::Options options;
  options.perturbSeed = perturbSeed;
  auto results = tgc::ref::evaluate(func, in, options);
  if (!results)
    throw Failure{llvm::toString(results.takeError())};
  return std::move(*results);
}

func::FuncOp pickFunction(ModuleOp module) {
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (!functionName.empty()) {
    for (func::FuncOp f : funcs)
      if (f.getSymName() == functionName)
        return f;
    throw Failure{"no function '" + functionName + "' in the module"};
  }
  for (func::FuncOp f : funcs)
    if (f.getSymName() == "main")
      return f;
  if (funcs.size() == 1)
    return funcs[0];
  throw Failure{funcs.empty() ? "the module has no functions"
                              : "the module has no 'main' function; pick one "
                                "with --function"};
}

int evaluateOne(ModuleOp module) {
  func::FuncOp func = pickFunction(module);
  std::vector<tgc::ref::Tensor> in;
  for (size_t i = 0; i < inputs.size(); ++i)
    in.push_back(readTensor(inputs[i], "--input " + std::to_string(i)));
  std::vector<tgc::ref::Tensor> results = evaluateOrThrow(func, in);
  if (outputs.size() > results.size())
    throw Failure{std::to_string(outputs.size()) +
                  " --output files given but function '" +
                  func.getSymName().str() + "' has " +
                  std::to_string(results.size()) + " outputs"};
  for (size_t i = 0; i < results.size(); ++i) {
    tgc::Tensor t = toRuntime(results[i]);
    std::printf("result[%zu]: %s\n%s\n", i, t.type().str().c_str(),
                tgc::io::formatValues(t, printMaxElements).c_str());
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    writeTensor(outputs[i], results[i], "--output " + std::to_string(i));
  return 0;
}

int evaluateAll(ModuleOp module) {
  if (ioDir.empty())
    throw Failure{"--all needs --io-dir"};
  for (func::FuncOp func : module.getOps<func::FuncOp>()) {
    std::string base = ioDir + "/" + func.getSymName().str();
    std::vector<tgc::ref::Tensor> in;
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      std::string path = base + ".in" + std::to_string(i) + ".npy";
      in.push_back(readTensor("@" + path, path));
    }
    std::vector<tgc::ref::Tensor> results = evaluateOrThrow(func, in);
    for (size_t i = 0; i < results.size(); ++i) {
      std::string path = base + ".ref" + std::to_string(i) + ".npy";
      writeTensor(path, results[i], path);
    }
    if (!sensitivityRuns)
      continue;
    std::vector<tgc::ref::Tensor> spread;
    for (const tgc::ref::Tensor &r : results)
      spread.emplace_back(tgc::ref::DType::F32, r.shape);
    for (unsigned run = 1; run <= sensitivityRuns; ++run) {
      std::vector<tgc::ref::Tensor> perturbed = evaluateOrThrow(func, in, run);
      for (size_t i = 0; i < results.size(); ++i)
        for (size_t k = 0; k < results[i].values.size(); ++k) {
          double a = results[i].values[k], b = perturbed[i].values[k];
          // Same value (NaN and infinities included): no spread.
          double d =
              a == b || (std::isnan(a) && std::isnan(b)) ? 0 : std::fabs(a - b);
          if (std::isnan(d))
            d = INFINITY;
          spread[i].values[k] = std::max(spread[i].values[k], d);
        }
    }
    for (size_t i = 0; i < spread.size(); ++i) {
      std::string path = base + ".sens" + std::to_string(i) + ".npy";
      writeTensor(path, spread[i], path);
    }
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  for (cl::Option *option : std::initializer_list<cl::Option *>{
           std::addressof(inputFile), std::addressof(functionName),
           std::addressof(inputs), std::addressof(outputs), std::addressof(all),
           std::addressof(ioDir), std::addressof(sensitivityRuns),
           std::addressof(printMaxElements)})
    option->addCategory(evalCategory);
  // The rest is hidden (--help-hidden lists it), not removed.
  tgc::tools::hideOptionsOutside({&evalCategory});
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "tg-eval (tgc " TGC_VERSION ", LLVM " LLVM_VERSION_STRING ")\n";
  });
  cl::ParseCommandLineOptions(argc, argv,
                              "tg-eval: reference evaluator for tg models\n");
  DialectRegistry registry;
  registry.insert<tg::TgDialect, func::FuncDialect>();
  MLIRContext context(registry);
  context.allowUnregisteredDialects(false);

  std::string errorMessage;
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!buffer) {
    llvm::errs() << "tg-eval: error: cannot open input file '" << inputFile
                 << "': " << buffer.getError().message() << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module || failed(verify(*module)))
    return 1;
  try {
    return all ? evaluateAll(*module) : evaluateOne(*module);
  } catch (const Failure &f) {
    std::fflush(stdout);
    std::fprintf(stderr, "tg-eval: error: %s\n", f.message.c_str());
  }
  return 1;
}
