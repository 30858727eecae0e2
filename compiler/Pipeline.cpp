//===- Pipeline.cpp - the tgc compilation pipeline ------------------------===//

#include "compiler/Pipeline.h"

#include "compiler/Passes.h"
#include "compiler/targets/Targets.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Threading.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

#ifndef TGC_VERSION
#define TGC_VERSION "0.0.0"
#endif

std::string tgc::producerString() {
  return std::string("tgc ") + TGC_VERSION + " (LLVM " LLVM_VERSION_STRING ")";
}

void tgc::registerCompilerDialects(DialectRegistry &registry) {
  registry.insert<tg::TgDialect, tgc::TgcDialect, func::FuncDialect, arith::ArithDialect,
                  math::MathDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, scf::SCFDialect,
                  memref::MemRefDialect, vector::VectorDialect,
                  gpu::GPUDialect>();
  registerTargetDialects(registry);
}

namespace {

enum class TargetKind { Host, Nvidia, Amd };

struct ParsedTarget {
  TargetKind kind;
  std::string name; // sm_90, gfx1100, or a host triple ("" = this machine)
};

std::optional<ParsedTarget> parseTarget(StringRef token) {
  if (token == "host")
    return ParsedTarget{TargetKind::Host, ""};
  if (auto spec = tgc::TargetSpec::fromChip(token))
    return ParsedTarget{spec->vendor == tgc::GpuVendor::Nvidia
                            ? TargetKind::Nvidia
                            : TargetKind::Amd,
                        token.str()};
  llvm::Triple triple(llvm::Triple::normalize(token));
  if (token.contains('-') && (triple.getArch() == llvm::Triple::x86_64 ||
                              triple.getArch() == llvm::Triple::aarch64))
    return ParsedTarget{TargetKind::Host, token.str()};
  return std::nullopt;
}

class Compilation {
public:
  Compilation(ModuleOp module, const tgc::CompileOptions &options,
              tgc::CompileResult &result)
      : module(module), options(options), result(result) {}

  LogicalResult run() {
    for (const std::string &t : options.targets)
      targets.push_back(*parseTarget(t));
    bool anyGpu = llvm::any_of(targets, [](const ParsedTarget &t) {
      return t.kind != TargetKind::Host;
    });
    bool anyHost = llvm::any_of(targets, [](const ParsedTarget &t) {
      return t.kind == TargetKind::Host;
    });

    if (failed(runPasses("tg", [](OpPassManager &pm) {
          pm.addPass(tgc::createTgDecomposeComposites());
          pm.addPass(createCanonicalizerPass());
          pm.addPass(createCSEPass());
        })))
      return failure();
    if (options.stopAfter == tgc::Stage::Tg)
      return printModule();
    if (failed(runPasses("linalg", [](OpPassManager &pm) {
          pm.addPass(tgc::createTgToLinalg());
          pm.addPass(createCanonicalizerPass());
          pm.addPass(createCSEPass());
        })))
      return failure();
    if (options.stopAfter == tgc::Stage::Linalg)
      return printModule();
    if (failed(runPasses("kernels", [&](OpPassManager &pm) {
          pm.addPass(tgc::createTgcFormDispatches());
          if (anyGpu)
            pm.addPass(tgc::createTgcGenerateGpuKernels());
          if (anyHost)
            pm.addPass(tgc::createTgcGenerateHostKernels());
          pm.addPass(createCanonicalizerPass());
          pm.addPass(createCSEPass());
        })))
      return failure();
    if (options.stopAfter == tgc::Stage::Kernels)
      return printModule();

    // Lowering to the LLVM dialect mutates MLIR and loads dialects, so it
    // runs target by target; LLVM optimization, code generation and the
    // external tools (ptxas, ld.lld) then run for all targets in parallel.
    std::vector<TargetWork> work;
    for (const ParsedTarget &target : targets) {
      work.emplace_back();
      work.back().target = target;
      if (failed(lowerTarget(work.back())))
        return failure();
    }
    if (options.stopAfter == tgc::Stage::Llvm) {
      for (TargetWork &w : work)
        result.text += w.text;
      return success();
    }
    {
      TimingScope scope = nestTiming("backends (parallel)");
      MLIRContext *context = module.getContext();
      ParallelDiagnosticHandler diagnostics(context);
      if (failed(failableParallelForEachN(
              context, 0, work.size(), [&](size_t i) {
                diagnostics.setOrderIDForThread(i);
                LogicalResult r = emitTarget(work[i]);
                diagnostics.eraseOrderIDForThread();
                return r;
              })))
        return failure();
    }
    std::vector<tgc::CodeObjectInput> code;
    for (TargetWork &w : work) {
      result.text += w.text;
      if (!w.bytes.empty())
        result.bytes = std::move(w.bytes);
      llvm::append_range(result.skipped, w.skipped);
      for (tgc::CodeObjectInput &object : w.code)
        code.push_back(std::move(object));
    }
    if (options.stopAfter != tgc::Stage::Bundle)
      return success();
    TimingScope scope = nestTiming("bundle");
    FailureOr<std::vector<uint8_t>> bundle =
        tgc::writeBundle(module, code, tgc::producerString());
    if (failed(bundle))
      return failure();
    dumpBytes("model.bin", *bundle);
    result.bytes = std::move(*bundle);
    return success();
  }

private:
  LogicalResult runPasses(StringRef stage,
                          function_ref<void(OpPassManager &)> populate) {
    if (options.verbose)
      llvm::errs() << "tgc: " << stage << "\n";
    PassManager pm(module.getContext());
    if (options.configurePassManager)
      options.configurePassManager(pm);
    TimingScope scope = nestTiming(stage);
    if (options.timing)
      pm.enableTiming(scope);
    populate(pm);
    if (failed(pm.run(module)))
      return failure();
    dumpText((Twine(++dumpCounter) + "-" + stage + ".mlir").str(),
             [&](llvm::raw_ostream &os) { module.print(os); });
    return success();
  }

  TimingScope nestTiming(StringRef name) {
    return options.timing ? options.timing->nest(name) : TimingScope();
  }

  LogicalResult printModule() {
    llvm::raw_string_ostream os(result.text);
    module.print(os);
    return success();
  }

  void dumpText(const std::string &name,
                function_ref<void(llvm::raw_ostream &)> write) {
    if (options.dumpDirectory.empty())
      return;
    std::string s;
    llvm::raw_string_ostream os(s);
    write(os);
    dumpBytes(name, std::vector<uint8_t>(s.begin(), s.end()));
  }
  void dumpBytes(const std::string &name, const std::vector<uint8_t> &bytes) {
    if (options.dumpDirectory.empty())
      return;
    llvm::sys::fs::create_directories(options.dumpDirectory);
    SmallString<256> path(options.dumpDirectory);
    llvm::sys::path::append(path, name);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
    if (ec) {
      module.emitWarning() << "cannot write " << path << ": " << ec.message();
      return;
    }
    os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  }

  static std::vector<uint8_t> toBytes(const tgc::Binary &binary) {
    return std::vector<uint8_t>(binary.begin(), binary.end());
  }

  /// A fresh module holding a copy of `op` so each target lowers its own.
  OwningOpRef<ModuleOp> cloneIntoModule(Operation *op) {
    OpBuilder b(module.getContext());
    OwningOpRef<ModuleOp> copy = ModuleOp::create(module.getLoc());
    (*copy)->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                     b.getUnitAttr());
    b.setInsertionPointToEnd(copy->getBody());
    Operation *clone = b.clone(*op);
    if (auto nested = dyn_cast<ModuleOp>(clone)) {
      // Host kernels: splice the functions into the top level.
      copy->getBody()->getOperations().splice(
          copy->getBody()->begin(), nested.getBody()->getOperations());
      nested.erase();
    }
    return copy;
  }

  /// One target's lowered module and what its back end produced.
  struct TargetWork {
    ParsedTarget target;
    OwningOpRef<ModuleOp> lowered;
    std::string triple, cpu; // host targets
    std::string text;
    std::vector<uint8_t> bytes;
    std::vector<tgc::CodeObjectInput> code;
    std::vector<std::string> skipped;
  };

  bool wantsStage(const ParsedTarget &target) const {
    switch (options.stopAfter) {
    case tgc::Stage::Ptx:
    case tgc::Stage::Cubin:
      return target.kind == TargetKind::Nvidia;
    case tgc::Stage::Hsaco:
      return target.kind == TargetKind::Amd;
    case tgc::Stage::Asm:
      return target.kind != TargetKind::Nvidia; // PTX is --emit=ptx
    default:
      return true;
    }
  }

  LogicalResult lowerTarget(TargetWork &w) {
    const ParsedTarget &target = w.target;
    std::string name = target.name.empty() ? "host" : target.name;
    if (!wantsStage(target))
      return success();
    if (options.verbose)
      llvm::errs() << "tgc: lowering for " << name << "\n";
    TimingScope scope = nestTiming("lower " + name);
    if (target.kind == TargetKind::Host) {
      auto hostModule =
          findNested<ModuleOp>(tgc::TgcDialect::kHostKernelModuleName);
      if (!hostModule)
        return module.emitError("no host kernels were generated");
      w.lowered = cloneIntoModule(hostModule);
      tgc::HostTarget host = hostTarget(target);
      if (failed(tgc::lowerHostModule(*w.lowered, hostKernels(), host)))
        return failure();
      FailureOr<tgc::HostTarget> resolved = host.resolve(module.getLoc());
      if (failed(resolved))
        return failure();
      w.triple = resolved->triple;
      w.cpu = resolved->cpu;
      name = w.triple;
    } else {
      auto gpuModule =
          findNested<gpu::GPUModuleOp>(tgc::TgcDialect::kGpuKernelModuleName);
      if (!gpuModule)
        return module.emitError("no GPU kernels were generated");
      w.lowered = cloneIntoModule(gpuModule);
      auto lowered = *w.lowered->getOps<gpu::GPUModuleOp>().begin();
      if (failed(tgc::lowerGpuModule(lowered,
                                     *tgc::TargetSpec::fromChip(target.name))))
        return failure();
    }
    dumpText(name + ".llvm.mlir",
             [&](llvm::raw_ostream &os) { w.lowered->print(os); });
    if (options.stopAfter == tgc::Stage::Llvm) {
      llvm::raw_string_ostream os(w.text);
      w.lowered->print(os);
    }
    return success();
  }

  /// Runs on a worker thread: touches only `w` and files of its own.
  LogicalResult emitTarget(TargetWork &w) {
    const ParsedTarget &target = w.target;
    if (!w.lowered)
      return success();
    if (target.kind == TargetKind::Host &&
        options.stopAfter == tgc::Stage::Asm) {
      FailureOr<std::string> assembly = tgc::emitHostAssembly(
          *w.lowered, hostTarget(target), options.optLevel);
      if (failed(assembly))
        return failure();
      w.text = *assembly;
      return success();
    }
    if (target.kind == TargetKind::Host) {
      FailureOr<tgc::Binary> library = tgc::emitHostSharedLibrary(
          *w.lowered, hostTarget(target), options.optLevel);
      if (failed(library))
        return failure();
      dumpBytes(w.triple + ".so", toBytes(*library));
      w.code.push_back({tgc::CodeObjectInput::Kind::HostSharedLibrary, w.triple,
                        w.cpu, toBytes(*library)});
      return success();
    }
    auto lowered = *w.lowered->getOps<gpu::GPUModuleOp>().begin();
    if (target.kind == TargetKind::Amd &&
        options.stopAfter == tgc::Stage::Asm) {
      FailureOr<std::string> assembly =
          tgc::emitAmdgpuAssembly(lowered, target.name, options.optLevel);
      if (failed(assembly))
        return failure();
      w.text = *assembly;
      return success();
    }
    if (target.kind == TargetKind::Amd) {
      FailureOr<tgc::Binary> hsaco =
          tgc::emitHsaco(lowered, target.name, options.optLevel);
      if (failed(hsaco))
        return failure();
      dumpBytes(target.name + ".hsaco", toBytes(*hsaco));
      if (options.stopAfter == tgc::Stage::Hsaco)
        w.bytes = toBytes(*hsaco);
      else
        w.code.push_back({tgc::CodeObjectInput::Kind::Hsaco, target.name, "",
                          toBytes(*hsaco)});
      return success();
    }
    FailureOr<std::string> ptx =
        tgc::emitPtx(lowered, target.name, options.optLevel);
    if (failed(ptx))
      return failure();
    dumpText(target.name + ".ptx", [&](llvm::raw_ostream &os) { os << *ptx; });
    if (options.stopAfter == tgc::Stage::Ptx) {
      w.text = *ptx;
      return success();
    }
    FailureOr<tgc::OptionalToolOutput> cubin =
        tgc::ptxToCubin(lowered.getLoc(), *ptx, target.name);
    if (failed(cubin))
      return failure();
    if (options.stopAfter == tgc::Stage::Cubin) {
      // On the location, not the op: an op diagnostic would print the
      // whole lowered GPU module after the message.
      if (!cubin->bytes)
        return emitError(lowered.getLoc())
               << "cannot produce a cubin for " << target.name << ": "
               << cubin->skipped;
      w.bytes = toBytes(*cubin->bytes);
      return success();
    }
    w.code.push_back({tgc::CodeObjectInput::Kind::Ptx, target.name, "",
                      std::vector<uint8_t>(ptx->begin(), ptx->end())});
    if (cubin->bytes) {
      dumpBytes(target.name + ".cubin", toBytes(*cubin->bytes));
      w.code.push_back({tgc::CodeObjectInput::Kind::Cubin, target.name, "",
                        toBytes(*cubin->bytes)});
    } else {
      w.skipped.push_back("cubin for " + target.name + " (" + cubin->skipped +
                          "); the bundle has PTX only");
    }
    return success();
  }

  tgc::HostTarget hostTarget(const ParsedTarget &target) const {
    tgc::HostTarget host;
    host.triple = target.name;
    host.cpu = options.hostCpu;
    return host;
  }

  std::vector<tgc::HostKernel> hostKernels() {
    std::vector<tgc::HostKernel> kernels;
    for (auto func : module.getOps<func::FuncOp>())
      if (tgc::isKernelFunction(func))
        kernels.push_back({func.getSymName().str(),
                           (func.getSymName() + "_body").str(),
                           func.getNumArguments() + 1});
    return kernels;
  }

  template <typename OpTy> OpTy findNested(StringRef name) {
    for (auto op : module.getOps<OpTy>())
      if (op.getSymName() == name)
        return op;
    return {};
  }

  ModuleOp module;
  const tgc::CompileOptions &options;
  tgc::CompileResult &result;
  std::vector<ParsedTarget> targets;
  int dumpCounter = 0;
};

} // namespace

LogicalResult tgc::validateTargets(const std::vector<std::string> &targets,
                                   Location loc) {
  if (targets.empty())
    return emitError(loc, "no targets given");
  for (const std::string &t : targets)
    if (!parseTarget(t))
      return emitError(loc) << "unknown target '" << t
                            << "' (expected host, a host triple such as "
                               "aarch64-linux-gnu, sm_XX or gfxNNNN)";
  return success();
}

/// tgc compiles modules of func.func entry points made of tg ops; anything
/// else is reported here rather than failing somewhere down the pipeline.
/// Errors go on locations, not ops: an op diagnostic would print the whole
/// function (or module) after the message.
static LogicalResult checkInput(ModuleOp module) {
  bool hasEntry = false;
  for (Operation &op : module.getBody()->getOperations()) {
    auto func = dyn_cast<func::FuncOp>(op);
    if (!func)
      return emitError(op.getLoc())
             << "unsupported top-level op '" << op.getName()
             << "' (a tgc model is a module of func.func)";
    if (func.isExternal())
      return emitError(func.getLoc())
             << "function '" << func.getSymName() << "' has no body";
    hasEntry |= func.isPublic();
    WalkResult walk = func.walk([&](Operation *inner) {
      if (inner == func.getOperation() || isa<func::ReturnOp>(inner) ||
          isa<tg::TgDialect>(inner->getDialect()))
        return WalkResult::advance();
      emitError(inner->getLoc())
          << "unsupported op '" << inner->getName()
          << "': tgc compiles tg ops (see docs/dialect/tg.md)";
      return WalkResult::interrupt();
    });
    if (walk.wasInterrupted())
      return failure();
    for (Type type : func.getFunctionType().getInputs())
      if (!isa<RankedTensorType>(type) ||
          !cast<RankedTensorType>(type).hasStaticShape())
        return emitError(func.getLoc())
               << "function '" << func.getSymName() << "' takes " << type
               << "; entry points take static tensors";
  }
  if (!hasEntry)
    return emitError(module.getLoc(),
                     "the module has no public function to compile");
  return success();
}

LogicalResult tgc::compile(ModuleOp module, const CompileOptions &options,
                           CompileResult &result) {
  if (failed(validateTargets(options.targets, module.getLoc())) ||
      failed(checkInput(module)))
    return failure();
  return Compilation(module, options, result).run();
}
