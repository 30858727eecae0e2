//===- DeviceSelection.h - choosing a device and its code -------*- C++ -*-===//
//
// Parses device strings ("auto", "host", "cuda:N", "hip:N", "tinygpu:N"),
// lists the
// devices present, and decides which code object of a bundle runs on a
// device. Module loading and `auto` selection share chooseCodeObject so they
// can never disagree about what "has code for" means.
//
//===----------------------------------------------------------------------===//

#ifndef TGC_RUNTIME_DEVICESELECTION_H
#define TGC_RUNTIME_DEVICESELECTION_H

#include "hal/Device.h"
#include "runtime/Bundle.h"
#include "support/Status.h"

#include <memory>
#include <string>
#include <vector>

namespace tgc::rt {

struct DeviceSpec {
  enum class Kind { Auto, Host, Cuda, Hip, TinyGpu } kind = Kind::Auto;
  int ordinal = 0;
  std::string str() const;
};

Status parseDeviceSpec(const std::string &text, DeviceSpec &out);

/// "host", "cuda:0", "hip:1", "tinygpu:0".
std::string deviceId(const hal::DeviceInfo &info);

struct DeviceInventory {
  std::vector<hal::DeviceInfo> devices; // CUDA, HIP, the host, TinyGPU
  std::vector<std::string> notes;       // why a backend has no devices
};

/// Never fails: a backend that cannot be queried adds a note instead.
DeviceInventory listDevices();

struct CodeChoice {
  int64_t codeObject = -1; // index into ModuleDesc::codeObjects, -1: none
  /// The code object is PTX that the CUDA driver compiles for the device.
  bool compilePtx = false;
  /// Why a host code object for this machine's architecture was passed
  /// over (its CPU level is above this CPU's); empty otherwise.
  std::string rejected;
};

/// Whether this machine's CPU runs code compiled for `cpu` (a tgc
/// --host-cpu name). Feature levels (x86-64-v2/v3/v4) are checked; other
/// names are trusted, since the compiler was told that CPU explicitly.
bool hostCpuSupports(const std::string &cpu);

/// The code object of `desc` that runs on `device`: an exact cubin, HSACO
/// or host library, else (CUDA) the PTX with the highest sm not above the
/// device's.
CodeChoice chooseCodeObject(const ModuleDesc &desc,
                            const hal::DeviceInfo &device);

/// Opens the device named by `spec`. `bundle` (may be null for an explicit
/// spec) restricts the choice to devices the bundle has code for.
Status openDevice(const DeviceSpec &spec, const ModuleDesc *bundle,
                  std::unique_ptr<hal::Device> &out);

} // namespace tgc::rt

#endif // TGC_RUNTIME_DEVICESELECTION_H
