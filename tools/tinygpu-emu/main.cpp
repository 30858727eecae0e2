//===- main.cpp - tinygpu-emu: serve a pretend eGPU over TinyGPU's protocol
//===//
//
//   tinygpu-emu --description nvidia.desc --socket /tmp/emu.sock
//   tinygpu-emu --description amd.desc --tcp 127.0.0.1:0
//
// Prints "tinygpu-emu: listening on ENDPOINT" once clients may connect, then
// serves until SIGINT or SIGTERM. A test tool: see docs/egpu.md.
//
//===----------------------------------------------------------------------===//

#include "tools/tinygpu-emu/Emulator.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace {
tgc::tinygpu_emu::Emulator *running = nullptr;
void onSignal(int) {
  if (running)
    running->stop();
}
} // namespace

int main(int argc, char **argv) {
  CLI::App app{"tinygpu-emu: serves TinyGPU.app's socket protocol for a "
               "pretend PCI device (for tests)"};
  std::string descriptionPath, socketPath, tcp;
  app.add_option("--description", descriptionPath,
                 "key=value file describing the device")
      ->required();
  auto *socketOption =
      app.add_option("--socket", socketPath, "Unix socket path to serve on");
  auto *tcpOption = app.add_option(
      "--tcp", tcp, "HOST:PORT to serve on (port 0: any free port)");
  socketOption->excludes(tcpOption);
  CLI11_PARSE(app, argc, argv);
  if (socketPath.empty() && tcp.empty()) {
    std::fprintf(stderr,
                 "tinygpu-emu: give --socket PATH or --tcp HOST:PORT\n");
    return 2;
  }

  std::ifstream file(descriptionPath);
  if (!file) {
    std::fprintf(stderr, "tinygpu-emu: cannot read %s\n",
                 descriptionPath.c_str());
    return 1;
  }
  std::stringstream text;
  text << file.rdbuf();
  tgc::tinygpu_emu::DeviceDescription description;
  std::string error;
  if (!tgc::tinygpu_emu::parseDescription(text.str(), description, error)) {
    std::fprintf(stderr, "tinygpu-emu: %s: %s\n", descriptionPath.c_str(),
                 error.c_str());
    return 1;
  }

  tgc::tinygpu_emu::Emulator emulator(description);
  if (tgc::hal::Status s = emulator.listen(
          socketPath.empty() ? "tcp:" + tcp : "unix:" + socketPath);
      !s) {
    std::fprintf(stderr, "tinygpu-emu: %s\n", s.message().c_str());
    return 1;
  }
  running = &emulator;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("tinygpu-emu: listening on %s\n", emulator.endpoint().c_str());
  std::fflush(stdout);
  emulator.serve();
  return 0;
}
