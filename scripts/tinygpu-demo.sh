#!/bin/sh
# Shows TinyGPU discovery without an eGPU: starts tinygpu-emu for an NVIDIA
# and an AMD device description in turn, lists devices with
# `TGC_TINYGPU_SOCKET=<socket> tg-run --list-devices` against each, and stops
# the emulator. Each listing has a `tinygpu:0` line with the vendor:device id.
#
#   scripts/tinygpu-demo.sh            # uses build/
#   BUILD_DIR=out scripts/tinygpu-demo.sh
#
# Exit status: 0 when both devices were listed, 1 otherwise, 2 when the tools
# are not built. test/tinygpu/demo.test runs it.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
emu=$build/bin/tinygpu-emu
tgrun=$build/bin/tg-run
for tool in "$emu" "$tgrun"; do
  if [ ! -x "$tool" ]; then
    echo "tinygpu-demo: $tool is not built (ninja -C $build tinygpu-emu tg-run)" >&2
    exit 2
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/tinygpu-demo.XXXXXX")
emu_pid=
cleanup() {
  if [ -n "$emu_pid" ]; then
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

status=0
for device in nvidia-rtx4090 amd-rx7900xtx; do
  socket=$work/$device.sock
  "$emu" --description "$root/tools/tinygpu-emu/devices/$device.desc" \
    --socket "$socket" >"$work/$device.log" 2>&1 &
  emu_pid=$!
  # Up to 5 s for the emulator to listen.
  tries=0
  until grep -q "listening on" "$work/$device.log" 2>/dev/null; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ] || ! kill -0 "$emu_pid" 2>/dev/null; then
      echo "tinygpu-demo: the emulator did not start:" >&2
      cat "$work/$device.log" >&2
      exit 1
    fi
    sleep 0.05
  done

  echo "== $device: TGC_TINYGPU_SOCKET=$socket tg-run --list-devices"
  TGC_TINYGPU_SOCKET=$socket "$tgrun" --list-devices | tee "$work/$device.out"
  grep -q "^tinygpu:0: .*[0-9a-f]\{4\}:[0-9a-f]\{4\}" "$work/$device.out" ||
    status=1

  kill "$emu_pid"
  wait "$emu_pid" 2>/dev/null || true
  emu_pid=
done
exit $status
