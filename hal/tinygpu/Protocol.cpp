//===- Protocol.cpp - the TinyGPU server's wire format --------------------===//

#include "hal/tinygpu/Protocol.h"

namespace tgc::hal::tinygpu {

namespace {
// Explicit little-endian (de)serialization: the records are packed, so no
// struct layout of the host may be assumed.
void put(uint8_t *&out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    *out++ = static_cast<uint8_t>(value >> (8 * i));
}
uint64_t get(const uint8_t *&in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value |= static_cast<uint64_t>(*in++) << (8 * i);
  return value;
}
} // namespace

const char *commandName(uint8_t command) {
  static const char *const names[] = {
      "PROBE",      "MAP_BAR",     "MAP_SYSMEM_FD", "CFG_READ",
      "CFG_WRITE",  "RESET",       "MMIO_READ",     "MMIO_WRITE",
      "MAP_SYSMEM", "SYSMEM_READ", "SYSMEM_WRITE",  "RESIZE_BAR",
      "PING"};
  if (command < sizeof(names) / sizeof(names[0]))
    return names[command];
  return "an unknown command";
}

void encodeRequest(const Request &request, uint8_t out[kRequestBytes]) {
  uint8_t *p = out;
  put(p, request.command, 1);
  put(p, request.deviceId, 4);
  put(p, request.bar, 4);
  for (uint64_t arg : request.arg)
    put(p, arg, 8);
}

Request decodeRequest(const uint8_t in[kRequestBytes]) {
  const uint8_t *p = in;
  Request request;
  request.command = static_cast<uint8_t>(get(p, 1));
  request.deviceId = static_cast<uint32_t>(get(p, 4));
  request.bar = static_cast<uint32_t>(get(p, 4));
  for (uint64_t &arg : request.arg)
    arg = get(p, 8);
  return request;
}

void encodeReply(const Reply &reply, uint8_t out[kReplyBytes]) {
  uint8_t *p = out;
  put(p, reply.status, 1);
  put(p, reply.value[0], 8);
  put(p, reply.value[1], 8);
}

Reply decodeReply(const uint8_t in[kReplyBytes]) {
  const uint8_t *p = in;
  Reply reply;
  reply.status = static_cast<uint8_t>(get(p, 1));
  reply.value[0] = get(p, 8);
  reply.value[1] = get(p, 8);
  return reply;
}

} // namespace tgc::hal::tinygpu
