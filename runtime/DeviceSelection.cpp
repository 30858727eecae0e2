//===- DeviceSelection.cpp - choosing a device and its code ---------------===//

#include "runtime/DeviceSelection.h"
#include "runtime/HalStatus.h"

#include <cstdlib>

using namespace tgc;
using namespace tgc::rt;

std::string DeviceSpec::str() const {
  switch (kind) {
  case Kind::Auto:
    return "auto";
  case Kind::Host:
    return "host";
  case Kind::Cuda:
    return "cuda:" + std::to_string(ordinal);
  case Kind::Hip:
    return "hip:" + std::to_string(ordinal);
  case Kind::TinyGpu:
    return "tinygpu:" + std::to_string(ordinal);
  }
  return "?";
}

Status tgc::rt::parseDeviceSpec(const std::string &text, DeviceSpec &out) {
  out = DeviceSpec();
  if (text.empty() || text == "auto")
    return Status::ok();
  if (text == "host") {
    out.kind = DeviceSpec::Kind::Host;
    return Status::ok();
  }
  auto bad = [&] {
    return Status::invalidArgument(
        "unknown device '" + text +
        "' (expected auto, host, cuda:N, hip:N or tinygpu:N)");
  };
  std::string prefix;
  if (text.rfind("cuda", 0) == 0) {
    out.kind = DeviceSpec::Kind::Cuda;
    prefix = "cuda";
  } else if (text.rfind("hip", 0) == 0) {
    out.kind = DeviceSpec::Kind::Hip;
    prefix = "hip";
  } else if (text.rfind("tinygpu", 0) == 0) {
    out.kind = DeviceSpec::Kind::TinyGpu;
    prefix = "tinygpu";
  } else {
    return bad();
  }
  std::string rest = text.substr(prefix.size());
  if (rest.empty())
    return Status::ok(); // "cuda" means cuda:0
  if (rest[0] != ':' || rest.size() < 2 || rest.size() > 6)
    return bad();
  int ordinal = 0;
  for (char c : rest.substr(1)) {
    if (c < '0' || c > '9')
      return bad();
    ordinal = ordinal * 10 + (c - '0');
  }
  out.ordinal = ordinal;
  return Status::ok();
}

std::string tgc::rt::deviceId(const hal::DeviceInfo &info) {
  switch (info.kind) {
  case hal::DeviceKind::Host:
    return "host";
  case hal::DeviceKind::Cuda:
    return "cuda:" + std::to_string(info.ordinal);
  case hal::DeviceKind::Hip:
    return "hip:" + std::to_string(info.ordinal);
  case hal::DeviceKind::TinyGpu:
    return "tinygpu:" + std::to_string(info.ordinal);
  }
  return "?";
}

DeviceInventory tgc::rt::listDevices() {
  DeviceInventory inventory;
  auto add = [&](const hal::Status &status, std::vector<hal::DeviceInfo> &list,
                 const std::string &note, const char *backend) {
    if (!status.ok())
      inventory.notes.push_back(std::string(backend) + ": " + status.message());
    else if (!note.empty())
      inventory.notes.push_back(note);
    inventory.devices.insert(inventory.devices.end(), list.begin(), list.end());
  };
  std::vector<hal::DeviceInfo> cuda, hip, host, tinygpu;
  std::string cudaNote, hipNote;
  std::vector<std::string> tinygpuNotes;
  add(hal::listCudaDevices(cuda, cudaNote), cuda, cudaNote, "CUDA");
  add(hal::listHipDevices(hip, hipNote), hip, hipNote, "HIP");
  add(hal::listHostDevices(host), host, "", "host");
  add(hal::listTinyGpuDevices(tinygpu, tinygpuNotes), tinygpu, "", "TinyGPU");
  inventory.notes.insert(inventory.notes.end(), tinygpuNotes.begin(),
                         tinygpuNotes.end());
  return inventory;
}

/// "sm_90" -> 90, "sm_90a" -> 90 with archSpecific; -1 if not an sm arch.
static int parseSm(const std::string &arch, bool &archSpecific) {
  archSpecific = false;
  if (arch.rfind("sm_", 0) != 0 || arch.size() < 4)
    return -1;
  int sm = 0;
  size_t i = 3;
  for (; i < arch.size() && arch[i] >= '0' && arch[i] <= '9' && i < 8; ++i)
    sm = sm * 10 + (arch[i] - '0');
  if (i == 3)
    return -1;
  if (i + 1 == arch.size() && (arch[i] == 'a' || arch[i] == 'f'))
    archSpecific = true;
  else if (i != arch.size())
    return -1;
  return sm;
}

/// The CPU part of a triple or arch name, with the usual aliases merged.
static std::string normalizeCpu(const std::string &archOrTriple) {
  std::string cpu = archOrTriple.substr(0, archOrTriple.find('-'));
  if (cpu == "amd64" || cpu == "x64")
    return "x86_64";
  if (cpu == "arm64")
    return "aarch64";
  return cpu;
}

bool tgc::rt::hostCpuSupports(const std::string &cpu) {
  // TGC_ASSUME_X86_LEVEL=N makes this machine count as x86-64-vN, so tests
  // can check the rejection on any CPU.
  if (const char *assumed = std::getenv("TGC_ASSUME_X86_LEVEL")) {
    if (cpu.rfind("x86-64-v", 0) == 0)
      return std::atoi(cpu.c_str() + 8) <= std::atoi(assumed);
    return true;
  }
#if defined(__x86_64__) && defined(__GNUC__)
  // GCC and clang know the psABI feature levels by name.
  if (cpu == "x86-64-v2")
    return __builtin_cpu_supports("x86-64-v2");
  if (cpu == "x86-64-v3")
    return __builtin_cpu_supports("x86-64-v3");
  if (cpu == "x86-64-v4")
    return __builtin_cpu_supports("x86-64-v4");
#endif
  return true;
}

CodeChoice tgc::rt::chooseCodeObject(const ModuleDesc &desc,
                                     const hal::DeviceInfo &device) {
  CodeChoice choice;
  const auto &codes = desc.codeObjects;
  switch (device.kind) {
  case hal::DeviceKind::Host:
    for (size_t i = 0; i < codes.size(); ++i) {
#ifdef __APPLE__
      CodeFormat native = CodeFormat::HostDylib;
#else
      CodeFormat native = CodeFormat::HostSharedLibrary;
#endif
      if (codes[i].format != native ||
          normalizeCpu(codes[i].arch) != normalizeCpu(device.arch))
        continue;
      if (!hostCpuSupports(codes[i].cpu)) {
        choice.rejected = "its host code needs a " + codes[i].cpu +
                          " CPU, which this one is not (recompile with "
                          "tgc --host-cpu=<an older level>, e.g. x86-64-v2)";
        continue;
      }
      choice.codeObject = int64_t(i);
      return choice;
    }
    return choice;
  case hal::DeviceKind::Hip: {
    // "gfx90a:sramecc+:xnack-": the code object arch names the chip only.
    std::string chip = device.arch.substr(0, device.arch.find(':'));
    for (size_t i = 0; i < codes.size(); ++i)
      if (codes[i].format == CodeFormat::Hsaco &&
          codes[i].arch.substr(0, codes[i].arch.find(':')) == chip) {
        choice.codeObject = int64_t(i);
        return choice;
      }
    return choice;
  }
  case hal::DeviceKind::Cuda: {
    bool deviceSpecific;
    int deviceSm = parseSm(device.arch, deviceSpecific);
    for (size_t i = 0; i < codes.size(); ++i) {
      bool specific;
      if (codes[i].format == CodeFormat::Cubin &&
          parseSm(codes[i].arch, specific) == deviceSm && deviceSm >= 0) {
        choice.codeObject = int64_t(i);
        return choice;
      }
    }
    int bestSm = -1;
    for (size_t i = 0; i < codes.size(); ++i) {
      bool specific;
      int sm = parseSm(codes[i].arch, specific);
      if (codes[i].format != CodeFormat::Ptx || sm < 0 || sm > deviceSm)
        continue;
      // sm_90a PTX uses features that exist on sm_90 only.
      if (specific && sm != deviceSm)
        continue;
      if (sm > bestSm) {
        bestSm = sm;
        choice.codeObject = int64_t(i);
        choice.compilePtx = true;
      }
    }
    return choice;
  }
  case hal::DeviceKind::TinyGpu:
    // Nothing runs there yet: no code object is ever chosen, so `auto`
    // passes it over and an explicit choice reports why (openDevice).
    return choice;
  }
  return choice;
}

static hal::Status openHal(const hal::DeviceInfo &info,
                           std::unique_ptr<hal::Device> &out) {
  switch (info.kind) {
  case hal::DeviceKind::Host:
    return hal::openHostDevice(out);
  case hal::DeviceKind::Cuda:
    return hal::openCudaDevice(info.ordinal, out);
  case hal::DeviceKind::Hip:
    return hal::openHipDevice(info.ordinal, out);
  case hal::DeviceKind::TinyGpu:
    return hal::openTinyGpuDevice(info.ordinal, out);
  }
  return hal::Status::error("unknown device kind");
}

static std::string describe(const hal::DeviceInfo &info) {
  return deviceId(info) + " (" + info.arch + ")";
}

static std::string describeInventory(const DeviceInventory &inventory) {
  std::string text = "present devices: ";
  for (size_t i = 0; i < inventory.devices.size(); ++i)
    text += (i ? ", " : "") + describe(inventory.devices[i]);
  if (inventory.devices.empty())
    text += "none";
  for (const std::string &note : inventory.notes)
    text += "; " + note;
  return text;
}

Status tgc::rt::openDevice(const DeviceSpec &spec, const ModuleDesc *bundle,
                           std::unique_ptr<hal::Device> &out) {
  DeviceInventory inventory = listDevices();
  const hal::DeviceInfo *chosen = nullptr;

  if (spec.kind == DeviceSpec::Kind::Auto) {
    if (!bundle)
      return Status::invalidArgument(
          "device 'auto' needs a bundle to choose by; name a device instead");
    // Best = most compute units within the first backend (CUDA, HIP, host)
    // that has a device the bundle has code for.
    for (hal::DeviceKind kind :
         {hal::DeviceKind::Cuda, hal::DeviceKind::Hip, hal::DeviceKind::Host}) {
      for (const hal::DeviceInfo &info : inventory.devices) {
        if (info.kind != kind || chooseCodeObject(*bundle, info).codeObject < 0)
          continue;
        if (!chosen || info.computeUnits > chosen->computeUnits)
          chosen = &info;
      }
      if (chosen)
        break;
    }
    if (!chosen)
      return Status::unavailable(
          "no present device can run this bundle: it has " +
          bundle->codeObjectList() + "; " + describeInventory(inventory));
  } else {
    hal::DeviceKind kind =
        spec.kind == DeviceSpec::Kind::Host      ? hal::DeviceKind::Host
        : spec.kind == DeviceSpec::Kind::Cuda    ? hal::DeviceKind::Cuda
        : spec.kind == DeviceSpec::Kind::TinyGpu ? hal::DeviceKind::TinyGpu
                                                 : hal::DeviceKind::Hip;
    for (const hal::DeviceInfo &info : inventory.devices)
      if (info.kind == kind && info.ordinal == spec.ordinal)
        chosen = &info;
    if (!chosen)
      return Status::notFound("device " + spec.str() + " not found; " +
                              describeInventory(inventory));
    // Say why it cannot run before "the bundle has no code for it", which
    // would send the user to recompile for nothing.
    if (chosen->kind == hal::DeviceKind::TinyGpu)
      return fromHal(openHal(*chosen, out),
                     "cannot open device " + deviceId(*chosen),
                     TGC_STATUS_UNAVAILABLE);
    if (bundle) {
      CodeChoice choice = chooseCodeObject(*bundle, *chosen);
      if (choice.codeObject < 0)
        return Status::unavailable(
            "the bundle has no code for " + describe(*chosen) + ": it has " +
            bundle->codeObjectList() +
            (choice.rejected.empty() ? "" : "; " + choice.rejected));
    }
  }
  return fromHal(openHal(*chosen, out),
                 "cannot open device " + deviceId(*chosen),
                 TGC_STATUS_UNAVAILABLE);
}
