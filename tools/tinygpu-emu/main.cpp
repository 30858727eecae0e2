//===- main.cpp - tinygpu-emu: serve a pretend eGPU over TinyGPU's protocol
//===//
//
//   tinygpu-emu --description nvidia.desc --socket /tmp/emu.sock
//   tinygpu-emu --description amd.desc --tcp 127.0.0.1:0
//   tinygpu-emu --description nvidia.desc --socket /tmp/emu.sock -- \
//       tg-run --list-devices
//
// Prints "tinygpu-emu: listening on ENDPOINT" once clients may connect, then
// serves until SIGINT or SIGTERM; or, given a command after `--`, runs it with
// TGC_TINYGPU_SOCKET set to the endpoint, stops when it exits and exits with
// its status (for tests, which cannot start background processes). A test
// tool: see docs/egpu.md.
//
//===----------------------------------------------------------------------===//

#include "tools/tinygpu-emu/Emulator.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

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
  std::vector<std::string> command;
  app.add_option("command", command,
                 "a command to run against the emulator (after --)");
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
  if (!command.empty()) {
    // The child gets the endpoint; the emulator serves it from a thread.
    std::fflush(stdout);
    pid_t child = ::fork();
    if (child < 0) {
      std::perror("tinygpu-emu: fork");
      return 1;
    }
    if (child == 0) {
      ::setenv("TGC_TINYGPU_SOCKET", emulator.endpoint().c_str(), 1);
      std::vector<char *> args;
      for (std::string &arg : command)
        args.push_back(&arg[0]);
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      std::fprintf(stderr, "tinygpu-emu: cannot run %s\n", args[0]);
      ::_exit(127);
    }
    std::thread server([&] { emulator.serve(); });
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    emulator.stop();
    server.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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
