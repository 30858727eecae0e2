//===- tgc-targets-test.cpp - Drive the back ends from lit ----------------===//
//
// tgc-targets-test FILE --target=sm_90|gfx1100|host|<triple> [-o OUT]
//
// GPU targets lower the first gpu.module in FILE; host targets lower the
// top-level module, taking every func.func @X_body as the body of kernel X
// (its memref arguments are the bindings). Prints PTX (or the lowered MLIR
// with --emit=mlir) to stdout, writes cubin/HSACO/shared library to -o.
//
// --run=KERNEL:REF:LO:HI loads the host library just written and checks an
// elementwise kernel (bindings: input, output; f32) against the libm
// function REF on a sweep of float bit patterns in [LO, HI], reporting the
// maximum error in ulps. It is how docs/host-abi.md's accuracy table was
// measured.
//
//===----------------------------------------------------------------------===//

#include "compiler/targets/Targets.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <dlfcn.h>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::init("-"));
static cl::opt<std::string>
    targetName("target", cl::Required,
               cl::desc("sm_NN, gfxNNNN, host, or a host triple "
                        "(aarch64-linux-gnu, aarch64-apple-darwin, ...)"));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::init("-"));
static cl::opt<unsigned> optLevel("opt", cl::desc("LLVM optimization level"),
                                  cl::init(3));
static cl::opt<std::string>
    emit("emit", cl::init("default"),
         cl::desc("mlir: lowered MLIR; cubin: also run ptxas (NVIDIA); "
                  "default: PTX / HSACO / shared library"));
static cl::opt<unsigned> ptxVersion("ptx-version", cl::init(0),
                                    cl::desc("PTX ISA version, e.g. 80"));
static cl::opt<bool> validate("validate-ptx", cl::init(false),
                              cl::desc("Also check the PTX with ptxas"));
static cl::opt<std::string> hostCpu("host-cpu", cl::init(""),
                                    cl::desc("Host CPU (default: baseline)"));
static cl::opt<std::string> hostFeatures("host-features", cl::init(""),
                                         cl::desc("Extra host CPU features"));
static cl::opt<bool> hostNative("host-native", cl::init(false),
                                cl::desc("Use this machine's CPU"));
static cl::opt<unsigned> indexBitwidth("index-bitwidth", cl::init(64),
                                       cl::desc("GPU index bitwidth"));
static cl::list<std::string>
    runs("run", cl::desc("KERNEL:REF:LO:HI - run a host kernel against libm"));
static cl::opt<unsigned>
    workgroups("workgroups", cl::init(64),
               cl::desc("Workgroups covering one buffer for --run"));
static cl::opt<uint64_t> samples("samples", cl::init(1 << 20),
                                 cl::desc("Points per --run sweep"));
static cl::opt<double> maxUlp("max-ulp", cl::init(-1.0),
                              cl::desc("Fail --run above this many ulps"));

//===----------------------------------------------------------------------===//
// Running host kernels
//===----------------------------------------------------------------------===//

using KernelFn = void (*)(void *const *, int64_t, int64_t);

static double reference(StringRef name, double x, bool &known) {
  known = true;
  if (name == "exp")
    return std::exp(x);
  if (name == "exp2")
    return std::exp2(x);
  if (name == "expm1")
    return std::expm1(x);
  if (name == "log")
    return std::log(x);
  if (name == "log2")
    return std::log2(x);
  if (name == "log10")
    return std::log10(x);
  if (name == "log1p")
    return std::log1p(x);
  if (name == "tanh")
    return std::tanh(x);
  if (name == "erf")
    return std::erf(x);
  if (name == "erfc")
    return std::erfc(x);
  if (name == "sin")
    return std::sin(x);
  if (name == "cos")
    return std::cos(x);
  if (name == "tan")
    return std::tan(x);
  if (name == "atan")
    return std::atan(x);
  if (name == "asin")
    return std::asin(x);
  if (name == "acos")
    return std::acos(x);
  if (name == "sinh")
    return std::sinh(x);
  if (name == "cosh")
    return std::cosh(x);
  if (name == "cbrt")
    return std::cbrt(x);
  if (name == "sqrt")
    return std::sqrt(x);
  if (name == "rsqrt")
    return 1.0 / std::sqrt(x);
  if (name == "sigmoid")
    return 1.0 / (1.0 + std::exp(-x));
  if (name == "pow2.5")
    return std::pow(x, 2.5);
  known = false;
  return 0;
}

/// Error of `got` against the exact `want`, in units of the float spacing
/// at `want` (so 0.5 is a correctly rounded result).
static double ulpError(float got, double want) {
  if (std::isnan(want))
    return std::isnan(got) ? 0 : INFINITY;
  if (std::isnan(got))
    return INFINITY;
  float rounded = static_cast<float>(want);
  if (std::isinf(rounded) || std::isinf(got))
    return got == rounded ? 0 : INFINITY;
  double magnitude = std::fabs(static_cast<double>(rounded));
  double spacing = static_cast<double>(std::nextafter(
                       static_cast<float>(magnitude), INFINITY)) -
                   magnitude;
  return std::fabs(static_cast<double>(got) - want) / spacing;
}

static float fromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
static uint32_t toBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

/// Float bit patterns in [lo, hi], evenly spaced in the ordered bit domain:
/// every binade gets points in proportion to how many floats it holds.
static std::vector<float> sweep(float lo, float hi, uint64_t count) {
  // Map floats to a monotonic integer line: negative floats below zero.
  auto key = [](float f) -> int64_t {
    uint32_t b = toBits(f);
    return (b & 0x80000000u) ? -int64_t(b & 0x7fffffffu) : int64_t(b);
  };
  auto unkey = [](int64_t k) -> float {
    return k < 0 ? fromBits(uint32_t(-k) | 0x80000000u) : fromBits(uint32_t(k));
  };
  int64_t a = key(lo), b = key(hi);
  uint64_t span = uint64_t(b - a) + 1;
  uint64_t stride = std::max<uint64_t>(1, span / count);
  std::vector<float> points;
  for (int64_t k = a; k <= b; k += stride)
    points.push_back(unkey(k));
  if (points.back() != hi)
    points.push_back(hi);
  return points;
}

static bool runKernel(void *library, StringRef spec, ModuleOp original) {
  SmallVector<StringRef> parts;
  spec.split(parts, ':');
  double lo, hi;
  if (parts.size() != 4 || parts[2].getAsDouble(lo) ||
      parts[3].getAsDouble(hi) || lo > hi) {
    llvm::errs() << "--run wants KERNEL:REF:LO:HI, got '" << spec << "'\n";
    return false;
  }
  StringRef kernel = parts[0], ref = parts[1];
  bool known;
  reference(ref, 0, known);
  if (!known) {
    llvm::errs() << "unknown reference function '" << ref << "'\n";
    return false;
  }
  auto body = original.lookupSymbol<func::FuncOp>((kernel + "_body").str());
  auto type = body ? dyn_cast<MemRefType>(body.getArgumentTypes().front())
                   : MemRefType();
  if (!type || body.getNumArguments() != 4 || !type.getElementType().isF32()) {
    llvm::errs() << "--run needs @" << kernel
                 << "_body(memref<Nxf32>, memref<Nxf32>, index, index)\n";
    return false;
  }
  auto fn = reinterpret_cast<KernelFn>(dlsym(library, kernel.str().c_str()));
  if (!fn) {
    llvm::errs() << "dlsym(" << kernel << "): " << dlerror() << "\n";
    return false;
  }

  size_t n = type.getNumElements();
  std::vector<float> in(n), out(n);
  void *bindings[] = {in.data(), out.data()};
  std::vector<float> points =
      sweep(static_cast<float>(lo), static_cast<float>(hi), samples);
  double worst = 0, worstAbs = 0;
  float worstX = 0, worstGot = 0;
  double worstWant = 0;
  int64_t half = workgroups / 2;
  for (size_t start = 0; start < points.size(); start += n) {
    size_t count = std::min(n, points.size() - start);
    for (size_t i = 0; i < n; ++i)
      in[i] = points[start + std::min(i, count - 1)];
    // Two calls over complementary workgroup ranges, like two threads of
    // the runtime's pool would make.
    fn(bindings, 0, half);
    fn(bindings, half, workgroups);
    for (size_t i = 0; i < count; ++i) {
      double want = reference(ref, in[i], known);
      double err = ulpError(out[i], want);
      if (err > worst || (std::isnan(err) && !std::isnan(worst))) {
        worst = err;
        worstX = in[i];
        worstGot = out[i];
        worstWant = want;
      }
      if (std::isfinite(want))
        worstAbs = std::max(worstAbs, std::fabs(out[i] - want));
    }
  }
  bool pass = maxUlp < 0 || worst <= maxUlp;
  llvm::outs() << kernel << " " << ref << " [" << llvm::format("%g", lo) << ", "
               << llvm::format("%g", hi) << "] points=" << points.size()
               << " max_ulp=" << llvm::format("%.2f", worst)
               << " at x=" << llvm::format("%.9g", worstX) << " (got "
               << llvm::format("%.9g", worstGot) << ", want "
               << llvm::format("%.9g", worstWant)
               << ") max_abs=" << llvm::format("%.3g", worstAbs) << " "
               << (pass ? "PASS" : "FAIL") << "\n";
  return pass;
}

//===----------------------------------------------------------------------===//
// Main
//===----------------------------------------------------------------------===//

static LogicalResult writeOutput(ArrayRef<char> bytes, bool binary) {
  std::string error;
  auto output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return failure();
  }
  if (binary && outputFile == "-") {
    llvm::errs() << "refusing to write a binary to stdout; use -o\n";
    return failure();
  }
  output->os().write(bytes.data(), bytes.size());
  output->keep();
  return success();
}

static LogicalResult runGpu(ModuleOp top, const tgc::Target &target) {
  gpu::GPUModuleOp module;
  top.walk([&](gpu::GPUModuleOp m) {
    module = m;
    return WalkResult::interrupt();
  });
  if (!module)
    return emitError(top.getLoc()) << "no gpu.module to compile";
  if (failed(tgc::lowerGpuModule(module, target, indexBitwidth)))
    return failure();
  if (emit == "mlir") {
    module.print(llvm::outs());
    llvm::outs() << "\n";
    return success();
  }
  if (target.isAmd()) {
    FailureOr<tgc::Binary> hsaco = tgc::emitHsaco(module, target, optLevel);
    return failed(hsaco) ? failure() : writeOutput(*hsaco, true);
  }
  FailureOr<std::string> ptx =
      tgc::emitPtx(module, target, optLevel, ptxVersion);
  if (failed(ptx))
    return failure();
  if (validate) {
    FailureOr<bool> checked = tgc::validatePtx(module.getLoc(), *ptx, target);
    if (failed(checked))
      return failure();
    if (!*checked)
      llvm::errs() << "warning: ptxas not found, PTX not validated\n";
  }
  if (emit == "cubin") {
    auto cubin = tgc::ptxToCubin(module.getLoc(), *ptx, target);
    if (failed(cubin))
      return failure();
    if (!cubin->bytes) {
      llvm::errs() << "warning: no cubin: " << cubin->skipped << "\n";
      return success();
    }
    return writeOutput(*cubin->bytes, true);
  }
  return writeOutput(ArrayRef<char>(ptx->data(), ptx->size()), false);
}

static LogicalResult runHost(ModuleOp top, const tgc::Target &target) {
  OwningOpRef<ModuleOp> original = top.clone();
  SmallVector<tgc::HostKernel> kernels;
  for (auto func : top.getOps<func::FuncOp>()) {
    StringRef name = func.getName();
    if (!name.consume_back("_body"))
      continue;
    unsigned bindings = llvm::count_if(
        func.getArgumentTypes(), [](Type t) { return isa<MemRefType>(t); });
    kernels.push_back({name.str(), func.getName().str(), bindings});
  }
  if (failed(tgc::lowerHostModule(top, kernels, target)))
    return failure();
  if (emit == "mlir") {
    top.print(llvm::outs());
    llvm::outs() << "\n";
    return success();
  }
  FailureOr<tgc::Binary> library =
      tgc::emitHostSharedLibrary(top, target, optLevel);
  if (failed(library) || failed(writeOutput(*library, true)))
    return failure();
  if (runs.empty())
    return success();

  SmallString<256> path(outputFile);
  llvm::sys::fs::make_absolute(path);
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    llvm::errs() << "dlopen: " << dlerror() << "\n";
    return failure();
  }
  bool ok = true;
  for (const std::string &spec : runs)
    ok &= runKernel(handle, spec, *original);
  dlclose(handle);
  return success(ok);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "tgc target back-end test driver\n");

  DialectRegistry registry;
  registry.insert<affine::AffineDialect, arith::ArithDialect,
                  cf::ControlFlowDialect, func::FuncDialect, gpu::GPUDialect,
                  index::IndexDialect, math::MathDialect, memref::MemRefDialect,
                  scf::SCFDialect, ub::UBDialect, vector::VectorDialect>();
  tgc::registerTargetDialects(registry);
  MLIRContext context(registry);

  std::string error;
  auto input = openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  tgc::HostCpuOptions host;
  host.cpu = hostCpu;
  host.features = hostFeatures;
  host.native = hostNative;
  FailureOr<tgc::Target> target =
      tgc::Target::parse(targetName, module->getLoc(), host);
  if (failed(target))
    return 1;
  LogicalResult result =
      target->isHost() ? runHost(*module, *target) : runGpu(*module, *target);
  return failed(result) ? 1 : 0;
}
