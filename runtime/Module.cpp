//===- Module.cpp - loaded code, resident constants, sessions -------------===//

#include "runtime/Module.h"

#include "runtime/DeviceSelection.h"
#include "runtime/HalStatus.h"
#include "runtime/Weights.h"

#include <algorithm>
#include <cstring>

using namespace tgc;
using namespace tgc::rt;

#ifndef TGC_VERSION
#error "TGC_VERSION must be defined by the build"
#endif

//===----------------------------------------------------------------------===//
// Module
//===----------------------------------------------------------------------===//

Status Module::load(std::shared_ptr<hal::Device> device, const Bundle &bundle,
                    const KernelCacheOptions &cacheOptions,
                    const std::vector<std::string> &weightFiles,
                    std::shared_ptr<const Module> &out) {
  std::shared_ptr<Module> module(new Module());
  module->device_ = std::move(device);
  module->desc_ = bundle.descRef();
  // The weights files are checked first: they are what a user changes
  // between runs, and code loading can take a while (PTX compilation).
  std::vector<std::string> weightPaths;
  TGC_RETURN_IF_ERROR(resolveWeightFiles(bundle, weightFiles, weightPaths));
  TGC_RETURN_IF_ERROR(module->loadCode(bundle, cacheOptions));
  TGC_RETURN_IF_ERROR(module->uploadConstants(bundle, weightPaths));
  out = std::move(module);
  return Status::ok();
}

Module::~Module() {
  program_.reset();
  if (constants_.size)
    device_->free(constants_);
}

Status Module::loadCode(const Bundle &bundle,
                        const KernelCacheOptions &cacheOptions) {
  const hal::DeviceInfo &info = device_->info();
  std::string where = bundle.name() + " on " + deviceId(info);
  CodeChoice choice = chooseCodeObject(*desc_, info);
  if (choice.codeObject < 0)
    return Status::unavailable(
        "the bundle has no code for " + deviceId(info) + " (" + info.arch +
        "): it has " + desc_->codeObjectList() +
        (choice.rejected.empty() ? "" : "; " + choice.rejected));
  const CodeObjectDesc &code = desc_->codeObjects[choice.codeObject];
  where += " (" + code.str() + ")";
  std::vector<uint8_t> bytes;
  TGC_RETURN_IF_ERROR(bundle.readSection(code.section, bytes));
  codeDescription_ = code.str();

  if (choice.compilePtx) {
    // Drivers read PTX as a C string; the NUL stays outside `size` so the
    // cache key and the byte count describe the PTX alone.
    size_t ptxSize = bytes.size();
    while (ptxSize > 0 && bytes[ptxSize - 1] == 0)
      --ptxSize;
    bytes.resize(ptxSize);
    bytes.push_back(0);

    // The CUDA backend compiles the PTX for the device through the kernel
    // cache and loads the cubin.
    HalKernelCache cache(cacheOptions, TGC_VERSION,
                         "compiling " + code.str() + " for " + info.arch);
    hal::ProgramOptions options;
    options.compiledCodeCache = &cache;
    hal::Status loaded = device_->loadProgram(CodeFormat::Ptx, bytes.data(),
                                              ptxSize, options, program_);
    // The backend consults the cache unless it refuses the PTX outright.
    if (!cache.consulted() || cache.result()) {
      TGC_RETURN_IF_ERROR(fromHal(loaded, "loading " + where));
      codeDescription_ +=
          " compiled by the CUDA driver for " + info.arch +
          " (kernel cache: " + KernelCache::outcomeName(cache.outcome()) + ")";
    } else {
      // The compile failed: let the driver load the PTX directly (it
      // JIT-compiles it, uncached by tgc); report both if that fails too.
      const Status &compiled = cache.result();
      loaded = device_->loadProgram(CodeFormat::Ptx, bytes.data(), ptxSize,
                                    program_);
      if (!loaded.ok())
        return fromHal(loaded, "loading " + where + " (after " +
                                   compiled.message() + ")");
      codeDescription_ += " JIT-compiled by the CUDA driver for " + info.arch +
                          " (not cached: " + compiled.message() + ")";
    }
  } else {
    TGC_RETURN_IF_ERROR(fromHal(
        device_->loadProgram(code.format, bytes.data(), bytes.size(), program_),
        "loading " + where));
  }

  bool gpu = info.kind != hal::DeviceKind::Host;
  for (size_t k = 0; k < desc_->kernels.size(); ++k) {
    const LaunchDesc &launch = code.launches[k];
    std::string kwhere = where + ": kernel " + std::to_string(k) + " ('" +
                         desc_->kernels[k].name + "')";
    void *handle = nullptr;
    TGC_RETURN_IF_ERROR(fromHal(program_->getKernel(launch.symbol, handle),
                                kwhere + ": symbol '" + launch.symbol + "'",
                                TGC_STATUS_DATA_LOSS));
    // Launch shapes come from the bundle: checked against what the device
    // takes before anything runs (a grid of 2^40 blocks would never end).
    auto shape = [](const uint32_t(&dims)[3]) {
      return "[" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) +
             ", " + std::to_string(dims[2]) + "]";
    };
    for (int d = 0; d < 3; ++d) {
      if (launch.grid[d] > info.maxGrid[d])
        return Status::unavailable(kwhere + ": its grid " + shape(launch.grid) +
                                   " exceeds what " + deviceId(info) +
                                   " launches (" + shape(info.maxGrid) + ")");
      if (launch.block[d] > info.maxBlock[d])
        return Status::unavailable(
            kwhere + ": its block " + shape(launch.block) + " exceeds what " +
            deviceId(info) + " launches (" + shape(info.maxBlock) + ")");
    }
    uint64_t threads =
        uint64_t(launch.block[0]) * launch.block[1] * launch.block[2];
    if (gpu && info.maxThreadsPerBlock > 0 &&
        threads > uint64_t(info.maxThreadsPerBlock))
      return Status::unavailable(kwhere + " needs " + std::to_string(threads) +
                                 " threads per block but the device allows " +
                                 std::to_string(info.maxThreadsPerBlock));
    if (gpu && info.maxSharedMemoryPerBlock > 0 &&
        launch.sharedMemoryBytes > info.maxSharedMemoryPerBlock)
      return Status::unavailable(
          kwhere + " needs " + std::to_string(launch.sharedMemoryBytes) +
          " bytes of shared memory but the device allows " +
          std::to_string(info.maxSharedMemoryPerBlock));
    // Host code: per-thread workspace (docs/host-abi.md), which the host
    // device allocates for every thread of its pool.
    if (!gpu && launch.sharedMemoryBytes > kMaxHostWorkspaceBytes)
      return Status::dataLoss(
          kwhere + " asks for " + std::to_string(launch.sharedMemoryBytes) +
          " bytes of workspace per thread, more than the " +
          std::to_string(kMaxHostWorkspaceBytes) + " a host kernel may have");
    hal::LaunchConfig config;
    std::memcpy(config.grid, launch.grid, sizeof(config.grid));
    std::memcpy(config.block, launch.block, sizeof(config.block));
    config.sharedMemoryBytes = launch.sharedMemoryBytes;
    kernels_.push_back(handle);
    launches_.push_back(config);
  }
  return Status::ok();
}

Status Module::uploadConstants(const Bundle &bundle,
                               const std::vector<std::string> &weightFiles) {
  if (desc_->constantsSize == 0)
    return Status::ok();
  std::vector<uint8_t> bytes;
  if (desc_->constantsSection >= 0)
    TGC_RETURN_IF_ERROR(
        bundle.readSection(uint32_t(desc_->constantsSection), bytes));
  // External constants go after the section, so that they too are uploaded
  // in the one copy below.
  if (!desc_->weightFiles.empty())
    TGC_RETURN_IF_ERROR(
        readExternalConstants(*desc_, weightFiles, bundle.name(), bytes));
  std::string what = "uploading " + std::to_string(bytes.size()) +
                     " bytes of constants to " + deviceId(device_->info());
  TGC_RETURN_IF_ERROR(fromHal(device_->allocate(bytes.size(), constants_), what,
                              TGC_STATUS_RESOURCE_EXHAUSTED));
  // One allocation and one copy: over a Thunderbolt link, many small copies
  // cost far more than one large one.
  std::unique_ptr<hal::Queue> queue;
  TGC_RETURN_IF_ERROR(fromHal(device_->createQueue(queue), what));
  TGC_RETURN_IF_ERROR(fromHal(
      queue->copyHostToDevice(bytes.data(), constants_, 0, bytes.size()),
      what));
  return fromHal(queue->synchronize(), what);
}

//===----------------------------------------------------------------------===//
// Device buffers and donation
//===----------------------------------------------------------------------===//

Status DeviceBuffer::create(std::shared_ptr<hal::Device> device,
                            TensorType type,
                            std::shared_ptr<DeviceBuffer> &out) {
  std::shared_ptr<DeviceBuffer> buffer(new DeviceBuffer());
  buffer->device_ = std::move(device);
  buffer->type_ = std::move(type);
  // A tensor with no elements needs no memory; nothing ever touches it.
  if (buffer->type_.byteSize > 0)
    TGC_RETURN_IF_ERROR(fromHal(
        buffer->device_->allocate(buffer->type_.byteSize, buffer->memory_),
        "allocating a " + buffer->type_.str() + " buffer (" +
            std::to_string(buffer->type_.byteSize) + " bytes) on " +
            deviceId(buffer->device_->info()),
        TGC_STATUS_RESOURCE_EXHAUSTED));
  out = std::move(buffer);
  return Status::ok();
}

DeviceBuffer::~DeviceBuffer() {
  if (memory_.size)
    device_->free(memory_);
}

Status tgc::rt::checkDonation(const ModuleDesc &desc, const FunctionDesc &fn,
                              size_t input, size_t output) {
  std::string pair = "function '" + fn.name + "' output " +
                     std::to_string(output) + " cannot be written over input " +
                     std::to_string(input);
  if (!(fn.inputs[input] == fn.outputs[output]))
    return Status::invalidArgument(
        pair + ": the input is " + fn.inputs[input].str() +
        " but the output is " + fn.outputs[output].str());
  int64_t in = fn.inputBuffers[input];
  if (in < 0)
    return Status::ok(); // nothing reads the input
  uint32_t out = fn.outputBuffers[output];
  // The schedule runs in order, so the memory holds the input until the
  // first step that writes the output. A read of the input after that (or by
  // that same kernel, which assumes its bindings do not alias) would see the
  // output instead. A copy of the input onto the output at the same offset
  // is the one write that donation turns into a no-op: it counts as a read
  // of the input, not as a write.
  int64_t firstWrite = -1;
  for (size_t s = 0; s < fn.steps.size(); ++s) {
    const StepDesc &step = fn.steps[s];
    bool reads = false, writes = false;
    if (step.kind == StepKind::Copy) {
      const BindingDesc &src = step.bindings[0], &dst = step.bindings[1];
      bool identity =
          src.buffer == in && dst.buffer == out && src.offset == dst.offset;
      reads = src.buffer == in || dst.buffer == in;
      writes = dst.buffer == out && !identity;
    } else {
      // A kernel that reads the input only through in-place bindings (each
      // element before it writes the same element of its output) at the
      // offset where it writes the output may run on one buffer: the
      // compiler marks such bindings (a lone elementwise op, e.g. a KV
      // cache update).
      const KernelDesc &kernel = desc.kernels[step.kernel];
      const BindingDesc *written = nullptr;
      for (size_t b = 0; b < step.bindings.size(); ++b)
        if (kernel.bindings[b].write && step.bindings[b].buffer == out)
          written = &step.bindings[b];
      bool inPlace = written != nullptr;
      for (size_t b = 0; b < step.bindings.size(); ++b) {
        if (step.bindings[b].buffer != in)
          continue;
        reads = true;
        inPlace &= written && kernel.bindings[b].inPlace &&
                   step.bindings[b].offset == written->offset;
      }
      writes = written != nullptr;
      if (reads && writes && inPlace && firstWrite < 0) {
        firstWrite = int64_t(s);
        continue;
      }
    }
    if (reads && writes)
      return Status::invalidArgument(
          pair + ": step " + std::to_string(s) +
          " reads the input while it writes the output");
    if (reads && firstWrite >= 0)
      return Status::invalidArgument(pair + ": step " + std::to_string(s) +
                                     " reads the input after step " +
                                     std::to_string(firstWrite) +
                                     " writes the output");
    if (writes && firstWrite < 0)
      firstWrite = int64_t(s);
  }
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

std::string tgc::rt::viewTypeString(const tgc_tensor_view_t &view) {
  std::string s = "tensor<";
  if (view.rank < 0 || (view.rank > 0 && !view.shape))
    return s + "rank " + std::to_string(view.rank) + ">";
  for (int32_t i = 0; i < view.rank; ++i)
    s += std::to_string(view.shape[i]) + "x";
  int dtype = rawEnumValue(view.dtype);
  s += isDType(dtype) ? dtypeName(DType(dtype))
                      : "dtype" + std::to_string(dtype);
  return s + ">";
}

Status Session::create(std::shared_ptr<const Module> module,
                       std::unique_ptr<Session> &out) {
  std::unique_ptr<Session> session(new Session());
  TGC_RETURN_IF_ERROR(fromHal(module->device().createQueue(session->queue_),
                              "creating a queue"));
  // A GPU gets a second queue for host copies, so that they overlap the
  // kernels; the host device's queues run everything before returning.
  if (module->device().info().kind != hal::DeviceKind::Host)
    TGC_RETURN_IF_ERROR(
        fromHal(module->device().createQueue(session->transferQueue_),
                "creating a transfer queue"));
  session->functions_.resize(module->desc().functions.size());
  session->module_ = std::move(module);
  out = std::move(session);
  return Status::ok();
}

Session::~Session() {
  if (queue_)
    (void)queue_->synchronize();
  if (transferQueue_)
    (void)transferQueue_->synchronize();
  events_.clear();
  orderEvents_.clear();
  queue_.reset();
  transferQueue_.reset();
  for (FunctionState &state : functions_)
    for (hal::Buffer &buffer : state.allocations)
      module_->device().free(buffer);
}

Status Session::prepare(size_t function) {
  FunctionState &state = functions_[function];
  if (state.ready)
    return Status::ok();
  const FunctionDesc &fn = module_->desc().functions[function];
  std::vector<BoundBuffer> buffers(fn.buffers.size());
  for (size_t b = 0; b < fn.buffers.size(); ++b) {
    const BufferDesc &desc = fn.buffers[b];
    if (desc.kind == BufferKind::Constant) {
      buffers[b].memory = module_->constantsBuffer();
      buffers[b].offset = module_->desc().constants[desc.index].offset;
      continue;
    }
    // Inputs and outputs get memory when a call first passes a host tensor
    // the kernels cannot use in place (allocate): a KV cache passed as a
    // device buffer is never duplicated in the session.
    if (desc.kind == BufferKind::Scratch)
      TGC_RETURN_IF_ERROR(allocate(function, b, buffers[b]));
  }
  state.buffers = std::move(buffers);
  state.ready = true;
  return Status::ok();
}

Status Session::allocate(size_t function, size_t b, BoundBuffer &out) {
  FunctionState &state = functions_[function];
  const FunctionDesc &fn = module_->desc().functions[function];
  uint64_t size = fn.buffers[b].size;
  if (size == 0)
    return Status::ok(); // nothing to allocate; kernels never touch it
  hal::Buffer memory;
  hal::Status status = module_->device().allocate(size, memory);
  if (!status.ok())
    return fromHal(status,
                   "function '" + fn.name + "': allocating buffer " +
                       std::to_string(b) + " (" + std::to_string(size) +
                       " bytes)",
                   TGC_STATUS_RESOURCE_EXHAUSTED);
  state.allocations.push_back(memory);
  out.memory = memory;
  out.offset = 0;
  return Status::ok();
}

/// The caller's host tensor must have exactly `type` and memory behind it.
static Status checkTensorView(const TensorType &type,
                              const tgc_tensor_view_t &view,
                              const std::string &where) {
  bool same = rawEnumValue(view.dtype) == int(type.dtype) &&
              view.rank == int32_t(type.shape.size()) &&
              (view.rank == 0 ||
               (view.shape &&
                std::equal(type.shape.begin(), type.shape.end(), view.shape)));
  if (!same)
    return Status::invalidArgument(where + ": expected " + type.str() +
                                   ", got " + viewTypeString(view));
  if (!view.data && type.byteSize > 0)
    return Status::invalidArgument(where + ": data pointer is null");
  return Status::ok();
}

Status Session::checkArgs(const FunctionDesc &fn, const char *what,
                          const std::vector<TensorType> &types,
                          const CallArg *args, size_t count) const {
  if (count != types.size())
    return Status::invalidArgument("function '" + fn.name + "' takes " +
                                   countOf(types.size(), what) + ", got " +
                                   std::to_string(count));
  if (count > 0 && !args)
    return Status::invalidArgument("function '" + fn.name + "': " + what +
                                   "s pointer is null");
  for (size_t i = 0; i < count; ++i) {
    const TensorType &type = types[i];
    std::string where =
        "function '" + fn.name + "' " + what + " " + std::to_string(i);
    if (args[i].buffer) {
      TGC_RETURN_IF_ERROR(checkBuffer(*args[i].buffer, type, where));
      continue;
    }
    TGC_RETURN_IF_ERROR(checkTensorView(type, *args[i].tensor, where));
  }
  return Status::ok();
}

Status Session::checkBuffer(const DeviceBuffer &buffer, const TensorType &type,
                            const std::string &where) const {
  const hal::Device &mine = module_->device();
  if (&buffer.device() != &mine) {
    std::string theirs = deviceId(buffer.device().info());
    std::string ours = deviceId(mine.info());
    return Status::invalidArgument(
        where + ": the buffer belongs to device " + theirs +
        (theirs == ours ? " opened separately" : "") +
        ", not to the session's device " + ours +
        " (a buffer is used only on the device it was made on)");
  }
  if (!(buffer.type() == type))
    return Status::invalidArgument(where + ": expected " + type.str() +
                                   ", got a buffer of " + buffer.type().str());
  return Status::ok();
}

Status Session::checkAliasing(const FunctionDesc &fn, const CallArg *inputs,
                              const CallArg *outputs) const {
  for (size_t o = 0; o < fn.outputs.size(); ++o) {
    const DeviceBuffer *buffer = outputs[o].buffer.get();
    if (!buffer)
      continue;
    for (size_t p = o + 1; p < fn.outputs.size(); ++p)
      if (outputs[p].buffer.get() == buffer)
        return Status::invalidArgument(
            "function '" + fn.name + "' outputs " + std::to_string(o) +
            " and " + std::to_string(p) + " are the same buffer");
    for (size_t i = 0; i < fn.inputs.size(); ++i)
      if (inputs[i].buffer.get() == buffer)
        TGC_RETURN_IF_ERROR(checkDonation(module_->desc(), fn, i, o));
  }
  return Status::ok();
}

Status Session::record(size_t eventIndex) {
  while (events_.size() <= eventIndex) {
    std::unique_ptr<hal::Event> event;
    TGC_RETURN_IF_ERROR(fromHal(module_->device().createEvent(event),
                                "creating a profiling event"));
    events_.push_back(std::move(event));
  }
  return fromHal(queue_->record(*events_[eventIndex]),
                 "recording a profiling event");
}

Status Session::callAsync(size_t function, const CallArg *inputs,
                          size_t inputCount, const CallArg *outputs,
                          size_t outputCount) {
  const ModuleDesc &desc = module_->desc();
  if (function >= desc.functions.size())
    return Status::invalidArgument(
        "function index " + std::to_string(function) + " is out of range (" +
        countOf(desc.functions.size(), "function") + ")");
  const FunctionDesc &fn = desc.functions[function];
  TGC_RETURN_IF_ERROR(checkArgs(fn, "input", fn.inputs, inputs, inputCount));
  TGC_RETURN_IF_ERROR(
      checkArgs(fn, "output", fn.outputs, outputs, outputCount));
  TGC_RETURN_IF_ERROR(checkAliasing(fn, inputs, outputs));
  TGC_RETURN_IF_ERROR(prepare(function));
  // On the host, kernels can use the caller's memory itself: inputs are
  // only read, and outputs that overlap nothing else are written in place
  // (a kernel's output must not alias its inputs). The copies are then
  // skipped. A tensor the kernels cannot address (misaligned) is copied.
  std::vector<BoundBuffer> buffers = functions_[function].buffers;
  std::vector<bool> inPlace(buffers.size(), false);
  // Device buffers are used where they lie, on every device. A donated input
  // and its output bind the same memory (checkAliasing allowed it).
  uint64_t hostToDeviceBytes = 0, deviceToHostBytes = 0;
  auto bindBuffer = [&](int64_t b, const CallArg &arg) {
    if (b < 0)
      return;
    buffers[b].memory = arg.buffer->memory();
    buffers[b].offset = 0;
    inPlace[b] = true;
    inFlight_.push_back(arg.buffer);
  };
  for (size_t i = 0; i < fn.inputs.size(); ++i) {
    if (inputs[i].buffer)
      bindBuffer(fn.inputBuffers[i], inputs[i]);
    else if (fn.inputBuffers[i] >= 0)
      hostToDeviceBytes += fn.inputs[i].byteSize;
  }
  for (size_t o = 0; o < fn.outputs.size(); ++o) {
    if (outputs[o].buffer)
      bindBuffer(fn.outputBuffers[o], outputs[o]);
    else
      deviceToHostBytes += fn.outputs[o].byteSize;
  }
  if (module_->device().info().kind == hal::DeviceKind::Host)
    bindCallerMemory(fn, inputs, outputs, buffers, inPlace);
  FunctionState &state = functions_[function];
  for (size_t b = 0; b < buffers.size(); ++b) {
    BufferKind kind = fn.buffers[b].kind;
    if ((kind == BufferKind::Input || kind == BufferKind::Output) &&
        !inPlace[b] && state.buffers[b].memory.size == 0 &&
        fn.buffers[b].size > 0) {
      TGC_RETURN_IF_ERROR(allocate(function, b, state.buffers[b]));
      buffers[b] = state.buffers[b];
    }
  }
  std::string where = "function '" + fn.name + "'";

  // Events: [0] start, [1] inputs copied, [2 + s] step s done, last: outputs
  // copied. A dispatch's time is the span between its neighbours, so a
  // profiled call keeps everything on one queue, in order.
  bool profile = profiling_;
  size_t eventIndex = 0;
  if (profile) {
    TGC_RETURN_IF_ERROR(record(eventIndex++));
    pendingProfile_ = {true, function, 3 + fn.steps.size(), hostToDeviceBytes,
                       deviceToHostBytes};
  }
  // With a transfer queue, host copies overlap the kernels (see
  // docs/runtime.md, "Copies and compute"): each input is copied just before
  // the first step that uses it, and the kernels wait for its event only;
  // each output is copied back once the last step that touches it is done,
  // while later kernels run.
  // Small calls (a decode step) stay on one queue: the events would cost
  // more than the overlap saves.
  bool overlap = transferQueue_ && !profile &&
                 hostToDeviceBytes + deviceToHostBytes >= overlapMinBytes_;
  hal::Queue &copies = overlap ? *transferQueue_ : *queue_;
  size_t orderEvent = 0;
  // Makes `waiter` wait for what `signaller` has been given so far.
  auto order = [&](hal::Queue &signaller, hal::Queue &waiter,
                   const char *what) -> Status {
    hal::Event *event = nullptr;
    TGC_RETURN_IF_ERROR(nextOrderEvent(orderEvent++, event));
    TGC_RETURN_IF_ERROR(fromHal(signaller.record(*event),
                                where + ": recording an event " + what));
    return fromHal(waiter.waitFor(*event), where + ": waiting " + what);
  };
  if (overlap) {
    // Earlier calls, uploads and downloads are ordered before this call on
    // both queues: this call's copies overwrite the buffers they used.
    TGC_RETURN_IF_ERROR(order(*queue_, *transferQueue_,
                              "for earlier work before copying inputs"));
    TGC_RETURN_IF_ERROR(order(*transferQueue_, *queue_,
                              "for earlier copies before the kernels"));
  }

  // Which step first uses and last touches each buffer (-1: none).
  std::vector<int64_t> firstUse(buffers.size(), -1),
      lastTouch(buffers.size(), -1);
  for (size_t s = 0; s < fn.steps.size(); ++s)
    for (const BindingDesc &binding : fn.steps[s].bindings) {
      if (firstUse[binding.buffer] < 0)
        firstUse[binding.buffer] = int64_t(s);
      lastTouch[binding.buffer] = int64_t(s);
    }
  std::vector<bool> uploaded(fn.inputs.size(), false);
  // Copies the host inputs that step `s` uses first (all remaining ones for
  // s < 0) and, with overlap, makes the kernels wait for them.
  auto uploadFor = [&](int64_t s) -> Status {
    bool any = false;
    for (size_t i = 0; i < fn.inputs.size(); ++i) {
      int64_t b = fn.inputBuffers[i];
      if (uploaded[i] || b < 0 || fn.inputs[i].byteSize == 0 || inPlace[b] ||
          (s >= 0 && firstUse[b] != s))
        continue;
      uploaded[i] = true;
      any = true;
      TGC_RETURN_IF_ERROR(fromHal(
          copies.copyHostToDevice(inputs[i].tensor->data, buffers[b].memory,
                                  buffers[b].offset, fn.inputs[i].byteSize),
          where + ": copying input " + std::to_string(i) + " to the device"));
    }
    if (any && overlap)
      return order(*transferQueue_, *queue_, "for input copies");
    return Status::ok();
  };
  if (!overlap)
    TGC_RETURN_IF_ERROR(uploadFor(-1));
  if (profile)
    TGC_RETURN_IF_ERROR(record(eventIndex++));

  // With overlap: after which step each output may be copied back, and the
  // event recorded there.
  std::vector<hal::Event *> stepDone(fn.steps.size(), nullptr);
  std::vector<bool> outputAfter(fn.steps.size(), false);
  for (size_t o = 0; o < fn.outputs.size(); ++o) {
    int64_t b = fn.outputBuffers[o];
    if (overlap && lastTouch[b] >= 0)
      outputAfter[lastTouch[b]] = true;
  }

  std::vector<uint64_t> args;
  for (size_t s = 0; s < fn.steps.size(); ++s) {
    const StepDesc &step = fn.steps[s];
    if (overlap)
      TGC_RETURN_IF_ERROR(uploadFor(int64_t(s)));
    if (step.kind == StepKind::Dispatch) {
      args.clear();
      for (const BindingDesc &binding : step.bindings) {
        const BoundBuffer &buffer = buffers[binding.buffer];
        args.push_back(buffer.memory.address + buffer.offset + binding.offset);
      }
      TGC_RETURN_IF_ERROR(fromHal(
          queue_->launch(module_->kernelHandle(step.kernel),
                         module_->launchConfig(step.kernel), args),
          where + " step " + std::to_string(s) + ": launching kernel '" +
              desc.kernels[step.kernel].name + "'"));
    } else if (step.size > 0) {
      const BoundBuffer &src = buffers[step.bindings[0].buffer];
      const BoundBuffer &dst = buffers[step.bindings[1].buffer];
      uint64_t from = src.memory.address + src.offset + step.bindings[0].offset;
      uint64_t to = dst.memory.address + dst.offset + step.bindings[1].offset;
      // A copy of a donated input onto its output: the bytes are there.
      if (from != to)
        TGC_RETURN_IF_ERROR(fromHal(
            queue_->copyDeviceToDevice(
                src.memory, src.offset + step.bindings[0].offset, dst.memory,
                dst.offset + step.bindings[1].offset, step.size),
            where + " step " + std::to_string(s) + ": copy"));
    }
    if (outputAfter[s]) {
      TGC_RETURN_IF_ERROR(nextOrderEvent(orderEvent++, stepDone[s]));
      TGC_RETURN_IF_ERROR(
          fromHal(queue_->record(*stepDone[s]),
                  where + " step " + std::to_string(s) +
                      ": recording an event for copying outputs"));
    }
    if (profile)
      TGC_RETURN_IF_ERROR(record(eventIndex++));
  }
  // Inputs no step uses still reach their buffers (an output may be one).
  if (overlap)
    TGC_RETURN_IF_ERROR(uploadFor(-1));

  // Outputs in the order they are ready; each waits for its last step. The
  // copies return once the bytes are in the caller's memory, so the host
  // waits here while the later kernels run.
  std::vector<size_t> outputOrder(fn.outputs.size());
  for (size_t o = 0; o < outputOrder.size(); ++o)
    outputOrder[o] = o;
  if (overlap)
    std::stable_sort(outputOrder.begin(), outputOrder.end(),
                     [&](size_t a, size_t b) {
                       return lastTouch[fn.outputBuffers[a]] <
                              lastTouch[fn.outputBuffers[b]];
                     });
  for (size_t o : outputOrder) {
    uint32_t b = fn.outputBuffers[o];
    const BoundBuffer &buffer = buffers[b];
    if (fn.outputs[o].byteSize == 0 || inPlace[b])
      continue;
    std::string what =
        where + ": copying output " + std::to_string(o) + " to the host";
    if (overlap && lastTouch[b] >= 0)
      TGC_RETURN_IF_ERROR(
          fromHal(transferQueue_->waitFor(*stepDone[lastTouch[b]]), what));
    TGC_RETURN_IF_ERROR(
        fromHal(copies.copyDeviceToHost(buffer.memory, buffer.offset,
                                        outputs[o].tensor->data,
                                        fn.outputs[o].byteSize),
                what));
  }
  if (profile)
    TGC_RETURN_IF_ERROR(record(eventIndex++));
  return Status::ok();
}

Status Session::nextOrderEvent(size_t index, hal::Event *&out) {
  while (orderEvents_.size() <= index) {
    std::unique_ptr<hal::Event> event;
    TGC_RETURN_IF_ERROR(fromHal(module_->device().createEvent(event),
                                "creating an event to order the queues"));
    orderEvents_.push_back(std::move(event));
  }
  out = orderEvents_[index].get();
  return Status::ok();
}

Status Session::drain() {
  // Both queues are waited for whatever happens, so that no copy is left
  // running into the caller's memory; the first failure is reported.
  hal::Status compute = queue_->synchronize();
  hal::Status transfers =
      transferQueue_ ? transferQueue_->synchronize() : hal::Status();
  if (!compute.ok())
    return fromHal(compute, "waiting for the device");
  return fromHal(transfers, "waiting for the device's copies");
}

Status Session::synchronize() {
  Status done = drain();
  inFlight_.clear();
  TGC_RETURN_IF_ERROR(done);
  if (pendingProfile_.active)
    return collectProfile();
  return Status::ok();
}

Status Session::collectProfile() {
  pendingProfile_.active = false;
  const FunctionDesc &fn = module_->desc().functions[pendingProfile_.function];
  auto elapsed = [&](size_t from, size_t to) -> double {
    float ms = 0;
    if (!events_[to]->elapsedMs(*events_[from], ms).ok())
      return -1; // the device cannot time; reported, not an error
    return double(ms);
  };
  CallProfile profile;
  profile.hostToDeviceBytes = pendingProfile_.hostToDeviceBytes;
  profile.deviceToHostBytes = pendingProfile_.deviceToHostBytes;
  size_t steps = fn.steps.size();
  profile.hostToDeviceMs = elapsed(0, 1);
  profile.deviceToHostMs = elapsed(1 + steps, 2 + steps);
  for (size_t s = 0; s < steps; ++s)
    if (fn.steps[s].kind == StepKind::Dispatch)
      profile.dispatches.push_back(
          {s, fn.steps[s].kernel, elapsed(1 + s, 2 + s)});
  profile_ = std::move(profile);
  hasProfile_ = true;
  return Status::ok();
}

void Session::bindCallerMemory(const FunctionDesc &fn, const CallArg *inputs,
                               const CallArg *outputs,
                               std::vector<BoundBuffer> &buffers,
                               std::vector<bool> &inPlace) {
  struct Range {
    uintptr_t begin, end;
    bool overlaps(const Range &o) const {
      return begin < o.end && o.begin < end;
    }
  };
  auto rangeOf = [](const void *data, uint64_t bytes) {
    auto begin = reinterpret_cast<uintptr_t>(data);
    return Range{begin, begin + bytes};
  };
  auto aligned = [](const void *data, const TensorType &type) {
    return reinterpret_cast<uintptr_t>(data) % dtypeSize(type.dtype) == 0;
  };
  auto bind = [&](uint32_t b, const void *data, uint64_t bytes) {
    buffers[b].memory = {reinterpret_cast<uintptr_t>(data), bytes};
    buffers[b].offset = 0;
    inPlace[b] = true;
  };
  // Device buffers are already bound, and the caller cannot reach their
  // memory: they take no part here (an empty range overlaps nothing).
  auto dataOf = [](const CallArg &arg) {
    return arg.buffer ? nullptr : arg.tensor->data;
  };
  std::vector<Range> ranges;
  for (size_t i = 0; i < fn.inputs.size(); ++i)
    ranges.push_back(inputs[i].buffer
                         ? Range{0, 0}
                         : rangeOf(dataOf(inputs[i]), fn.inputs[i].byteSize));
  for (size_t o = 0; o < fn.outputs.size(); ++o)
    ranges.push_back(outputs[o].buffer
                         ? Range{0, 0}
                         : rangeOf(dataOf(outputs[o]), fn.outputs[o].byteSize));
  for (size_t i = 0; i < fn.inputs.size(); ++i) {
    int64_t b = fn.inputBuffers[i];
    if (b >= 0 && !inputs[i].buffer && fn.inputs[i].byteSize > 0 &&
        aligned(dataOf(inputs[i]), fn.inputs[i]))
      bind(uint32_t(b), dataOf(inputs[i]), fn.inputs[i].byteSize);
  }
  for (size_t o = 0; o < fn.outputs.size(); ++o) {
    if (outputs[o].buffer)
      continue;
    const Range &mine = ranges[fn.inputs.size() + o];
    bool alone = true;
    for (size_t r = 0; r < ranges.size(); ++r)
      alone &= r == fn.inputs.size() + o || !mine.overlaps(ranges[r]);
    if (alone && fn.outputs[o].byteSize > 0 &&
        aligned(dataOf(outputs[o]), fn.outputs[o]))
      bind(fn.outputBuffers[o], dataOf(outputs[o]), fn.outputs[o].byteSize);
  }
}

Status Session::call(size_t function, const CallArg *inputs, size_t inputCount,
                     const CallArg *outputs, size_t outputCount) {
  Status status = callAsync(function, inputs, inputCount, outputs, outputCount);
  if (!status) {
    // Do not leave half a call running into the caller's memory.
    (void)drain();
    inFlight_.clear();
    pendingProfile_.active = false;
    return status;
  }
  return synchronize();
}

/// Host tensors as call arguments; a null array stays null (so that the
/// count check reports it).
static std::vector<CallArg> tensorArgs(const tgc_tensor_view_t *views,
                                       size_t count) {
  std::vector<CallArg> args(views ? count : 0);
  for (size_t i = 0; i < args.size(); ++i)
    args[i].tensor = &views[i];
  return args;
}

Status Session::callAsync(size_t function, const tgc_tensor_view_t *inputs,
                          size_t inputCount, const tgc_tensor_view_t *outputs,
                          size_t outputCount) {
  std::vector<CallArg> in = tensorArgs(inputs, inputCount);
  std::vector<CallArg> out = tensorArgs(outputs, outputCount);
  return callAsync(function, inputs ? in.data() : nullptr, inputCount,
                   outputs ? out.data() : nullptr, outputCount);
}

Status Session::call(size_t function, const tgc_tensor_view_t *inputs,
                     size_t inputCount, const tgc_tensor_view_t *outputs,
                     size_t outputCount) {
  std::vector<CallArg> in = tensorArgs(inputs, inputCount);
  std::vector<CallArg> out = tensorArgs(outputs, outputCount);
  return call(function, inputs ? in.data() : nullptr, inputCount,
              outputs ? out.data() : nullptr, outputCount);
}

Status Session::upload(const std::shared_ptr<DeviceBuffer> &buffer,
                       const tgc_tensor_view_t &source, bool wait) {
  const TensorType &type = buffer->type();
  TGC_RETURN_IF_ERROR(checkBuffer(*buffer, type, "upload"));
  std::string where = "upload into a " + type.str() + " buffer";
  TGC_RETURN_IF_ERROR(checkTensorView(type, source, where));
  if (type.byteSize > 0) {
    inFlight_.push_back(buffer);
    TGC_RETURN_IF_ERROR(
        fromHal(queue_->copyHostToDevice(source.data, buffer->memory(), 0,
                                         type.byteSize),
                where));
  }
  return wait ? synchronize() : Status::ok();
}

Status Session::download(const std::shared_ptr<DeviceBuffer> &buffer,
                         const tgc_tensor_view_t &destination, bool wait) {
  const TensorType &type = buffer->type();
  TGC_RETURN_IF_ERROR(checkBuffer(*buffer, type, "download"));
  std::string where = "download from a " + type.str() + " buffer";
  TGC_RETURN_IF_ERROR(checkTensorView(type, destination, where));
  if (type.byteSize > 0) {
    inFlight_.push_back(buffer);
    TGC_RETURN_IF_ERROR(
        fromHal(queue_->copyDeviceToHost(buffer->memory(), 0, destination.data,
                                         type.byteSize),
                where));
  }
  return wait ? synchronize() : Status::ok();
}
