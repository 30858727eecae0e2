//===- TransferOverlapTest.cpp - copies overlapped with kernels, no GPU ---===//
//
// A Session on a GPU copies call arguments on a transfer queue while the
// kernels run on their own, ordered by events (docs/runtime.md, "Copies and
// compute"). These tests drive the real GPU backend (hal/GpuBackend.cpp:
// queues, pinned staging, events) over a fake GpuDriver that runs streams on
// the CPU: operations are queued per stream and executed only when the
// runtime waits for something, in an order chosen to break any missing
// dependency (one policy runs the kernels' stream as far ahead as it may,
// the other the copies'). The tests check that results match the host
// device, that every conflicting pair of operations ran in the order it was
// enqueued, that kernels never ran before their inputs' copies, and that a
// failure on the transfer queue comes back as a clear status.
//
//===----------------------------------------------------------------------===//

#include "hal/GpuBackend.h"
#include "runtime/Module.h"
#include "test/unit/runtime/TestBundle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>

using namespace tgc;
using namespace tgc::test;

namespace {

//===----------------------------------------------------------------------===//
// The fake driver
//===----------------------------------------------------------------------===//

// The kernels of host_kernels.c, for the fake device: one element per thread.
void fakeAdd(void *const *b, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    static_cast<float *>(b[2])[i] = static_cast<const float *>(b[0])[i] +
                                    static_cast<const float *>(b[1])[i];
}
void fakeMul(void *const *b, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    static_cast<float *>(b[2])[i] = static_cast<const float *>(b[0])[i] *
                                    static_cast<const float *>(b[1])[i];
}
void fakeNot(void *const *b, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    static_cast<uint8_t *>(b[1])[i] = !static_cast<const uint8_t *>(b[0])[i];
}

/// Record and Wait are the events' bookkeeping; the log leaves them out.
enum class OpKind {
  HostToDevice,
  DeviceToHost,
  DeviceToDevice,
  Launch,
  Record,
  Wait
};

/// A kernel of the fake device and how many bindings it takes.
struct FakeKernel {
  hal::HostKernelFn fn;
  size_t bindings;
};
const FakeKernel kFakeKernels[] = {{fakeAdd, 3}, {fakeMul, 3}, {fakeNot, 2}};

/// An operation as it ran: which device allocations it read and wrote.
struct Executed {
  OpKind kind;
  int stream;
  uint64_t enqueued; // position in the order the runtime enqueued operations
  std::vector<uint64_t> reads, writes; // allocation base addresses
};

/// Which stream runs first when several could: the first created (the
/// session's kernel queue) or the last (its transfer queue).
enum class Policy { OldestFirst, NewestFirst };

class FakeDriver final : public hal::detail::GpuDriver {
public:
  FakeDriver() : GpuDriver(hal::DeviceKind::Cuda, "cuda:0") {}
  ~FakeDriver() override {
    for (auto &[address, size] : allocations_)
      std::free(reinterpret_cast<void *>(address));
  }

  Policy policy = Policy::OldestFirst;
  /// Errors to inject: the next copyHostToDevice call fails at once; the
  /// next host-to-device copy to run fails on the device (reported, as a
  /// GPU does, by the next wait).
  mutable bool failNextHostToDeviceCall = false;
  mutable bool failNextHostToDeviceRun = false;
  mutable std::vector<Executed> log;

  hal::Status makeCurrent(int &saved) const override {
    saved = 0;
    return hal::Status();
  }
  void restoreCurrent(int) const override {}

  hal::Status allocate(size_t size, uint64_t &address) const override {
    void *memory = std::calloc(1, size);
    address = reinterpret_cast<uint64_t>(memory);
    allocations_[address] = size;
    return hal::Status();
  }
  void free(uint64_t address) const override {
    allocations_.erase(address);
    std::free(reinterpret_cast<void *>(address));
  }
  hal::Status allocateHost(size_t size, void *&memory) const override {
    memory = std::malloc(size);
    return hal::Status();
  }
  hal::Status freeHost(void *memory) const override {
    std::free(memory);
    return hal::Status();
  }

  hal::Status createStream(void *&stream) const override {
    streams_.push_back(std::make_unique<Stream>());
    streams_.back()->id = int(streams_.size()) - 1;
    stream = streams_.back().get();
    return hal::Status();
  }
  hal::Status synchronizeStream(void *stream) const override {
    auto *s = static_cast<Stream *>(stream);
    return runUntil("cuStreamSynchronize", [s] { return s->ops.empty(); });
  }
  void destroyStream(void *stream) const override {
    static_cast<Stream *>(stream)->destroyed = true;
  }

  hal::Status createEvent(bool, void *&event) const override {
    events_.push_back(std::make_unique<FakeEvent>());
    event = events_.back().get();
    return hal::Status();
  }
  hal::Status recordEvent(void *event, void *stream) const override {
    auto *e = static_cast<FakeEvent *>(event);
    Op op{OpKind::Record};
    op.event = e;
    op.generation = ++e->recorded;
    return enqueue(stream, std::move(op));
  }
  hal::Status synchronizeEvent(void *event) const override {
    auto *e = static_cast<FakeEvent *>(event);
    uint64_t target = e->recorded;
    return runUntil("cuEventSynchronize",
                    [e, target] { return e->completed >= target; });
  }
  hal::Status streamWaitEvent(void *stream, void *event) const override {
    auto *e = static_cast<FakeEvent *>(event);
    Op op{OpKind::Wait};
    op.waitOn = e;
    op.generation = e->recorded;
    return enqueue(stream, std::move(op));
  }
  hal::Status elapsedMs(void *, void *, float &ms) const override {
    ms = 0;
    return hal::Status();
  }
  void destroyEvent(void *) const override {}

  hal::Status copyHostToDevice(uint64_t dst, const void *src, size_t size,
                               void *stream) const override {
    if (failNextHostToDeviceCall) {
      failNextHostToDeviceCall = false;
      return check("cuMemcpyHtoDAsync", 1, "injected");
    }
    Op op{OpKind::HostToDevice};
    op.dst = dst;
    op.src = reinterpret_cast<uint64_t>(src);
    op.size = size;
    return enqueue(stream, std::move(op));
  }
  hal::Status copyDeviceToHost(void *dst, uint64_t src, size_t size,
                               void *stream) const override {
    Op op{OpKind::DeviceToHost};
    op.dst = reinterpret_cast<uint64_t>(dst);
    op.src = src;
    op.size = size;
    return enqueue(stream, std::move(op));
  }
  hal::Status copyDeviceToDevice(uint64_t dst, uint64_t src, size_t size,
                                 void *stream) const override {
    Op op{OpKind::DeviceToDevice};
    op.dst = dst;
    op.src = src;
    op.size = size;
    return enqueue(stream, std::move(op));
  }

  hal::Status loadModule(const hal::DeviceInfo &, hal::CodeFormat format,
                         const void *, size_t, const hal::ProgramOptions &,
                         void *&module) const override {
    if (format != hal::CodeFormat::Cubin)
      return hal::Status::error(label() + ": the fake loads cubins only");
    module = const_cast<FakeDriver *>(this);
    return hal::Status();
  }
  hal::Status getFunction(void *, const char *symbol,
                          void *&function) const override {
    static const std::map<std::string, const FakeKernel *> kernels = {
        {"tgc_test_add_f32", &kFakeKernels[0]},
        {"tgc_test_mul_f32", &kFakeKernels[1]},
        {"tgc_test_not_i1", &kFakeKernels[2]}};
    auto it = kernels.find(symbol);
    if (it == kernels.end())
      return check("cuModuleGetFunction", 2);
    function = const_cast<FakeKernel *>(it->second);
    return hal::Status();
  }
  void unloadModule(void *) const override {}
  hal::Status launch(void *function, const hal::LaunchConfig &config,
                     void **params, void *stream) const override {
    Op op{OpKind::Launch};
    const auto *kernel = static_cast<const FakeKernel *>(function);
    op.kernel = kernel->fn;
    op.size = size_t(config.grid[0]) * config.block[0];
    // As a driver does: the values are read now, not when the kernel runs.
    for (size_t i = 0; i < kernel->bindings; ++i)
      op.args.push_back(*static_cast<uint64_t *>(params[i]));
    return enqueue(stream, std::move(op));
  }

  /// The allocation holding `address`, or 0 (host memory).
  uint64_t allocationOf(uint64_t address) const {
    auto it = allocations_.upper_bound(address);
    if (it == allocations_.begin())
      return 0;
    --it;
    return address < it->first + it->second ? it->first : 0;
  }

protected:
  std::string resultName(int result) const override {
    return result == 1   ? "FAKE_ERROR_COPY"
           : result == 2 ? "FAKE_ERROR_NOT_FOUND"
                         : "FAKE_ERROR_ON_DEVICE";
  }

private:
  struct FakeEvent {
    uint64_t recorded = 0, completed = 0;
  };
  struct Op {
    OpKind kind;
    uint64_t dst = 0, src = 0;
    size_t size = 0;
    hal::HostKernelFn kernel = nullptr;
    std::vector<uint64_t> args;
    FakeEvent *event = nullptr;  // record
    FakeEvent *waitOn = nullptr; // wait
    uint64_t generation = 0;
    uint64_t enqueued = 0;
  };
  struct Stream {
    int id = 0;
    bool destroyed = false;
    std::deque<Op> ops;
  };

  hal::Status enqueue(void *stream, Op op) const {
    op.enqueued = enqueuedCount_++;
    static_cast<Stream *>(stream)->ops.push_back(std::move(op));
    return hal::Status();
  }
  static bool ready(const Op &op) {
    return !op.waitOn || op.waitOn->completed >= op.generation;
  }

  /// Runs ready operations, by the policy, until `done` holds; an error if
  /// nothing can run before then, or if an operation failed on the device.
  hal::Status runUntil(const char *call,
                       const std::function<bool()> &done) const {
    while (!done()) {
      Stream *chosen = nullptr;
      for (auto &stream : streams_) {
        if (stream->ops.empty() || !ready(stream->ops.front()))
          continue;
        if (!chosen || policy == Policy::NewestFirst)
          chosen = stream.get();
      }
      if (!chosen)
        return hal::Status::error(label() +
                                  ": fake: deadlock, nothing can run");
      Op op = std::move(chosen->ops.front());
      chosen->ops.pop_front();
      execute(op, chosen->id);
    }
    if (deviceError_) {
      deviceError_ = false;
      return check(call, 3, "injected");
    }
    return hal::Status();
  }

  void execute(const Op &op, int stream) const {
    if (op.kind == OpKind::Record) {
      op.event->completed = op.generation;
      return;
    }
    if (op.kind == OpKind::Wait)
      return;
    Executed done{op.kind, stream, op.enqueued, {}, {}};
    switch (op.kind) {
    case OpKind::HostToDevice:
      if (failNextHostToDeviceRun) {
        failNextHostToDeviceRun = false;
        deviceError_ = true;
        return;
      }
      std::memcpy(reinterpret_cast<void *>(op.dst),
                  reinterpret_cast<const void *>(op.src), op.size);
      done.writes.push_back(allocationOf(op.dst));
      break;
    case OpKind::DeviceToHost:
      std::memcpy(reinterpret_cast<void *>(op.dst),
                  reinterpret_cast<const void *>(op.src), op.size);
      done.reads.push_back(allocationOf(op.src));
      break;
    case OpKind::DeviceToDevice:
      std::memmove(reinterpret_cast<void *>(op.dst),
                   reinterpret_cast<const void *>(op.src), op.size);
      done.reads.push_back(allocationOf(op.src));
      done.writes.push_back(allocationOf(op.dst));
      break;
    case OpKind::Record:
    case OpKind::Wait:
      break;
    case OpKind::Launch: {
      std::vector<void *> bindings;
      for (uint64_t arg : op.args) {
        bindings.push_back(reinterpret_cast<void *>(arg));
        // What a kernel reads or writes is its own business: count both.
        done.reads.push_back(allocationOf(arg));
        done.writes.push_back(allocationOf(arg));
      }
      op.kernel(bindings.data(), 0, int64_t(op.size));
      break;
    }
    }
    log.push_back(std::move(done));
  }

  mutable std::map<uint64_t, size_t> allocations_;
  mutable std::vector<std::unique_ptr<Stream>> streams_;
  mutable std::vector<std::unique_ptr<FakeEvent>> events_;
  mutable uint64_t enqueuedCount_ = 0;
  mutable bool deviceError_ = false;
};

//===----------------------------------------------------------------------===//
// Fixture
//===----------------------------------------------------------------------===//

/// gpuModule plus chain(a, b, c) -> (a + b, a * c + c): step 0 needs a and b
/// only, so c is copied while it runs; output 0 is final after step 0, so
/// it is copied back while steps 1 and 2 run.
TModule overlapModule() {
  TModule m = gpuModule(k::cubin, "sm_90");
  TFunction chain;
  chain.name = "chain";
  TTensor t23{k::f32, std::vector<int64_t>{2, 3}};
  chain.inputs = {t23, t23, t23};
  chain.outputs = {t23, t23};
  chain.buffers = {{k::input, 0, 24},  {k::input, 1, 24},  {k::input, 2, 24},
                   {k::output, 0, 24}, {k::output, 1, 24}, {k::scratch, 0, 24}};
  chain.steps = {{k::dispatch, 0, {{0, 0}, {1, 0}, {3, 0}}, 0},
                 {k::dispatch, 1, {{0, 0}, {2, 0}, {5, 0}}, 0},
                 {k::dispatch, 0, {{5, 0}, {2, 0}, {4, 0}}, 0}};
  m.functions.push_back(chain);
  return m;
}

struct Tensor23 {
  int64_t shape[2] = {2, 3};
  std::vector<float> values;
  explicit Tensor23(std::vector<float> v) : values(std::move(v)) {}
  tgc_tensor_view_t view() { return {TGC_DTYPE_F32, 2, shape, values.data()}; }
};

class TransferOverlap : public testing::TestWithParam<Policy> {
protected:
  void SetUp() override {
    std::vector<uint8_t> bytes = buildGpuBundle(
        hostKernelLibrary(), std::vector<uint8_t>(64, 0xcc), overlapModule());
    ASSERT_TRUE(rt::Bundle::openMemory(bytes, "overlap.bin", bundle_).isOk());
  }

  /// A session on the fake GPU (`driver` set) or on the host device.
  void open(std::unique_ptr<rt::Session> &session,
            std::shared_ptr<FakeDriver> *driver) {
    std::shared_ptr<hal::Device> device;
    if (driver) {
      *driver = std::make_shared<FakeDriver>();
      (*driver)->policy = GetParam();
      hal::DeviceInfo info;
      info.kind = hal::DeviceKind::Cuda;
      info.name = "fake";
      info.arch = "sm_90";
      info.maxThreadsPerBlock = 1024;
      info.maxSharedMemoryPerBlock = 48 << 10;
      for (int d = 0; d < 3; ++d)
        info.maxGrid[d] = info.maxBlock[d] = 1024;
      device = hal::detail::makeGpuDevice(info, *driver);
    } else {
      std::unique_ptr<hal::Device> host;
      ASSERT_TRUE(hal::openHostDevice(host).ok());
      device = std::move(host);
    }
    rt::KernelCacheOptions cache;
    cache.enabled = false;
    std::shared_ptr<const rt::Module> module;
    Status loaded = rt::Module::load(device, *bundle_, cache, {}, module);
    ASSERT_TRUE(loaded.isOk()) << loaded.message();
    ASSERT_TRUE(rt::Session::create(module, session).isOk());
    // The test tensors are tiny: overlap them all the same.
    session->setOverlapMinBytes(0);
    device_ = device;
    // Loading copied the constants: the tests look at calls only.
    if (driver)
      (*driver)->log.clear();
  }

  /// Calls `function` with host tensors; the outputs' values.
  static std::vector<std::vector<float>>
  call(rt::Session &session, size_t function, std::vector<Tensor23> inputs,
       size_t outputCount, Status *status = nullptr, bool wait = true) {
    std::vector<Tensor23> outputs(outputCount,
                                  Tensor23(std::vector<float>(6, -1)));
    std::vector<tgc_tensor_view_t> in, out;
    for (Tensor23 &t : inputs)
      in.push_back(t.view());
    for (Tensor23 &t : outputs)
      out.push_back(t.view());
    Status s = wait ? session.call(function, in.data(), in.size(), out.data(),
                                   out.size())
                    : session.callAsync(function, in.data(), in.size(),
                                        out.data(), out.size());
    if (status)
      *status = s;
    else
      EXPECT_TRUE(s.isOk()) << s.message();
    std::vector<std::vector<float>> values;
    for (Tensor23 &t : outputs)
      values.push_back(t.values);
    return values;
  }

  /// Every two operations that touch one allocation, one of them writing,
  /// ran in the order the runtime enqueued them.
  static void expectConflictsInOrder(const std::vector<Executed> &log) {
    auto touches = [](const std::vector<uint64_t> &a,
                      const std::vector<uint64_t> &b) {
      for (uint64_t x : a)
        if (x && std::find(b.begin(), b.end(), x) != b.end())
          return true;
      return false;
    };
    for (size_t i = 0; i < log.size(); ++i)
      for (size_t j = i + 1; j < log.size(); ++j) {
        const Executed &first = log[i], &second = log[j];
        bool conflict = touches(first.writes, second.reads) ||
                        touches(first.writes, second.writes) ||
                        touches(first.reads, second.writes);
        EXPECT_FALSE(conflict && second.enqueued < first.enqueued)
            << "operation enqueued " << second.enqueued << " ran before "
            << "operation enqueued " << first.enqueued
            << " that touches the same memory";
      }
  }

  /// Every kernel ran after each copy into a buffer it uses (in the log
  /// of one call).
  static void expectKernelsAfterTheirCopies(const std::vector<Executed> &log) {
    for (size_t l = 0; l < log.size(); ++l) {
      if (log[l].kind != OpKind::Launch)
        continue;
      for (size_t c = 0; c < log.size(); ++c)
        if (log[c].kind == OpKind::HostToDevice &&
            std::find(log[l].reads.begin(), log[l].reads.end(),
                      log[c].writes[0]) != log[l].reads.end())
          EXPECT_LT(c, l) << "a kernel ran before the copy of its input";
    }
  }

  static size_t position(const std::vector<Executed> &log,
                         const std::function<bool(const Executed &)> &what) {
    for (size_t i = 0; i < log.size(); ++i)
      if (what(log[i]))
        return i;
    ADD_FAILURE() << "no such operation in the log";
    return log.size();
  }

  std::shared_ptr<rt::Bundle> bundle_;
  std::shared_ptr<hal::Device> device_; // the last one opened
};

std::vector<Tensor23> chainInputs(float base) {
  std::vector<Tensor23> inputs;
  for (int i = 0; i < 3; ++i) {
    std::vector<float> v;
    for (int e = 0; e < 6; ++e)
      v.push_back(base + float(i * 10 + e));
    inputs.emplace_back(v);
  }
  return inputs;
}

//===----------------------------------------------------------------------===//
// Tests
//===----------------------------------------------------------------------===//

TEST_P(TransferOverlap, ResultsMatchTheHostDevice) {
  std::unique_ptr<rt::Session> gpu, host;
  std::shared_ptr<FakeDriver> driver;
  open(gpu, &driver);
  open(host, nullptr);
  ASSERT_TRUE(gpu && host);
  // main (constants, a scratch buffer, copy steps), chain and negate.
  std::vector<Tensor23> mainInputs = {Tensor23({1, 2, 3, 4, 5, 6}),
                                      Tensor23({10, 20, 30, 40, 50, 60})};
  EXPECT_EQ(call(*gpu, 0, mainInputs, 3), call(*host, 0, mainInputs, 3));
  expectConflictsInOrder(driver->log);
  for (float base : {0.f, 100.f}) {
    driver->log.clear();
    std::vector<std::vector<float>> result =
        call(*gpu, 2, chainInputs(base), 2);
    EXPECT_EQ(result, call(*host, 2, chainInputs(base), 2));
    EXPECT_EQ(result[0][1], (base + 1) + (base + 11));
    expectConflictsInOrder(driver->log);
    expectKernelsAfterTheirCopies(driver->log);
  }
}

TEST_P(TransferOverlap, CopiesOverlapKernels) {
  std::unique_ptr<rt::Session> session;
  std::shared_ptr<FakeDriver> driver;
  open(session, &driver);
  ASSERT_TRUE(session);
  call(*session, 2, chainInputs(0), 2);
  const std::vector<Executed> &log = driver->log;
  auto launch = [&](size_t n) {
    size_t seen = 0;
    return position(log, [&](const Executed &e) {
      return e.kind == OpKind::Launch && seen++ == n;
    });
  };
  auto copy = [&](OpKind kind, size_t n) {
    size_t seen = 0;
    return position(
        log, [&](const Executed &e) { return e.kind == kind && seen++ == n; });
  };
  if (GetParam() == Policy::OldestFirst) {
    // The first kernel needs a and b only: it ran before c was copied.
    EXPECT_LT(launch(0), copy(OpKind::HostToDevice, 2));
  } else {
    // Output 0 is final after the first kernel: it was copied back before
    // the later kernels ran.
    EXPECT_LT(launch(0), copy(OpKind::DeviceToHost, 0));
    EXPECT_LT(copy(OpKind::DeviceToHost, 0), launch(1));
  }
  // The copies ran on another stream than the kernels.
  EXPECT_NE(log[launch(0)].stream, log[copy(OpKind::HostToDevice, 0)].stream);
}

TEST_P(TransferOverlap, CallsInFlightDoNotOverwriteEachOther) {
  std::unique_ptr<rt::Session> gpu, host;
  std::shared_ptr<FakeDriver> driver;
  open(gpu, &driver);
  open(host, nullptr);
  ASSERT_TRUE(gpu && host);
  // The second call's copies into the input buffers must wait for the first
  // call's kernels, which read them.
  auto first = call(*gpu, 2, chainInputs(0), 2, nullptr, /*wait=*/false);
  auto second = call(*gpu, 2, chainInputs(50), 2, nullptr, /*wait=*/false);
  ASSERT_TRUE(gpu->synchronize().isOk());
  EXPECT_EQ(first, call(*host, 2, chainInputs(0), 2));
  EXPECT_EQ(second, call(*host, 2, chainInputs(50), 2));
  expectConflictsInOrder(driver->log);
}

TEST_P(TransferOverlap, CallsIntoDeviceBuffersWaitForEarlierKernels) {
  // Outputs in device buffers are not copied back, so nothing on the host
  // waits for the first call's kernels before the second call's copies.
  std::unique_ptr<rt::Session> session;
  std::shared_ptr<FakeDriver> driver;
  open(session, &driver);
  ASSERT_TRUE(session);
  const rt::FunctionDesc &chain = session->module().desc().functions[2];
  std::vector<std::shared_ptr<rt::DeviceBuffer>> buffers(4);
  for (auto &buffer : buffers)
    ASSERT_TRUE(
        rt::DeviceBuffer::create(device_, chain.outputs[0], buffer).isOk());
  for (int c = 0; c < 2; ++c) {
    std::vector<Tensor23> inputs = chainInputs(float(c * 50));
    std::vector<tgc_tensor_view_t> views;
    for (Tensor23 &input : inputs)
      views.push_back(input.view());
    std::vector<rt::CallArg> in(3), out(2);
    for (size_t i = 0; i < 3; ++i)
      in[i].tensor = &views[i];
    out[0].buffer = buffers[2 * c];
    out[1].buffer = buffers[2 * c + 1];
    Status status = session->callAsync(2, in.data(), 3, out.data(), 2);
    ASSERT_TRUE(status.isOk()) << status.message();
  }
  for (int c = 0; c < 2; ++c) {
    float base = float(c * 50);
    Tensor23 sum(std::vector<float>(6)), product(std::vector<float>(6));
    ASSERT_TRUE(session->download(buffers[2 * c], sum.view(), true).isOk());
    ASSERT_TRUE(
        session->download(buffers[2 * c + 1], product.view(), true).isOk());
    for (int e = 0; e < 6; ++e) {
      EXPECT_EQ(sum.values[e], (base + e) + (base + 10 + e));
      EXPECT_EQ(product.values[e],
                (base + e) * (base + 20 + e) + base + 20 + e);
    }
  }
  expectConflictsInOrder(driver->log);
}

TEST_P(TransferOverlap, ProfiledCallsKeepOneQueue) {
  std::unique_ptr<rt::Session> session;
  std::shared_ptr<FakeDriver> driver;
  open(session, &driver);
  ASSERT_TRUE(session);
  session->setProfiling(true);
  auto result = call(*session, 2, chainInputs(0), 2);
  EXPECT_EQ(result[1][0], 0.f * 20.f + 20.f);
  for (const Executed &e : driver->log)
    EXPECT_EQ(e.stream, driver->log.front().stream);
  ASSERT_NE(session->lastProfile(), nullptr);
  EXPECT_EQ(session->lastProfile()->dispatches.size(), 3u);
}

TEST_P(TransferOverlap, SmallCallsKeepOneQueue) {
  std::unique_ptr<rt::Session> session, host;
  std::shared_ptr<FakeDriver> driver;
  open(session, &driver);
  open(host, nullptr);
  ASSERT_TRUE(session && host);
  // chain copies 3 x 24 bytes in and 2 x 24 bytes out.
  session->setOverlapMinBytes(121);
  auto small = call(*session, 2, chainInputs(0), 2, nullptr, /*wait=*/false);
  std::vector<Executed> log = driver->log;
  session->setOverlapMinBytes(120);
  auto large = call(*session, 2, chainInputs(10), 2, nullptr, /*wait=*/false);
  session->setOverlapMinBytes(121);
  auto again = call(*session, 2, chainInputs(20), 2);
  ASSERT_FALSE(log.empty());
  for (const Executed &e : log)
    EXPECT_EQ(e.stream, log.front().stream);
  bool twoStreams = false;
  for (size_t i = log.size(); i < driver->log.size(); ++i)
    twoStreams |= driver->log[i].stream != log.front().stream;
  EXPECT_TRUE(twoStreams) << "the call of 120 bytes did not overlap";
  EXPECT_EQ(small, call(*host, 2, chainInputs(0), 2));
  EXPECT_EQ(large, call(*host, 2, chainInputs(10), 2));
  EXPECT_EQ(again, call(*host, 2, chainInputs(20), 2));
  expectConflictsInOrder(driver->log);
}

TEST_P(TransferOverlap, TransferErrorsAreReported) {
  std::unique_ptr<rt::Session> session;
  std::shared_ptr<FakeDriver> driver;
  open(session, &driver);
  ASSERT_TRUE(session);
  Status status;
  // Refused when enqueued: the call names the input.
  driver->failNextHostToDeviceCall = true;
  call(*session, 2, chainInputs(0), 2, &status);
  EXPECT_EQ(status.code(), TGC_STATUS_DEVICE_ERROR);
  EXPECT_NE(status.message().find("function 'chain': copying input 0 to the "
                                  "device: cuda:0: cuMemcpyHtoDAsync failed: "
                                  "FAKE_ERROR_COPY: injected"),
            std::string::npos)
      << status.message();
  // Failed on the device: the next wait reports it.
  driver->failNextHostToDeviceRun = true;
  call(*session, 2, chainInputs(0), 2, &status);
  EXPECT_EQ(status.code(), TGC_STATUS_DEVICE_ERROR);
  EXPECT_NE(status.message().find("function 'chain': copying input 2 to the "
                                  "device: cuda:0: cuEventSynchronize failed: "
                                  "FAKE_ERROR_ON_DEVICE: injected"),
            std::string::npos)
      << status.message();
  // The session is usable again once the error has been reported.
  driver->log.clear();
  auto result = call(*session, 2, chainInputs(0), 2);
  EXPECT_EQ(result[0][0], 0.f + 10.f);
  expectKernelsAfterTheirCopies(driver->log);
}

TEST(GpuQueueWaitFor, WaitsForRecordedEventsOfItsDeviceOnly) {
  auto driver = std::make_shared<FakeDriver>();
  hal::DeviceInfo info;
  info.kind = hal::DeviceKind::Cuda;
  std::unique_ptr<hal::Device> device =
      hal::detail::makeGpuDevice(info, driver);
  std::unique_ptr<hal::Device> other =
      hal::detail::makeGpuDevice(info, std::make_shared<FakeDriver>());
  std::unique_ptr<hal::Queue> first, second;
  std::unique_ptr<hal::Event> done, never, foreign;
  ASSERT_TRUE(device->createQueue(first).ok());
  ASSERT_TRUE(device->createQueue(second).ok());
  ASSERT_TRUE(device->createEvent(done).ok());
  ASSERT_TRUE(device->createEvent(never).ok());
  ASSERT_TRUE(other->createEvent(foreign).ok());
  ASSERT_TRUE(first->record(*done).ok());
  EXPECT_TRUE(second->waitFor(*done).ok());
  hal::Status status = second->waitFor(*never);
  EXPECT_EQ(status.message(), "cuda:0: waitFor: event was never recorded");
  status = second->waitFor(*foreign);
  EXPECT_EQ(status.message(),
            "cuda:0: waitFor: the event belongs to another device");
  EXPECT_TRUE(second->synchronize().ok());
}

INSTANTIATE_TEST_SUITE_P(, TransferOverlap,
                         testing::Values(Policy::OldestFirst,
                                         Policy::NewestFirst),
                         [](const testing::TestParamInfo<Policy> &info) {
                           return info.param == Policy::OldestFirst
                                      ? std::string("KernelsFirst")
                                      : std::string("CopiesFirst");
                         });

} // namespace
