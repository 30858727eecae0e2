//===- HostDevice.cpp - the host CPU backend ------------------------------===//
//
// Runs host kernels (HostKernelFn) from a shared library loaded out of memory.
// A launch splits the workgroups of its grid into contiguous chunks that a
// persistent thread pool and the calling thread claim one at a time, so a
// worker that wakes late costs nothing and uneven workgroups balance out.
// Queue operations run synchronously: on the host that is already in order,
// and nothing is left pending when a call returns.
//
//===----------------------------------------------------------------------===//

#include "hal/BackendSupport.h"
#include "hal/Device.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#include <sys/mman.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

using namespace tgc::hal;
using namespace tgc::hal::detail;

namespace {

constexpr const char *kDeviceLabel = "host";
constexpr const char *kThreadsVariable = "TGC_HOST_THREADS";
constexpr int kMaxThreads = 1024;
// Cache-line alignment: vectorized host kernels assume it and no two buffers
// share a line that two threads would then fight over.
constexpr size_t kBufferAlignment = 64;
// A few chunks per thread let fast threads take over from slow ones (another
// process on the core, uneven workgroups) at the cost of a few more calls.
constexpr int64_t kChunksPerThread = 4;
// How long an idle worker polls for the next launch before it sleeps. Model
// execution launches kernels back to back, and an application calls again
// after a little work of its own (a decode loop picks a token); a worker
// that is still awake starts on the next one in well under a microsecond, a
// sleeping one takes a futex wake-up (tens of microseconds, more in a VM).
// 50 us was shorter than a Python caller's gap between two calls: a
// layer_norm called that way took 3.1 ms instead of 1.5.
constexpr std::chrono::microseconds kSpinBeforeSleep(1000);

void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

int availableCores() {
#if defined(__linux__)
  // Honours taskset and cgroup cpusets, unlike hardware_concurrency.
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
    int count = CPU_COUNT(&cpus);
    if (count > 0)
      return count;
  }
#endif
  unsigned count = std::thread::hardware_concurrency();
  return count ? static_cast<int>(count) : 1;
}

Status hostThreadCount(int &count) {
  const char *value = std::getenv(kThreadsVariable);
  if (!value) {
    count = std::min(availableCores(), kMaxThreads);
    return Status();
  }
  std::string text(value);
  bool digitsOnly = !text.empty() && text.size() <= 9 &&
                    std::all_of(text.begin(), text.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
  long parsed = digitsOnly ? std::strtol(text.c_str(), nullptr, 10) : 0;
  if (!digitsOnly || parsed < 1 || parsed > kMaxThreads)
    return Status::error(std::string(kDeviceLabel) + ": " + kThreadsVariable +
                         "='" + text + "' is not a thread count: expected " +
                         "a whole number from 1 to " +
                         std::to_string(kMaxThreads));
  count = static_cast<int>(parsed);
  return Status();
}

uint64_t physicalMemoryBytes() {
#if defined(__APPLE__)
  uint64_t bytes = 0;
  size_t length = sizeof(bytes);
  if (sysctlbyname("hw.memsize", &bytes, &length, nullptr, 0) == 0)
    return bytes;
  return 0;
#else
  long pages = sysconf(_SC_PHYS_PAGES);
  long pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0)
    return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(pageSize);
#endif
}

Status hostDeviceInfo(DeviceInfo &info) {
  int threads = 0;
  Status status = hostThreadCount(threads);
  if (!status)
    return status;
  info = DeviceInfo();
  info.kind = DeviceKind::Host;
  info.ordinal = 0;
  info.name = "host CPU (" + std::to_string(threads) + " threads)";
  struct utsname system;
  info.arch = uname(&system) == 0 ? system.machine : "unknown";
  info.memoryBytes = physicalMemoryBytes();
  info.computeUnits = threads;
  // A bundle's host launch is grid[0] workgroups (bundle-format.md); the
  // queue takes three dimensions, but no compiled kernel asks for them.
  info.maxGrid[0] = UINT32_MAX;
  return Status();
}

//===----------------------------------------------------------------------===//
// Thread pool
//===----------------------------------------------------------------------===//

/// The claim counter of a launch, packed into one word so that a thread can
/// claim a chunk with a single compare-and-swap and never take a lock on the
/// hot path: | launch number (32) | chunk count (16) | next chunk (16) |.
/// The launch number keeps a thread that stalled between reading the word and
/// its CAS from claiming a chunk of a later launch.
struct Ticket {
  static constexpr int kChunkBits = 16;
  static constexpr uint64_t kChunkMask = (uint64_t(1) << kChunkBits) - 1;

  static uint64_t make(uint32_t launch, uint64_t chunks) {
    return (uint64_t(launch) << (2 * kChunkBits)) | (chunks << kChunkBits);
  }
  static uint64_t chunks(uint64_t ticket) {
    return (ticket >> kChunkBits) & kChunkMask;
  }
  static uint64_t next(uint64_t ticket) { return ticket & kChunkMask; }
  static bool hasWork(uint64_t ticket) { return next(ticket) < chunks(ticket); }
};

// Enough chunks for every thread to get kChunksPerThread of them.
static_assert(kMaxThreads * kChunksPerThread <= Ticket::kChunkMask,
              "chunk counts must fit the ticket");

class HostThreadPool {
public:
  HostThreadPool() = default;
  HostThreadPool(const HostThreadPool &) = delete;
  HostThreadPool &operator=(const HostThreadPool &) = delete;
  ~HostThreadPool();

  /// `threadCount` counts the launching thread, which always takes part, so
  /// threadCount - 1 workers are started.
  Status start(int threadCount);

  /// Runs workgroups [0, workgroups) and returns when all have finished.
  /// With `workspaceBytes`, each thread passes a workspace of its own (64-byte
  /// aligned, kept between launches) after the `bindingCount` bindings.
  Status run(HostKernelFn kernel, void *const *bindings, size_t bindingCount,
             int64_t workgroups, uint64_t workspaceBytes);

private:
  void workerMain(int slot);
  /// Claims and runs chunks of the current launch until none is left;
  /// `slot` is the thread's (0: the launcher).
  void runChunks(int slot);
  /// Sizes every thread's workspace and binding array for a launch.
  Status prepareWorkspaces(void *const *bindings, size_t bindingCount,
                           uint64_t workspaceBytes);
  /// Polls `done` for up to kSpinBeforeSleep; true if it became true.
  template <typename Predicate> static bool spinUntil(Predicate done);

  int threadCount_ = 1;
  std::vector<std::thread> workers_;
  // One launch at a time: queues on several threads may share the device.
  std::mutex launchMutex_;

  // The current launch. Written by the launcher before it publishes the
  // launch's ticket (release) and read by a thread only after its CAS on that
  // ticket succeeded (acquire); they cannot change while that thread's chunk
  // is unfinished, because the next launch waits for every chunk.
  HostKernelFn kernel_ = nullptr;
  void *const *bindings_ = nullptr;
  int64_t workgroups_ = 0;
  // Per thread slot: its workspace and the bindings with it appended, used
  // instead of bindings_ when the launch has a workspace.
  struct Workspace {
    std::unique_ptr<void, decltype(&std::free)> memory{nullptr, &std::free};
    uint64_t bytes = 0;
    std::vector<void *> bindings;
  };
  std::vector<Workspace> workspaces_;
  bool useWorkspaces_ = false;
  uint32_t launchNumber_ = 0;
  std::atomic<uint64_t> ticket_{0};
  // Chunks of the current launch that have not finished yet.
  std::atomic<int64_t> chunksLeft_{0};

  // Sleeping, for threads that found no work after spinning.
  std::mutex sleepMutex_;
  std::condition_variable workAvailable_;
  std::condition_variable launchFinished_;
  std::atomic<int> sleepingWorkers_{0};
  std::atomic<bool> launcherSleeping_{false};
  std::atomic<bool> stopping_{false};
};

HostThreadPool::~HostThreadPool() {
  {
    std::lock_guard<std::mutex> lock(sleepMutex_);
    stopping_.store(true);
  }
  workAvailable_.notify_all();
  for (std::thread &worker : workers_)
    worker.join();
}

Status HostThreadPool::start(int threadCount) {
  threadCount_ = threadCount;
  try {
    workers_.reserve(threadCount - 1);
    workspaces_.resize(threadCount);
    for (int i = 1; i < threadCount; ++i)
      workers_.emplace_back([this, i] { workerMain(i); });
  } catch (const std::exception &error) {
    // The destructor joins whatever did start.
    return Status::error(std::string(kDeviceLabel) + ": cannot start " +
                         std::to_string(threadCount - 1) +
                         " worker threads: " + error.what());
  }
  return Status();
}

template <typename Predicate> bool HostThreadPool::spinUntil(Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + kSpinBeforeSleep;
  for (unsigned spins = 1; !done(); ++spins) {
    cpuRelax();
    if (spins % 64 == 0 && std::chrono::steady_clock::now() > deadline)
      return false;
  }
  return true;
}

void HostThreadPool::workerMain(int slot) {
  auto workOrStop = [this] {
    return Ticket::hasWork(ticket_.load()) || stopping_.load();
  };
  for (;;) {
    if (!spinUntil(workOrStop)) {
      std::unique_lock<std::mutex> lock(sleepMutex_);
      // Announce the sleep before the last look (both seq_cst): either the
      // launcher sees the announcement and notifies, or this look sees its
      // ticket.
      sleepingWorkers_.fetch_add(1);
      workAvailable_.wait(lock, workOrStop);
      sleepingWorkers_.fetch_sub(1);
    }
    if (stopping_.load())
      return;
    runChunks(slot);
  }
}

Status HostThreadPool::prepareWorkspaces(void *const *bindings,
                                         size_t bindingCount,
                                         uint64_t workspaceBytes) {
  uint64_t rounded = (workspaceBytes + 63) / 64 * 64;
  for (Workspace &w : workspaces_) {
    if (w.bytes < rounded) {
      w.memory.reset(std::aligned_alloc(64, rounded));
      w.bytes = w.memory ? rounded : 0;
      if (!w.memory)
        return Status::error(std::string(kDeviceLabel) + ": launch: cannot " +
                             "allocate a " + std::to_string(workspaceBytes) +
                             "-byte workspace per thread");
    }
    w.bindings.assign(bindings, bindings + bindingCount);
    w.bindings.push_back(w.memory.get());
  }
  return Status();
}

void HostThreadPool::runChunks(int slot) {
  void *const *bindings =
      useWorkspaces_ ? workspaces_[slot].bindings.data() : bindings_;
  uint64_t ticket = ticket_.load(std::memory_order_acquire);
  while (Ticket::hasWork(ticket)) {
    if (!ticket_.compare_exchange_weak(ticket, ticket + 1,
                                       std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      continue; // `ticket` now holds the current value; look again.
    // Contiguous, near-equal ranges: the first `extra` chunks get one more
    // workgroup. Computed without products that could overflow.
    int64_t chunk = static_cast<int64_t>(Ticket::next(ticket));
    int64_t chunks = static_cast<int64_t>(Ticket::chunks(ticket));
    int64_t base = workgroups_ / chunks;
    int64_t extra = workgroups_ % chunks;
    int64_t begin = chunk * base + std::min(chunk, extra);
    int64_t end = begin + base + (chunk < extra ? 1 : 0);
    kernel_(bindings, begin, end);
    // seq_cst, like the launcher's side: either it sees the count reach
    // zero or this thread sees that it sleeps.
    if (chunksLeft_.fetch_sub(1) == 1 && launcherSleeping_.load()) {
      std::lock_guard<std::mutex> lock(sleepMutex_);
      launchFinished_.notify_all();
    }
    ticket = ticket_.load(std::memory_order_acquire);
  }
}

Status HostThreadPool::run(HostKernelFn kernel, void *const *bindings,
                           size_t bindingCount, int64_t workgroups,
                           uint64_t workspaceBytes) {
  // One workgroup (or one thread) gains nothing from the pool; run it here
  // and skip the hand-over entirely (and, without a workspace to share, the
  // lock: queues on several threads may launch at once).
  bool alone = threadCount_ == 1 || workgroups <= 1;
  if (alone && workspaceBytes == 0) {
    kernel(bindings, 0, workgroups);
    return Status();
  }
  std::lock_guard<std::mutex> launchLock(launchMutex_);
  useWorkspaces_ = workspaceBytes > 0;
  if (useWorkspaces_) {
    if (Status status =
            prepareWorkspaces(bindings, bindingCount, workspaceBytes);
        !status.ok())
      return status;
  }
  if (alone) {
    kernel(workspaces_[0].bindings.data(), 0, workgroups);
    return Status();
  }
  int64_t chunks =
      std::min<int64_t>(workgroups, int64_t(threadCount_) * kChunksPerThread);
  kernel_ = kernel;
  bindings_ = bindings;
  workgroups_ = workgroups;
  chunksLeft_.store(chunks, std::memory_order_relaxed);
  ticket_.store(Ticket::make(++launchNumber_, static_cast<uint64_t>(chunks)));
  // Wake only as many sleepers as there are chunks for (this thread takes
  // one); spinning workers need no wake-up.
  if (int sleeping = sleepingWorkers_.load()) {
    std::lock_guard<std::mutex> lock(sleepMutex_);
    for (int64_t i = std::min<int64_t>(sleeping, chunks - 1); i > 0; --i)
      workAvailable_.notify_one();
  }
  runChunks(0);

  // The rest is on workers that are running it already; their chunks are
  // about as long as the ones this thread just ran, so poll first.
  auto finished = [this] { return chunksLeft_.load() == 0; };
  if (spinUntil(finished))
    return Status();
  std::unique_lock<std::mutex> lock(sleepMutex_);
  launcherSleeping_.store(true);
  launchFinished_.wait(lock, finished);
  launcherSleeping_.store(false);
  return Status();
}

//===----------------------------------------------------------------------===//
// Events, programs, queues
//===----------------------------------------------------------------------===//

class HostEvent final : public Event {
public:
  Status wait() override {
    // Host queues finish their work before record() returns.
    return Status();
  }
  Status elapsedMs(const Event &start, float &ms) const override {
    const auto *startEvent = dynamic_cast<const HostEvent *>(&start);
    if (!startEvent)
      return Status::error(std::string(kDeviceLabel) +
                           ": elapsedMs: the start event belongs to "
                           "another device");
    if (!recorded_ || !startEvent->recorded_)
      return Status::error(std::string(kDeviceLabel) +
                           ": elapsedMs: event was never recorded");
    ms = std::chrono::duration<float, std::milli>(when_ - startEvent->when_)
             .count();
    return Status();
  }
  void record() {
    when_ = std::chrono::steady_clock::now();
    recorded_ = true;
  }
  bool recorded() const { return recorded_; }

private:
  bool recorded_ = false;
  std::chrono::steady_clock::time_point when_;
};

class HostProgram final : public Program {
public:
  HostProgram(void *library, int backingFd)
      : library_(library), backingFd_(backingFd) {}
  ~HostProgram() override {
    dlclose(library_);
    // Closed only now: glibc recognises an already loaded library by its
    // path, so a second program must not get this /proc/self/fd/N name
    // while the first is still loaded.
    if (backingFd_ >= 0)
      close(backingFd_);
  }
  Status getKernel(const std::string &symbol, void *&kernel) override {
    dlerror();
    kernel = dlsym(library_, symbol.c_str());
    if (!kernel)
      return Status::error(std::string(kDeviceLabel) + ": kernel '" + symbol +
                           "' not found in the host shared library");
    return Status();
  }

private:
  void *library_;
  int backingFd_;
};

class HostQueue final : public Queue {
public:
  explicit HostQueue(std::shared_ptr<HostThreadPool> pool)
      : pool_(std::move(pool)) {}

  Status copyHostToDevice(const void *src, Buffer dst, size_t offset,
                          size_t size) override {
    Status status =
        checkRange(kDeviceLabel, "copyHostToDevice", dst, offset, size);
    if (status && size)
      std::memcpy(addressOf(dst) + offset, src, size);
    return status;
  }
  Status copyDeviceToHost(Buffer src, size_t offset, void *dst,
                          size_t size) override {
    Status status =
        checkRange(kDeviceLabel, "copyDeviceToHost", src, offset, size);
    if (status && size)
      std::memcpy(dst, addressOf(src) + offset, size);
    return status;
  }
  Status copyDeviceToDevice(Buffer src, size_t srcOffset, Buffer dst,
                            size_t dstOffset, size_t size) override {
    Status status = checkRange(kDeviceLabel, "copyDeviceToDevice (source)", src,
                               srcOffset, size);
    if (status)
      status = checkRange(kDeviceLabel, "copyDeviceToDevice (destination)", dst,
                          dstOffset, size);
    // memmove: a copy within one buffer may overlap.
    if (status && size)
      std::memmove(addressOf(dst) + dstOffset, addressOf(src) + srcOffset,
                   size);
    return status;
  }
  Status launch(void *kernel, const LaunchConfig &config,
                const std::vector<uint64_t> &args) override;
  Status record(Event &event) override {
    auto *hostEvent = dynamic_cast<HostEvent *>(&event);
    if (!hostEvent)
      return Status::error(std::string(kDeviceLabel) +
                           ": record: the event belongs to another device");
    hostEvent->record();
    return Status();
  }
  Status waitFor(const Event &event) override {
    auto *hostEvent = dynamic_cast<const HostEvent *>(&event);
    if (!hostEvent)
      return Status::error(std::string(kDeviceLabel) +
                           ": waitFor: the event belongs to another device");
    if (!hostEvent->recorded())
      return Status::error(std::string(kDeviceLabel) +
                           ": waitFor: event was never recorded");
    // Host queues finish their work before they return: nothing to wait for.
    return Status();
  }
  Status synchronize() override { return Status(); }

private:
  static char *addressOf(const Buffer &buffer) {
    return reinterpret_cast<char *>(static_cast<uintptr_t>(buffer.address));
  }
  std::shared_ptr<HostThreadPool> pool_;
};

Status HostQueue::launch(void *kernel, const LaunchConfig &config,
                         const std::vector<uint64_t> &args) {
  if (!kernel)
    return Status::error(std::string(kDeviceLabel) + ": launch: null kernel");
  uint64_t workgroups = 1;
  for (uint32_t extent : config.grid) {
    // Three 32-bit extents can exceed what int64_t workgroup indices hold.
    if (extent && workgroups > uint64_t(INT64_MAX) / extent)
      return Status::error(std::string(kDeviceLabel) +
                           ": launch: grid has more than 2^63 workgroups");
    workgroups *= extent;
  }
  if (workgroups == 0)
    return Status();

  PointerArray bindings(args.size());
  for (size_t i = 0; i < args.size(); ++i)
    bindings.data()[i] =
        reinterpret_cast<void *>(static_cast<uintptr_t>(args[i]));

  return pool_->run(reinterpret_cast<HostKernelFn>(kernel), bindings.data(),
                    args.size(), static_cast<int64_t>(workgroups),
                    config.sharedMemoryBytes);
}

//===----------------------------------------------------------------------===//
// Loading a shared library from memory
//===----------------------------------------------------------------------===//

Status writeAll(int fd, const void *bytes, size_t size) {
  const char *cursor = static_cast<const char *>(bytes);
  while (size) {
    ssize_t written = write(fd, cursor, size);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return Status::error(std::string(kDeviceLabel) +
                           ": loadProgram: cannot write the shared library: " +
                           std::strerror(errno));
    cursor += written;
    size -= static_cast<size_t>(written);
  }
  return Status();
}

Status dlopenFailure(const std::string &how) {
  const char *reason = dlerror();
  return Status::error(std::string(kDeviceLabel) +
                       ": loadProgram: dlopen of the host shared library (" +
                       how +
                       ") failed: " + (reason ? reason : "unknown error"));
}

#if defined(__linux__)
/// An anonymous in-memory file needs no writable, exec-mounted directory and
/// leaves nothing behind if the process dies. Returns false (and no error)
/// where memfd or /proc is unavailable, so the caller falls back to a file.
bool loadFromMemfd(const void *bytes, size_t size, void *&library, int &fd,
                   Status &status) {
  fd = memfd_create("tgc-host-program", MFD_CLOEXEC);
  if (fd < 0)
    return false;
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (access(path.c_str(), R_OK) != 0) {
    close(fd);
    fd = -1;
    return false;
  }
  status = writeAll(fd, bytes, size);
  if (status) {
    library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library)
      status = dlopenFailure("from memory");
  }
  if (!status) {
    close(fd);
    fd = -1;
  }
  return true;
}
#endif

/// A private temporary file: mkdtemp makes the directory 0700 so no other
/// user can swap the library between write and dlopen; both are removed
/// right after dlopen, which keeps its own mapping.
/// Loads the library from a file in a private (0700) directory. The file is
/// removed once loaded, unless `keep`: profilers (perf) read symbols from the
/// file the code was mapped from after the process has exited.
Status loadFromTemporaryFile(const void *bytes, size_t size, void *&library,
                             bool keep) {
  const char *tmp = std::getenv("TMPDIR");
  std::string directory =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/tgc-host-program-XXXXXX";
  if (!mkdtemp(directory.data()))
    return Status::error(std::string(kDeviceLabel) +
                         ": loadProgram: cannot create a private directory "
                         "for the shared library: " +
                         std::strerror(errno));
  std::string path = directory + "/tgc-host-XXXXXX.so";
  int fd = mkstemps(path.data(), 3);
  Status status;
  if (fd < 0) {
    status = Status::error(std::string(kDeviceLabel) +
                           ": loadProgram: cannot create a temporary file "
                           "for the shared library: " +
                           std::strerror(errno));
  } else {
    status = writeAll(fd, bytes, size);
    close(fd);
    if (status) {
      library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!library)
        status = dlopenFailure("from a temporary file");
    }
    if (!keep || !status)
      unlink(path.c_str());
  }
  if (!keep || !status)
    rmdir(directory.c_str());
  return status;
}

/// TGC_PERF=1: host code is loaded from files that stay, so perf names the
/// kernels (docs/host-abi.md, "Profiling").
bool keepHostCodeForProfilers() {
  const char *perf = std::getenv("TGC_PERF");
  return perf && *perf && std::strcmp(perf, "0") != 0;
}

bool looksLikeSharedLibrary(const void *bytes, size_t size) {
  const auto *b = static_cast<const unsigned char *>(bytes);
#if defined(__APPLE__)
  // 64-bit Mach-O, either byte order, or a universal binary.
  static const unsigned char machO[][4] = {{0xcf, 0xfa, 0xed, 0xfe},
                                           {0xfe, 0xed, 0xfa, 0xcf},
                                           {0xca, 0xfe, 0xba, 0xbe}};
  for (const auto &magic : machO)
    if (size >= 4 && std::memcmp(b, magic, 4) == 0)
      return true;
  return false;
#else
  return size >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
#endif
}

//===----------------------------------------------------------------------===//
// The device
//===----------------------------------------------------------------------===//

class HostDevice final : public Device {
public:
  HostDevice(DeviceInfo info, std::shared_ptr<HostThreadPool> pool)
      : info_(std::move(info)), pool_(std::move(pool)) {}

  const DeviceInfo &info() const override { return info_; }

  Status allocate(size_t size, Buffer &out) override {
    // Zero-byte buffers still get a distinct address, like on the GPUs.
    size_t rounded = (std::max<size_t>(size, 1) + kBufferAlignment - 1) &
                     ~(kBufferAlignment - 1);
    void *memory = nullptr;
    if (rounded < size || posix_memalign(&memory, kBufferAlignment, rounded))
      return Status::error(std::string(kDeviceLabel) + ": cannot allocate " +
                           std::to_string(size) + " bytes");
    out.address = reinterpret_cast<uintptr_t>(memory);
    out.size = size;
    return Status();
  }

  void free(Buffer buffer) override {
    std::free(reinterpret_cast<void *>(static_cast<uintptr_t>(buffer.address)));
  }

  Status createQueue(std::unique_ptr<Queue> &out) override {
    out = std::make_unique<HostQueue>(pool_);
    return Status();
  }

  Status createEvent(std::unique_ptr<Event> &out) override {
    out = std::make_unique<HostEvent>();
    return Status();
  }

  Status loadProgram(CodeFormat format, const void *bytes, size_t size,
                     const ProgramOptions &options,
                     std::unique_ptr<Program> &out) override;

private:
  DeviceInfo info_;
  // Shared with the queues so that a queue outliving the device stays valid.
  std::shared_ptr<HostThreadPool> pool_;
};

Status HostDevice::loadProgram(CodeFormat format, const void *bytes,
                               size_t size, const ProgramOptions &,
                               std::unique_ptr<Program> &out) {
  if (!isHostFormat(format))
    return Status::error(info_.name + ": cannot load " +
                         describeCodeFormat(format) +
                         " code objects (the host device loads host shared "
                         "libraries only)");
  if (!bytes || !looksLikeSharedLibrary(bytes, size))
    return Status::error(std::string(kDeviceLabel) + ": loadProgram: the " +
                         std::to_string(size) +
                         " bytes are not a shared library for this host "
                         "(bad magic number)");
  void *library = nullptr;
  int backingFd = -1;
  Status status;
  bool keep = keepHostCodeForProfilers();
#if defined(__linux__)
  bool tried = !keep && loadFromMemfd(bytes, size, library, backingFd, status);
  if (!tried)
    status = loadFromTemporaryFile(bytes, size, library, keep);
#else
  status = loadFromTemporaryFile(bytes, size, library, keep);
#endif
  if (!status)
    return status;
  out = std::make_unique<HostProgram>(library, backingFd);
  return Status();
}

} // namespace

namespace tgc::hal {

Status listHostDevices(std::vector<DeviceInfo> &out) {
  out.clear();
  DeviceInfo info;
  Status status = hostDeviceInfo(info);
  if (status)
    out.push_back(std::move(info));
  return status;
}

Status openHostDevice(std::unique_ptr<Device> &out) {
  DeviceInfo info;
  Status status = hostDeviceInfo(info);
  if (!status)
    return status;
  auto pool = std::make_shared<HostThreadPool>();
  status = pool->start(info.computeUnits);
  if (!status)
    return status;
  out = std::make_unique<HostDevice>(std::move(info), std::move(pool));
  return Status();
}

} // namespace tgc::hal
