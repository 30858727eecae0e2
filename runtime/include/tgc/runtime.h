/*===- tgc/runtime.h - the tgc runtime C API ----------------------*- C -*-===//
 *
 * Loads a tgc bundle (model.bin) onto a device and calls its functions.
 * C11, no dependencies. docs/runtime.md has a walkthrough.
 *
 * Conventions (IREE-like):
 *  - Every fallible call returns a tgc_status_t. NULL means success; anything
 *    else is an error object owned by the caller, read with
 *    tgc_status_code/tgc_status_message and freed with tgc_status_free.
 *  - Objects are opaque handles made by a _create, _open or _load call and
 *    released by the matching _destroy. Objects keep what they depend on
 *    alive internally (a module keeps its device and code, a session keeps
 *    its module), so handles may be destroyed in any order.
 *  - Strings returned by the API (names, messages) are owned by the object
 *    they came from and stay valid until that object is destroyed.
 *
 * Threading: bundles, devices and modules are immutable after creation and
 * may be shared between threads. A session is used by one thread at a time;
 * run concurrent calls on separate sessions of the same module.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TGC_RUNTIME_H
#define TGC_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Status
 *===----------------------------------------------------------------------===*/

typedef enum tgc_status_code_e {
  TGC_STATUS_OK = 0,
  /* The caller passed something wrong: a tensor of the wrong shape or dtype,
   * an unknown function name, a malformed device string. */
  TGC_STATUS_INVALID_ARGUMENT = 1,
  /* A file, device or function that was asked for does not exist. */
  TGC_STATUS_NOT_FOUND = 2,
  /* The bundle is malformed, truncated or corrupted. */
  TGC_STATUS_DATA_LOSS = 3,
  /* No usable device/driver, or the bundle has no code for the device. */
  TGC_STATUS_UNAVAILABLE = 4,
  /* Out of host or device memory. */
  TGC_STATUS_RESOURCE_EXHAUSTED = 5,
  /* The call is valid but the object is not in a state to do it. */
  TGC_STATUS_FAILED_PRECONDITION = 6,
  /* The device driver reported a failure (launch, copy, code loading). */
  TGC_STATUS_DEVICE_ERROR = 7,
  /* Reading or writing a file failed. */
  TGC_STATUS_IO_ERROR = 8,
  /* A bug in tgc. */
  TGC_STATUS_INTERNAL = 9,
  /* The bundle is not signed by a trusted key (docs/security.md), or a key
   * file or directory tgc relies on can be written by other users. */
  TGC_STATUS_PERMISSION_DENIED = 10,
} tgc_status_code_t;

typedef struct tgc_status_s *tgc_status_t;

/* TGC_STATUS_OK for NULL. */
tgc_status_code_t tgc_status_code(tgc_status_t status);
/* A one-line message naming what failed and where; "OK" for NULL. Valid
 * until the status is freed. */
const char *tgc_status_message(tgc_status_t status);
/* Frees a status; NULL is allowed. */
void tgc_status_free(tgc_status_t status);
/* A stable name for a code, e.g. "INVALID_ARGUMENT". */
const char *tgc_status_code_name(tgc_status_code_t code);

/* The tgc version this runtime was built from, e.g. "0.1.0". */
const char *tgc_runtime_version(void);

/*===----------------------------------------------------------------------===*
 * Tensors
 *===----------------------------------------------------------------------===*/

/* Element types; values match the bundle format. i1 is stored as one byte
 * per element (0 or 1). */
typedef enum tgc_dtype_e {
  TGC_DTYPE_F32 = 0,
  TGC_DTYPE_F16 = 1,
  TGC_DTYPE_BF16 = 2,
  TGC_DTYPE_I32 = 3,
  TGC_DTYPE_I8 = 4,
  TGC_DTYPE_I1 = 5,
} tgc_dtype_t;

/* Bytes per element; 0 for an unknown dtype. */
size_t tgc_dtype_size(tgc_dtype_t dtype);
/* "f32", "f16", "bf16", "i32", "i8", "i1"; "?" for an unknown dtype. */
const char *tgc_dtype_name(tgc_dtype_t dtype);

/* A dense, row-major (C order) tensor in host memory that the caller owns.
 * `shape` points at `rank` dimensions. */
typedef struct tgc_tensor_view_t {
  tgc_dtype_t dtype;
  int32_t rank;
  const int64_t *shape;
  void *data;
} tgc_tensor_view_t;

/*===----------------------------------------------------------------------===*
 * Bundles
 *===----------------------------------------------------------------------===*/

typedef struct tgc_bundle_s tgc_bundle_t;

/* Who may have signed the bundles a process opens (docs/security.md). A
 * bundle is code: it is opened only if it carries a valid signature by a
 * trusted key. Trusted are the user's own key (the one tgc signs with,
 * $TGC_CONFIG_DIR/signing-key.pub, default ~/.config/tgc), the public keys
 * in $TGC_CONFIG_DIR/trusted-keys/ (`tgc trust add`), and `trusted_keys`. */
typedef struct tgc_bundle_options_t {
  /* Also open unsigned bundles and bundles signed by keys that are not
   * trusted (a signature that does not verify is still refused). Only for
   * bundles you trust; TGC_ALLOW_UNSIGNED=1 sets it for every open. */
  bool allow_unsigned;
  /* More trusted public keys, each the text of a .pub file
   * ("tgc-ed25519-public <64 hex digits>") or the path of one. */
  const char *const *trusted_keys;
  size_t trusted_key_count;
} tgc_bundle_options_t;

/* Fills `options` with the defaults (allow_unsigned from TGC_ALLOW_UNSIGNED,
 * no extra keys). Always call it first: fields added later get their
 * defaults from here. */
void tgc_bundle_options_init(tgc_bundle_options_t *options);

/* Reads and validates a bundle file: container (magic, version, section
 * table), signature and signer (PERMISSION_DENIED, saying how to trust it,
 * if the signer is not trusted), metadata and every cross-reference in it.
 * Section contents are checksum- and signature-verified and decompressed
 * when a module loads them. Uses the default options. */
tgc_status_t tgc_bundle_open_file(const char *path, tgc_bundle_t **out_bundle);
/* Same for bytes in memory; the bytes are copied. `name` appears in error
 * messages (may be NULL). */
tgc_status_t tgc_bundle_open_memory(const void *data, size_t size,
                                    const char *name,
                                    tgc_bundle_t **out_bundle);
/* The same with options (NULL: the defaults). */
tgc_status_t
tgc_bundle_open_file_with_options(const char *path,
                                  const tgc_bundle_options_t *options,
                                  tgc_bundle_t **out_bundle);
tgc_status_t tgc_bundle_open_memory_with_options(
    const void *data, size_t size, const char *name,
    const tgc_bundle_options_t *options, tgc_bundle_t **out_bundle);
void tgc_bundle_destroy(tgc_bundle_t *bundle);
/* Checksum- and signature-verifies and decompresses every section now,
 * rather than when a module needs it (e.g. to check a download). */
tgc_status_t tgc_bundle_verify(const tgc_bundle_t *bundle);

/* The fingerprint of the key that signed the bundle (16 hex digits), or ""
 * for an unsigned bundle (opened with allow_unsigned). */
const char *tgc_bundle_signer(const tgc_bundle_t *bundle);

/* "tgc 0.1.0 (LLVM 22.1.8)": who wrote the bundle. */
const char *tgc_bundle_producer(const tgc_bundle_t *bundle);
/* The bundle's code objects, each described as "<format> <arch>", e.g.
 * "cubin sm_90", "ptx sm_80", "hsaco gfx1100",
 * "host_elf_so x86_64-unknown-linux-gnu". */
size_t tgc_bundle_code_object_count(const tgc_bundle_t *bundle);
const char *tgc_bundle_code_object(const tgc_bundle_t *bundle, size_t index);

/* The weights files a bundle compiled with `tgc --weights=external` keeps
 * its weights in (safetensors), as it names them: relative to the bundle's
 * directory. None for a bundle whose weights are inside it. */
size_t tgc_bundle_weight_file_count(const tgc_bundle_t *bundle);
const char *tgc_bundle_weight_file(const tgc_bundle_t *bundle, size_t index);

/*===----------------------------------------------------------------------===*
 * Devices
 *===----------------------------------------------------------------------===*/

typedef enum tgc_device_kind_e {
  TGC_DEVICE_HOST = 0,
  TGC_DEVICE_CUDA = 1,
  TGC_DEVICE_HIP = 2,
  /* A GPU behind TinyGPU.app's socket server (an eGPU on macOS): listed
   * from its PCI config space, cannot run kernels yet (docs/egpu.md). */
  TGC_DEVICE_TINYGPU = 3,
} tgc_device_kind_t;

typedef struct tgc_device_info_t {
  tgc_device_kind_t kind;
  int32_t ordinal;            /* N in cuda:N / hip:N; 0 for the host */
  const char *id;             /* "host", "cuda:0", "hip:1", "tinygpu:0" */
  const char *name;           /* "NVIDIA H100 80GB HBM3" */
  const char *arch;           /* "sm_90", "gfx1100", "x86_64" */
  const char *driver_version; /* "12080"; "" for the host */
  uint64_t memory_bytes;
  int32_t compute_units; /* SMs, CUs or host threads */
  /* Facts that fit no field above; TinyGPU: PCI vendor:device id in hex,
   * server, BAR sizes, PCIe link. "" for other kinds. */
  const char *details;
} tgc_device_info_t;

/* A snapshot of the devices present, with notes for backends that are not
 * available ("no CUDA driver (libcuda.so.1 not found)"). */
typedef struct tgc_device_list_s tgc_device_list_t;

tgc_status_t tgc_device_list_create(tgc_device_list_t **out_list);
void tgc_device_list_destroy(tgc_device_list_t *list);
size_t tgc_device_list_count(const tgc_device_list_t *list);
/* Strings in `out_info` stay valid until the list is destroyed. */
tgc_status_t tgc_device_list_get(const tgc_device_list_t *list, size_t index,
                                 tgc_device_info_t *out_info);
size_t tgc_device_list_note_count(const tgc_device_list_t *list);
const char *tgc_device_list_note(const tgc_device_list_t *list, size_t index);

typedef struct tgc_device_s tgc_device_t;

/* Opens a device. `spec` is "auto", "host", "cuda:N", "hip:N" or "tinygpu:N"
 * (NULL means "auto"; a TinyGPU device is never chosen by "auto" and opening
 * one fails with TGC_STATUS_UNAVAILABLE until tgc can bring it up). With "auto"
 * the best present device that `bundle` has code for is chosen: CUDA, then HIP,
 * then the host; `bundle` may be NULL only for an explicit spec. An explicit
 * device that the bundle has no code for is an error that lists what the bundle
 * has. */
tgc_status_t tgc_device_open(const char *spec, const tgc_bundle_t *bundle,
                             tgc_device_t **out_device);
void tgc_device_destroy(tgc_device_t *device);
/* Strings in `out_info` stay valid until the device is destroyed. */
void tgc_device_info(const tgc_device_t *device, tgc_device_info_t *out_info);

/* What copies between the host and a device can reach: the device's link
 * (PCIe, Thunderbolt/USB4 for an eGPU), or on the host device memory copy
 * bandwidth. Measured the first time (a few hundred milliseconds: copies of
 * 64 MiB, or TGC_LINK_MEASURE_BYTES, each way, best of 5) and kept per device
 * in the user cache ($TGC_CACHE_DIR/links, else $XDG_CACHE_HOME/tgc/links,
 * else ~/.cache/tgc/links; TGC_LINK_CACHE=0 measures every time). */
typedef struct tgc_link_bandwidth_t {
  double host_to_device_bytes_per_second;
  double device_to_host_bytes_per_second;
  uint64_t transfer_bytes; /* the size of each timed copy */
  bool host_memory;        /* the host device: memory copies, no link */
  bool from_cache;         /* read from the cache, not measured now */
} tgc_link_bandwidth_t;

tgc_status_t tgc_device_link_bandwidth(tgc_device_t *device,
                                       tgc_link_bandwidth_t *out_bandwidth);

/*===----------------------------------------------------------------------===*
 * Modules: a bundle's code loaded on a device, constants resident
 *===----------------------------------------------------------------------===*/

typedef struct tgc_module_s tgc_module_t;

typedef struct tgc_module_options_t {
  /* Kernel cache directory (PTX compiled by the driver for this exact GPU).
   * NULL: $TGC_CACHE_DIR/kernels, else $XDG_CACHE_HOME/tgc/kernels, else
   * ~/.cache/tgc/kernels. */
  const char *kernel_cache_dir;
  /* true turns the kernel cache off (so does TGC_KERNEL_CACHE=0). */
  bool disable_kernel_cache;
  /* For a bundle with external weights (tgc --weights=external): paths of
   * the safetensors files to read them from, one for each file the bundle
   * names (tgc_bundle_weight_file), in that order. NULL/0: the files the
   * bundle names, in its directory (a bundle opened from memory has none,
   * so then they must be given). Every tensor is checked against the
   * bundle (present, same dtype and shape) before anything is read. */
  const char *const *weight_files;
  size_t weight_file_count;
} tgc_module_options_t;

/* Fills `options` with the defaults (all zero: default kernel cache, the
 * bundle's own weights files). */
void tgc_module_options_init(tgc_module_options_t *options);

/* Loads the code object that fits the device (exact cubin/HSACO/host
 * library, else PTX compiled by the CUDA driver through the kernel cache)
 * and uploads the constants once, external weights included: a missing,
 * damaged or mismatching weights file is an error naming the file and the
 * tensor (NOT_FOUND, IO_ERROR, DATA_LOSS or INVALID_ARGUMENT). `options`
 * may be NULL. */
tgc_status_t tgc_module_load(tgc_device_t *device, const tgc_bundle_t *bundle,
                             const tgc_module_options_t *options,
                             tgc_module_t **out_module);
void tgc_module_destroy(tgc_module_t *module);

/* How the code was obtained, e.g. "cubin sm_90" or "ptx sm_80 compiled by
 * the CUDA driver for sm_90 (kernel cache hit)". */
const char *tgc_module_code_description(const tgc_module_t *module);

size_t tgc_module_function_count(const tgc_module_t *module);
const char *tgc_module_function_name(const tgc_module_t *module,
                                     size_t function);
/* TGC_STATUS_NOT_FOUND (listing the functions there are) if absent. */
tgc_status_t tgc_module_find_function(const tgc_module_t *module,
                                      const char *name, size_t *out_function);

/* The static signature: number of inputs/outputs and each tensor's type.
 * `out_type->data` is set to NULL; `shape` is owned by the module. */
size_t tgc_module_function_input_count(const tgc_module_t *module,
                                       size_t function);
size_t tgc_module_function_output_count(const tgc_module_t *module,
                                        size_t function);
tgc_status_t tgc_module_function_input(const tgc_module_t *module,
                                       size_t function, size_t input,
                                       tgc_tensor_view_t *out_type);
tgc_status_t tgc_module_function_output(const tgc_module_t *module,
                                        size_t function, size_t output,
                                        tgc_tensor_view_t *out_type);

/*===----------------------------------------------------------------------===*
 * Sessions: a queue plus per-call buffers, reused across calls
 *===----------------------------------------------------------------------===*/

typedef struct tgc_session_s tgc_session_t;

tgc_status_t tgc_session_create(tgc_module_t *module,
                                tgc_session_t **out_session);
/* Waits for pending work, then frees the session's device buffers. */
void tgc_session_destroy(tgc_session_t *session);
/* The module the session runs (borrowed: valid while the session lives, even
 * after the caller's own module handle is destroyed). */
const tgc_module_t *tgc_session_module(const tgc_session_t *session);

/* Runs `function` synchronously. Inputs and outputs are checked against the
 * signature (dtype, rank, shape); outputs are written into the caller's
 * `outputs[i].data`, which must hold the output's full byte size. On the host
 * device kernels use that memory directly (no copies; a failed call may leave
 * partial outputs); overlapping or misaligned tensors are copied. */
tgc_status_t tgc_session_call(tgc_session_t *session, size_t function,
                              const tgc_tensor_view_t *inputs,
                              size_t input_count,
                              const tgc_tensor_view_t *outputs,
                              size_t output_count);

/* Enqueues the same work and returns. The input and output memory must stay
 * valid and untouched until tgc_session_synchronize returns. Several calls
 * may be pending at once; they run in order. */
tgc_status_t tgc_session_call_async(tgc_session_t *session, size_t function,
                                    const tgc_tensor_view_t *inputs,
                                    size_t input_count,
                                    const tgc_tensor_view_t *outputs,
                                    size_t output_count);
/* Waits until every pending call has finished and its outputs are written.
 * Reports the first device error of the pending calls. */
tgc_status_t tgc_session_synchronize(tgc_session_t *session);

/*===----------------------------------------------------------------------===*
 * Device buffers: tensors that stay on the device between calls
 *===----------------------------------------------------------------------===*/

/* One tensor's worth of memory on a module's device (docs/runtime.md,
 * "Device buffers"). Passed to a call instead of a host tensor, it is used
 * where it lies: nothing is copied. Passing the same buffer as an input and
 * an output *donates* the input: the output is written over it (how a KV
 * cache is updated in place), where the function's schedule allows it (see
 * tgc_module_function_check_donation).
 *
 * A buffer may be used by every session whose module runs on the device it
 * was made on. It keeps that device alive. Destroying a buffer while calls
 * that use it are pending is allowed: its memory is freed once they are done.
 * Using a destroyed handle is reported as FAILED_PRECONDITION, unless a new
 * buffer has since been made at the same address. */
typedef struct tgc_buffer_s tgc_buffer_t;

/* Allocates a buffer for a `dtype` tensor of `shape` (`rank` dims) on the
 * module's device. Its contents are unspecified until written by an upload
 * or a call. */
tgc_status_t tgc_buffer_create(const tgc_module_t *module, tgc_dtype_t dtype,
                               int32_t rank, const int64_t *shape,
                               tgc_buffer_t **out_buffer);
/* NULL is allowed. */
void tgc_buffer_destroy(tgc_buffer_t *buffer);
/* The buffer's dtype and shape (owned by the buffer); `data` is NULL. */
tgc_status_t tgc_buffer_type(const tgc_buffer_t *buffer,
                             tgc_tensor_view_t *out_type);
/* Bytes of the tensor; 0 for NULL or a destroyed buffer. */
size_t tgc_buffer_byte_size(const tgc_buffer_t *buffer);

/* Copies a host tensor into a buffer of the same dtype and shape, in order
 * with the session's calls, and waits for it. */
tgc_status_t tgc_session_upload(tgc_session_t *session, tgc_buffer_t *buffer,
                                const tgc_tensor_view_t *source);
/* Copies a buffer into a host tensor of the same dtype and shape, after the
 * session's pending calls, and waits for it. */
tgc_status_t tgc_session_download(tgc_session_t *session,
                                  const tgc_buffer_t *buffer,
                                  const tgc_tensor_view_t *destination);
/* The same, enqueued: the host memory must stay valid (and, for an upload,
 * unchanged) until tgc_session_synchronize returns. */
tgc_status_t tgc_session_upload_async(tgc_session_t *session,
                                      tgc_buffer_t *buffer,
                                      const tgc_tensor_view_t *source);
tgc_status_t tgc_session_download_async(tgc_session_t *session,
                                        const tgc_buffer_t *buffer,
                                        const tgc_tensor_view_t *destination);

/* One input or output of a call: a device buffer when `buffer` is not NULL
 * (then `tensor` is ignored), else the host tensor `tensor`. */
typedef struct tgc_arg_t {
  tgc_tensor_view_t tensor;
  tgc_buffer_t *buffer;
} tgc_arg_t;

/* tgc_session_call and tgc_session_call_async with any mix of host tensors
 * and device buffers. A buffer must have exactly the dtype and shape of the
 * signature and live on the session's device. A buffer may be passed as
 * several inputs; as at most one output; and as an output and an input only
 * where that input may be donated to that output. Host tensors are copied as
 * in tgc_session_call; buffers are not. */
tgc_status_t tgc_session_call_args(tgc_session_t *session, size_t function,
                                   const tgc_arg_t *inputs, size_t input_count,
                                   const tgc_arg_t *outputs,
                                   size_t output_count);
tgc_status_t
tgc_session_call_args_async(tgc_session_t *session, size_t function,
                            const tgc_arg_t *inputs, size_t input_count,
                            const tgc_arg_t *outputs, size_t output_count);

/* NULL if `output` of `function` may be written over `input` (one buffer
 * passed as both); else INVALID_ARGUMENT saying why. It may when the
 * function's schedule reads nothing of the input after it starts writing the
 * output, except through a copy of the input onto the output at the same
 * place, which donation makes a no-op. Input and output must have the same
 * dtype and shape. */
tgc_status_t tgc_module_function_check_donation(const tgc_module_t *module,
                                                size_t function, size_t input,
                                                size_t output);

/* Profiling: when enabled, each call records device events around its
 * transfers and every kernel launch (this costs a little per call). */
tgc_status_t tgc_session_set_profiling(tgc_session_t *session, bool enabled);

typedef struct tgc_call_profile_t {
  uint64_t host_to_device_bytes;
  double host_to_device_ms;
  uint64_t device_to_host_bytes;
  double device_to_host_ms;
  size_t dispatch_count; /* dispatch steps of the call */
} tgc_call_profile_t;

typedef struct tgc_dispatch_profile_t {
  size_t step;             /* index in the function's schedule */
  uint32_t kernel;         /* index in the bundle's kernels */
  const char *kernel_name; /* owned by the module */
  double ms;               /* < 0 when the device cannot time it */
} tgc_dispatch_profile_t;

/* The profile of the most recent completed call made with profiling on.
 * FAILED_PRECONDITION if there is none. */
tgc_status_t tgc_session_last_profile(const tgc_session_t *session,
                                      tgc_call_profile_t *out_profile);
tgc_status_t
tgc_session_last_dispatch_profile(const tgc_session_t *session, size_t dispatch,
                                  tgc_dispatch_profile_t *out_profile);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TGC_RUNTIME_H */
