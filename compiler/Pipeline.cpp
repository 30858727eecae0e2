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
  registry.insert<tg::TgDialect, func::FuncDialect, arith::ArithDialect,
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

    std::vector<tgc::CodeObjectInput> code;
    for (const ParsedTarget &target : targets) {
      if (failed(compileTarget(target, code)))
        return failure();
    }
    switch (options.stopAfter) {
    case tgc::Stage::Llvm:
    case tgc::Stage::Ptx:
    case tgc::Stage::Asm:
      return success();
    case tgc::Stage::Cubin:
    case tgc::Stage::Hsaco:
      return success();
    default:
      break;
    }
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
    populate(pm);
    if (failed(pm.run(module)))
      return failure();
    dumpText((Twine(++dumpCounter) + "-" + stage + ".mlir").str(),
             [&](llvm::raw_ostream &os) { module.print(os); });
    return success();
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

  LogicalResult compileTarget(const ParsedTarget &target,
                              std::vector<tgc::CodeObjectInput> &code) {
    if (options.verbose)
      llvm::errs() << "tgc: target "
                   << (target.name.empty() ? "host" : target.name) << "\n";
    if (target.kind == TargetKind::Host)
      return compileHost(target, code);
    auto gpuModule = findNested<gpu::GPUModuleOp>("tgc_gpu_kernels");
    if (!gpuModule)
      return module.emitError("no GPU kernels were generated");
    OwningOpRef<ModuleOp> copy = cloneIntoModule(gpuModule);
    auto lowered = *copy->getOps<gpu::GPUModuleOp>().begin();
    auto spec = *tgc::TargetSpec::fromChip(target.name);
    if (failed(tgc::lowerGpuModule(lowered, spec)))
      return failure();
    dumpText(target.name + ".llvm.mlir",
             [&](llvm::raw_ostream &os) { copy->print(os); });
    if (options.stopAfter == tgc::Stage::Llvm) {
      llvm::raw_string_ostream os(result.text);
      copy->print(os);
      return success();
    }
    if (target.kind == TargetKind::Amd) {
      if (options.stopAfter == tgc::Stage::Ptx ||
          options.stopAfter == tgc::Stage::Cubin)
        return success();
      FailureOr<tgc::Binary> hsaco =
          tgc::emitHsaco(lowered, target.name, options.optLevel);
      if (failed(hsaco))
        return failure();
      dumpBytes(target.name + ".hsaco", toBytes(*hsaco));
      if (options.stopAfter == tgc::Stage::Hsaco) {
        result.bytes = toBytes(*hsaco);
        return success();
      }
      code.push_back({tgc::CodeObjectInput::Kind::Hsaco, target.name,
                      toBytes(*hsaco)});
      return success();
    }
    if (options.stopAfter == tgc::Stage::Hsaco)
      return success();
    FailureOr<std::string> ptx =
        tgc::emitPtx(lowered, target.name, options.optLevel);
    if (failed(ptx))
      return failure();
    dumpText(target.name + ".ptx", [&](llvm::raw_ostream &os) { os << *ptx; });
    if (options.stopAfter == tgc::Stage::Ptx) {
      result.text += *ptx;
      return success();
    }
    FailureOr<tgc::OptionalToolOutput> cubin =
        tgc::ptxToCubin(module.getLoc(), *ptx, target.name);
    if (failed(cubin))
      return failure();
    if (options.stopAfter == tgc::Stage::Cubin) {
      if (!cubin->bytes)
        return module.emitError() << "cannot produce a cubin for "
                                  << target.name << ": " << cubin->skipped;
      result.bytes = toBytes(*cubin->bytes);
      return success();
    }
    code.push_back({tgc::CodeObjectInput::Kind::Ptx, target.name,
                    std::vector<uint8_t>(ptx->begin(), ptx->end())});
    if (cubin->bytes) {
      dumpBytes(target.name + ".cubin", toBytes(*cubin->bytes));
      code.push_back({tgc::CodeObjectInput::Kind::Cubin, target.name,
                      toBytes(*cubin->bytes)});
    } else {
      result.skipped.push_back("cubin for " + target.name + " (" +
                               cubin->skipped + "); the bundle has PTX only");
    }
    return success();
  }

  LogicalResult compileHost(const ParsedTarget &target,
                            std::vector<tgc::CodeObjectInput> &code) {
    if (options.stopAfter == tgc::Stage::Ptx ||
        options.stopAfter == tgc::Stage::Cubin ||
        options.stopAfter == tgc::Stage::Hsaco)
      return success();
    auto hostModule = findNested<ModuleOp>("tgc_host_kernels");
    if (!hostModule)
      return module.emitError("no host kernels were generated");
    std::vector<tgc::HostKernel> kernels;
    for (auto func : module.getOps<func::FuncOp>())
      if (func->hasAttr("tgc.kernel"))
        kernels.push_back({func.getSymName().str(),
                           (func.getSymName() + "_body").str(),
                           func.getNumArguments() + 1});
    OwningOpRef<ModuleOp> copy = cloneIntoModule(hostModule);
    tgc::HostTarget host;
    host.triple = target.name;
    host.cpu = options.hostCpu;
    if (failed(tgc::lowerHostModule(*copy, kernels, host)))
      return failure();
    std::string triple =
        llvm::Triple::normalize(target.name.empty()
                                    ? llvm::sys::getDefaultTargetTriple()
                                    : target.name);
    dumpText(triple + ".llvm.mlir",
             [&](llvm::raw_ostream &os) { copy->print(os); });
    if (options.stopAfter == tgc::Stage::Llvm) {
      llvm::raw_string_ostream os(result.text);
      copy->print(os);
      return success();
    }
    FailureOr<tgc::Binary> library =
        tgc::emitHostSharedLibrary(*copy, host, options.optLevel);
    if (failed(library))
      return failure();
    dumpBytes(triple + ".so", toBytes(*library));
    code.push_back({tgc::CodeObjectInput::Kind::HostSharedLibrary, triple,
                    toBytes(*library)});
    return success();
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
static LogicalResult checkInput(ModuleOp module) {
  bool hasEntry = false;
  for (Operation &op : module.getBody()->getOperations()) {
    auto func = dyn_cast<func::FuncOp>(op);
    if (!func)
      return op.emitError() << "unsupported top-level op '" << op.getName()
                            << "' (a tgc model is a module of func.func)";
    if (func.isExternal())
      return func.emitError() << "function '" << func.getSymName()
                              << "' has no body";
    hasEntry |= func.isPublic();
    WalkResult walk = func.walk([&](Operation *inner) {
      if (inner == func.getOperation() || isa<func::ReturnOp>(inner) ||
          isa<tg::TgDialect>(inner->getDialect()))
        return WalkResult::advance();
      inner->emitError() << "unsupported op '" << inner->getName()
                         << "': tgc compiles tg ops (see docs/dialect/tg.md)";
      return WalkResult::interrupt();
    });
    if (walk.wasInterrupted())
      return failure();
    for (Type type : func.getFunctionType().getInputs())
      if (!isa<RankedTensorType>(type) ||
          !cast<RankedTensorType>(type).hasStaticShape())
        return func.emitError() << "function '" << func.getSymName()
                                << "' takes " << type
                                << "; entry points take static tensors";
  }
  if (!hasEntry)
    return module.emitError("the module has no public function to compile");
  return success();
}

LogicalResult tgc::compile(ModuleOp module, const CompileOptions &options,
                           CompileResult &result) {
  if (failed(validateTargets(options.targets, module.getLoc())) ||
      failed(checkInput(module)))
    return failure();
  return Compilation(module, options, result).run();
}
