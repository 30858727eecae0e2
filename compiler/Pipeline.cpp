//===- Pipeline.cpp - the tgc compilation pipeline ------------------------===//

#include "compiler/Pipeline.h"

#include "compiler/Passes.h"
#include "compiler/bundle/BundleWriter.h"
#include "compiler/frontends/TgFrontend.h"
#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/Targets.h"
#include "ir/TgcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Threading.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using tgc::CodeFormat;

#ifndef TGC_VERSION
#define TGC_VERSION "0.0.0"
#endif

std::string tgc::producerString() {
  return std::string("tgc ") + TGC_VERSION + " (LLVM " LLVM_VERSION_STRING ")";
}

void tgc::registerCompilerDialects(DialectRegistry &registry) {
  registry.insert<tg::TgDialect, tgc::TgcDialect, func::FuncDialect,
                  arith::ArithDialect, math::MathDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, scf::SCFDialect, memref::MemRefDialect,
                  vector::VectorDialect, gpu::GPUDialect>();
  registerTargetDialects(registry);
}

namespace {

class Compilation {
public:
  Compilation(ModuleOp module, const tgc::CompileOptions &options,
              tgc::CompileResult &result)
      : module(module), options(options), result(result) {}

  LogicalResult run() {
    for (const tgc::Target &target : options.targets)
      backends.push_back(tgc::createTargetBackend(
          target, tgc::BackendOptions{options.gpuMatrixCores, options.allowTf32,
                                      options.gpuRegisterRows}));
    auto uses = [&](tgc::KernelSet set) {
      return llvm::any_of(backends, [&](const auto &backend) {
        return backend->kernelSet() == set;
      });
    };

    // Host kernels are shaped for the first host target's vectors (what
    // --emit=kernels shows); a host target with other vectors generates its
    // own when it is lowered.
    std::optional<tgc::HostVectorShape> hostShape;
    for (const auto &backend : backends) {
      if (backend->kernelSet() != tgc::KernelSet::Host)
        continue;
      FailureOr<tgc::HostVectorShape> shape =
          tgc::hostVectorShape(backend->target(), module.getLoc());
      if (failed(shape))
        return failure();
      hostShape = *shape;
      break;
    }

    // The kernels are shared by every target, so attention is fused when
    // each family's strategy may compute it: always on the host; on GPU
    // targets when asked (tgc --gpu-fused-attention), until the GPU kernel
    // has been checked on hardware.
    bool fuseAttention = uses(tgc::KernelSet::Gpu) ? options.gpuFusedAttention
                                                   : hostShape.has_value();
    if (failed(runPasses("tg", [&](OpPassManager &pm) {
          if (fuseAttention)
            pm.addPass(tgc::createTgcFuseAttention());
          pm.addPass(tgc::createTgcDecomposeComposites());
          pm.addPass(createCanonicalizerPass());
          pm.addPass(createCSEPass());
        })))
      return failure();
    if (stopsAt(tgc::IrStage::Tg))
      return printModule();
    if (failed(runPasses("linalg", [](OpPassManager &pm) {
          pm.addPass(tgc::createTgcConvertTgToLinalg());
          pm.addPass(createCanonicalizerPass());
          pm.addPass(createCSEPass());
        })))
      return failure();
    if (stopsAt(tgc::IrStage::Linalg))
      return printModule();
    if (failed(runPasses("kernels", [&](OpPassManager &pm) {
          pm.addPass(tgc::createTgcFormDispatches());
          if (uses(tgc::KernelSet::Gpu))
            pm.addPass(tgc::createTgcGenerateGpuKernels(
                tgc::TgcGenerateGpuKernelsOptions{options.gpuRegisterRows}));
          if (hostShape)
            pm.addPass(tgc::createTgcGenerateHostKernels(
                tgc::TgcGenerateHostKernelsOptions{hostShape->bits,
                                                   hostShape->registers}));
          pm.addPass(createCanonicalizerPass());
          pm.addPass(createCSEPass());
        })))
      return failure();
    if (stopsAt(tgc::IrStage::Kernels))
      return printModule();
    if (options.output.kind == tgc::Output::Kind::Schedule) {
      FailureOr<tgc::Schedule> schedule =
          tgc::buildSchedule(module, options.externalWeights);
      if (failed(schedule))
        return failure();
      llvm::raw_string_ostream os(result.text);
      tgc::printSchedule(*schedule, os);
      return success();
    }

    // Lowering to the LLVM dialect mutates MLIR and loads dialects, so it
    // runs target by target; LLVM optimization, code generation and the
    // external tools (ptxas, ld.lld) then run for all targets in parallel.
    std::vector<TargetWork> work;
    for (const auto &backend : backends) {
      if (!wanted(*backend))
        continue;
      work.push_back({backend.get()});
      if (failed(lowerTarget(work.back())))
        return failure();
    }
    if (stopsAt(tgc::IrStage::Llvm)) {
      llvm::raw_string_ostream os(result.text);
      for (TargetWork &w : work)
        w.lowered->print(os);
      return success();
    }
    {
      announce("code generation");
      TimingScope scope = nestTiming("backends (parallel)");
      MLIRContext *context = module.getContext();
      ParallelDiagnosticHandler diagnostics(context);
      if (failed(
              failableParallelForEachN(context, 0, work.size(), [&](size_t i) {
                diagnostics.setOrderIDForThread(i);
                LogicalResult r = emitTarget(work[i]);
                diagnostics.eraseOrderIDForThread();
                return r;
              })))
        return failure();
    }
    return collect(work);
  }

private:
  /// One target's lowered module and what its back end produced.
  struct TargetWork {
    const tgc::TargetBackend *backend;
    OwningOpRef<ModuleOp> lowered;
    std::vector<tgc::KernelLaunch> launches;
    std::string assembly;
    std::vector<tgc::CodeObject> objects;
    std::vector<tgc::SkippedCode> skipped;
  };

  bool stopsAt(tgc::IrStage stage) const {
    return options.output.kind == tgc::Output::Kind::Ir &&
           options.output.stage == stage;
  }

  /// Whether a target takes part in producing the requested output.
  bool wanted(const tgc::TargetBackend &backend) const {
    switch (options.output.kind) {
    case tgc::Output::Kind::Assembly:
      return backend.hasAssembly();
    case tgc::Output::Kind::CodeObject:
      return llvm::is_contained(backend.target().codeFormats(),
                                options.output.format);
    case tgc::Output::Kind::Ir:
    case tgc::Output::Kind::Schedule:
    case tgc::Output::Kind::Bundle:
      break;
    }
    return true;
  }

  LogicalResult lowerTarget(TargetWork &w) {
    const tgc::Target &target = w.backend->target();
    announce("lowering for " + target.name());
    TimingScope scope = nestTiming("lower " + target.name());
    FailureOr<tgc::LoweredKernels> lowered = w.backend->lower(module);
    if (failed(lowered))
      return failure();
    w.lowered = std::move(lowered->module);
    w.launches = std::move(lowered->launches);
    dumpText(target.name() + ".llvm.mlir",
             [&](llvm::raw_ostream &os) { w.lowered->print(os); });
    return success();
  }

  /// Runs on a worker thread: touches only `w` and files of its own.
  LogicalResult emitTarget(TargetWork &w) {
    const tgc::TargetBackend &backend = *w.backend;
    if (options.output.kind == tgc::Output::Kind::Assembly) {
      FailureOr<std::string> assembly =
          backend.emitAssembly(*w.lowered, options.optLevel);
      if (failed(assembly))
        return failure();
      w.assembly = std::move(*assembly);
      return success();
    }
    SmallVector<CodeFormat, 2> formats = backend.target().codeFormats();
    if (options.output.kind == tgc::Output::Kind::CodeObject)
      formats.assign({options.output.format});
    if (failed(backend.emit(*w.lowered, formats, options.optLevel, w.objects,
                            w.skipped)))
      return failure();
    for (tgc::CodeObject &object : w.objects)
      object.launches = w.launches;
    for (const tgc::CodeObject &object : w.objects)
      dumpBytes(object.arch + "." +
                    tgc::codeFormatExtension(object.format).str(),
                object.bytes);
    return success();
  }

  /// Puts what the targets produced into the result.
  LogicalResult collect(std::vector<TargetWork> &work) {
    std::vector<tgc::CodeObject> code;
    for (TargetWork &w : work) {
      const tgc::Target &target = w.backend->target();
      result.text += w.assembly;
      for (const tgc::SkippedCode &skipped : w.skipped) {
        // On the location, not the op: an op diagnostic would print the
        // whole module after the message.
        if (options.output.kind == tgc::Output::Kind::CodeObject)
          return emitError(module.getLoc())
                 << "cannot produce a "
                 << tgc::describeCodeFormat(skipped.format) << " for "
                 << target.name() << ": " << skipped.reason;
        std::string fallback;
        for (const tgc::CodeObject &object : w.objects)
          fallback += std::string(fallback.empty() ? "" : ", ") +
                      tgc::describeCodeFormat(object.format);
        result.skipped.push_back(
            std::string(tgc::describeCodeFormat(skipped.format)) + " for " +
            target.name() + " (" + skipped.reason + "); the bundle has " +
            fallback + " only");
      }
      for (tgc::CodeObject &object : w.objects) {
        if (options.output.kind == tgc::Output::Kind::Bundle)
          code.push_back(std::move(object));
        else if (object.format == CodeFormat::Ptx)
          result.text.append(object.bytes.begin(), object.bytes.end());
        else
          result.bytes = std::move(object.bytes);
      }
    }
    if (options.output.kind != tgc::Output::Kind::Bundle)
      return success();
    announce("bundle");
    TimingScope scope = nestTiming("bundle");
    FailureOr<tgc::Schedule> schedule =
        tgc::buildSchedule(module, options.externalWeights);
    if (failed(schedule))
      return failure();
    releaseWeights();
    FailureOr<std::vector<uint8_t>> bundle = tgc::writeBundle(
        std::move(*schedule), std::move(code), tgc::producerString());
    if (failed(bundle))
      return failure();
    if (options.sealBundle) {
      std::string error = options.sealBundle(*bundle);
      if (!error.empty())
        return emitError(module.getLoc()) << error;
    }
    dumpBytes("model.bin", *bundle);
    result.bytes = std::move(*bundle);
    return success();
  }

  /// The schedule holds a copy of every constant now, and compiling
  /// consumes the module, so the blobs of its dense_resource constants are
  /// released: an imported model's weights (held by the parsed model file)
  /// are then freed before the bundle's bytes are assembled, and a model is
  /// held twice at most rather than three times.
  void releaseWeights() {
    module.walk([](Operation *op) {
      for (NamedAttribute attr : op->getAttrs())
        if (auto weights = dyn_cast<DenseResourceElementsAttr>(attr.getValue()))
          if (DialectResourceBlobManager::BlobEntry *entry =
                  weights.getRawHandle().getResource())
            entry->setBlob(AsmResourceBlob());
    });
  }

  LogicalResult runPasses(StringRef stage,
                          function_ref<void(OpPassManager &)> populate) {
    announce(stage);
    PassManager pm(module.getContext());
    if (options.configurePassManager)
      options.configurePassManager(pm);
    TimingScope scope = nestTiming(stage);
    if (options.timing)
      pm.enableTiming(scope);
    populate(pm);
    if (failed(pm.run(module)))
      return failure();
    if (stage == "kernels")
      kernelCount =
          llvm::count_if(module.getOps<func::FuncOp>(), [](func::FuncOp f) {
            return tgc::isKernelFunction(f);
          });
    dumpText((Twine(++dumpCounter) + "-" + stage + ".mlir").str(),
             [&](llvm::raw_ostream &os) { module.print(os); });
    return success();
  }

  void announce(const Twine &stage) {
    if (options.verbose)
      llvm::errs() << "tgc: " << stage << "\n";
    if (options.progress)
      options.progress(stage.str(), kernelCount);
  }

  TimingScope nestTiming(StringRef name) {
    return options.timing ? options.timing->nest(name) : TimingScope();
  }

  LogicalResult printModule() {
    llvm::raw_string_ostream os(result.text);
    // Weights (dense_resource blobs of imported models) are referenced by
    // name, not printed: a model's IR stays readable and small.
    module.print(os, OpPrintingFlags().elideLargeResourceString(kMaxPrinted));
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

  /// Resource blobs above this many bytes are elided from printed IR.
  static constexpr int64_t kMaxPrinted = 4096;

  ModuleOp module;
  const tgc::CompileOptions &options;
  tgc::CompileResult &result;
  std::vector<std::unique_ptr<tgc::TargetBackend>> backends;
  int dumpCounter = 0;
  size_t kernelCount = 0;
};

} // namespace

LogicalResult tgc::compile(ModuleOp module, const CompileOptions &options,
                           CompileResult &result) {
  if (options.targets.empty())
    return emitError(module.getLoc(), "no targets given");
  if (failed(tgc::checkTgModule(module)))
    return failure();
  return Compilation(module, options, result).run();
}
