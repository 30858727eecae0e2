//===- HipRuntimeApi.h - the slice of the HIP runtime tgc uses --*- C++ -*-===//
//
// Declared by hand for the same reason as CudaDriverApi.h: libamdhip64 is
// opened with dlopen at run time so that tgc builds without ROCm and runs on
// machines without an AMD GPU. Only functions whose signatures do not depend
// on a struct layout are used; device properties are read one attribute at a
// time. The attribute numbers are those of ROCm 5.0 and later (the enum was
// renumbered then; older runtimes are not supported).
//
//===----------------------------------------------------------------------===//

#ifndef TGC_HAL_HIPRUNTIMEAPI_H
#define TGC_HAL_HIPRUNTIMEAPI_H

#include <cstddef>

namespace tgc::hal::hip {

using hipError_t = int;
using hipDevice_t = int;
using hipDeviceptr_t = void *;
using hipModule_t = struct ihipModule_t *;
using hipFunction_t = struct ihipModuleSymbol_t *;
using hipStream_t = struct ihipStream_t *;
using hipEvent_t = struct ihipEvent_t *;

constexpr hipError_t hipSuccess = 0;

// hipDeviceAttribute_t (ROCm >= 5.0 numbering)
constexpr int hipDeviceAttributeMaxBlockDimX = 26;
constexpr int hipDeviceAttributeMaxBlockDimY = 27;
constexpr int hipDeviceAttributeMaxBlockDimZ = 28;
constexpr int hipDeviceAttributeMaxGridDimX = 29;
constexpr int hipDeviceAttributeMaxGridDimY = 30;
constexpr int hipDeviceAttributeMaxGridDimZ = 31;
constexpr int hipDeviceAttributeMaxThreadsPerBlock = 56;
constexpr int hipDeviceAttributeMultiprocessorCount = 63;
constexpr int hipDeviceAttributeMaxSharedMemoryPerBlock = 74;
constexpr int hipDeviceAttributeWarpSize = 87;

// Flags
constexpr unsigned hipStreamNonBlocking = 0x1;
constexpr unsigned hipEventDefault = 0x0;
constexpr unsigned hipEventDisableTiming = 0x2;
constexpr unsigned hipHostMallocDefault = 0x0;

/// Entry points, resolved by HipDevice.cpp.
struct RuntimeApi {
  hipError_t (*hipInit)(unsigned flags);
  const char *(*hipGetErrorName)(hipError_t error);
  hipError_t (*hipDriverGetVersion)(int *version);
  hipError_t (*hipGetDeviceCount)(int *count);
  hipError_t (*hipDeviceGet)(hipDevice_t *device, int ordinal);
  hipError_t (*hipDeviceGetName)(char *name, int length, hipDevice_t device);
  hipError_t (*hipDeviceTotalMem)(size_t *bytes, hipDevice_t device);
  hipError_t (*hipDeviceGetAttribute)(int *value, int attribute, int ordinal);
  /// hipGetDevicePropertiesR0600 (or the unversioned name on ROCm 5): used
  /// only to find gcnArchName, see HipDevice.cpp. May be null.
  hipError_t (*hipGetDeviceProperties)(void *properties, int ordinal);
  hipError_t (*hipGetDevice)(int *ordinal);
  hipError_t (*hipSetDevice)(int ordinal);
  hipError_t (*hipMalloc)(void **pointer, size_t bytes);
  hipError_t (*hipFree)(void *pointer);
  hipError_t (*hipHostMalloc)(void **pointer, size_t bytes, unsigned flags);
  hipError_t (*hipHostFree)(void *pointer);
  hipError_t (*hipMemcpyHtoDAsync)(hipDeviceptr_t dst, void *src, size_t bytes,
                                   hipStream_t stream);
  hipError_t (*hipMemcpyDtoHAsync)(void *dst, hipDeviceptr_t src, size_t bytes,
                                   hipStream_t stream);
  hipError_t (*hipMemcpyDtoDAsync)(hipDeviceptr_t dst, hipDeviceptr_t src,
                                   size_t bytes, hipStream_t stream);
  hipError_t (*hipStreamCreateWithFlags)(hipStream_t *stream, unsigned flags);
  hipError_t (*hipStreamDestroy)(hipStream_t stream);
  hipError_t (*hipStreamSynchronize)(hipStream_t stream);
  hipError_t (*hipEventCreateWithFlags)(hipEvent_t *event, unsigned flags);
  hipError_t (*hipEventDestroy)(hipEvent_t event);
  hipError_t (*hipEventRecord)(hipEvent_t event, hipStream_t stream);
  hipError_t (*hipEventSynchronize)(hipEvent_t event);
  hipError_t (*hipStreamWaitEvent)(hipStream_t stream, hipEvent_t event,
                                   unsigned flags);
  hipError_t (*hipEventElapsedTime)(float *ms, hipEvent_t start,
                                    hipEvent_t stop);
  hipError_t (*hipModuleLoadData)(hipModule_t *module, const void *image);
  hipError_t (*hipModuleUnload)(hipModule_t module);
  hipError_t (*hipModuleGetFunction)(hipFunction_t *function,
                                     hipModule_t module, const char *name);
  hipError_t (*hipModuleLaunchKernel)(hipFunction_t function, unsigned gridX,
                                      unsigned gridY, unsigned gridZ,
                                      unsigned blockX, unsigned blockY,
                                      unsigned blockZ,
                                      unsigned sharedMemoryBytes,
                                      hipStream_t stream, void **kernelParams,
                                      void **extra);
};

} // namespace tgc::hal::hip

#endif // TGC_HAL_HIPRUNTIMEAPI_H
