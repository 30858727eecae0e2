/*===- tgc/jit.h - compile and run tg models in an application ----*- C -*-===//
 *
 * The JIT is the tgc compiler and runtime in one library (libtgc_jit.so):
 * give it a model as MLIR text, get back a module loaded on a device, call
 * its functions. Compiled bundles go to a persistent compile cache, so a
 * model is compiled once per machine; later starts load it in milliseconds.
 * C11. docs/jit.md has a walkthrough.
 *
 * Conventions are the runtime's (tgc/runtime.h, which this header includes
 * and whose functions libtgc_jit.so also provides):
 *  - Fallible calls return a tgc_status_t: NULL on success, else an error
 *    the caller frees with tgc_status_free. A model that does not parse,
 *    verify or compile gives TGC_STATUS_INVALID_ARGUMENT whose message is
 *    the compiler's full diagnostic text, with locations
 *    ("model.mlir:3:8: error: ..." plus the source line and notes).
 *  - Objects are opaque handles released by the matching _destroy; they
 *    keep alive what they depend on, so any destruction order is fine.
 *
 * Trust (docs/security.md): the JIT signs every bundle it compiles with the
 * user's key ($TGC_CONFIG_DIR/signing-key, default ~/.config/tgc, made on
 * first use; $TGC_SIGN_KEY names another) and loads only what that key
 * signed; its compile cache entries are authenticated with the user's
 * cache key, so entries written by anyone else are never used.
 *
 * Threading: a tgc_jit_t may be used by several threads at once. Threads
 * compiling the same model share one compile and get the same loaded
 * module; so do processes sharing the cache directory (a file lock).
 * tgc_jit_module_call may be called from several threads (calls on one
 * module run one at a time); for calls in parallel, create runtime sessions
 * on tgc_jit_module_runtime(module), one per thread.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TGC_JIT_H
#define TGC_JIT_H

#include "tgc/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tgc_jit_s tgc_jit_t;
typedef struct tgc_jit_module_s tgc_jit_module_t;

/* Receives warnings: a cache directory that cannot be used, a compile step
 * skipped because a tool is missing (cubin without ptxas). */
typedef void (*tgc_jit_warning_fn)(void *user_data, const char *message);

typedef struct tgc_jit_options_t {
  /* "auto", "host", "cuda:N" or "hip:N"; NULL means "auto": the first CUDA
   * GPU, else the first AMD GPU, else the host CPU. */
  const char *device;
  /* Comma-separated compile targets ("host", "sm_90", "gfx1100", a host
   * triple). NULL: what the device needs, i.e. "host" for the host CPU and
   * the GPU's own arch (sm_90 gives PTX and, with ptxas, a cubin). */
  const char *targets;
  /* 0 to 3 (default 2). */
  int32_t opt_level;
  /* CPU for host code. NULL or "": with targets NULL and the host device,
   * this machine's CPU (like -march=native); with explicit targets, the
   * portable baseline of the triple (x86-64-v3 and, on x86-64, also
   * x86-64-v4 code; generic AArch64; apple-m1). */
  const char *host_cpu;
  /* Cache root: the compile cache is <cache_dir>/bundles, the runtime's
   * kernel cache <cache_dir>/kernels. NULL: $TGC_CACHE_DIR, else
   * $XDG_CACHE_HOME/tgc, else ~/.cache/tgc. */
  const char *cache_dir;
  /* true turns the compile cache off (so does TGC_COMPILE_CACHE=0); the
   * in-memory reuse of loaded modules stays. */
  bool disable_cache;
  /* Compile cache size limit in bytes; 0: TGC_COMPILE_CACHE_MAX_BYTES, else
   * the limit set with `tgc --cache-max-size`, else 1 GiB. */
  uint64_t cache_max_bytes;
  /* NULL: warnings go to stderr, each kind once per process. */
  tgc_jit_warning_fn warning_callback;
  void *warning_user_data;
} tgc_jit_options_t;

/* Fills `options` with the defaults. Always call it first: fields added in
 * later versions get their defaults from here. */
void tgc_jit_options_init(tgc_jit_options_t *options);

/* Opens the device and prepares the compiler. `options` may be NULL. */
tgc_status_t tgc_jit_create(const tgc_jit_options_t *options,
                            tgc_jit_t **out_jit);
void tgc_jit_destroy(tgc_jit_t *jit);

/* The device modules are loaded on; strings in `out_info` stay valid until
 * the JIT is destroyed. */
void tgc_jit_device_info(const tgc_jit_t *jit, tgc_device_info_t *out_info);
/* The compile targets, comma-separated, e.g. "host" or "sm_90". Owned by
 * the JIT. */
const char *tgc_jit_targets(const tgc_jit_t *jit);

/* Compiles MLIR text (a module of func.func entry points made of tg ops)
 * and loads it on the JIT's device. `size` is the text's length in bytes;
 * the text need not be NUL-terminated. `name` names the source in
 * diagnostics (NULL: "<source>"). Identical models (equal after parsing:
 * whitespace, comments and SSA names do not count) give the same loaded
 * module while any handle to it is alive, and come from the compile cache
 * after that. */
tgc_status_t tgc_jit_compile_source(tgc_jit_t *jit, const char *source,
                                    size_t size, const char *name,
                                    tgc_jit_module_t **out_module);
/* Same for a file; NOT_FOUND or IO_ERROR if it cannot be read. An ONNX
 * model (a .onnx file, or one that starts like one) is imported as by
 * tgc_jit_compile_onnx with no options. */
tgc_status_t tgc_jit_compile_file(tgc_jit_t *jit, const char *path,
                                  tgc_jit_module_t **out_module);

/* How an ONNX model is imported; the same as tgc's --dim, --input-shape and
 * --safetensors (docs/onnx.md). */
typedef struct tgc_jit_onnx_options_t {
  /* "NAME=SIZE": sizes of symbolic dimensions. */
  const char *const *dims;
  size_t dim_count;
  /* "NAME=AxBxC" or "NAME=scalar": whole shapes of graph inputs. */
  const char *const *input_shapes;
  size_t input_shape_count;
  /* safetensors files whose tensors replace initializers of the same name
   * (or provide the weights of a model exported without them). */
  const char *const *weight_files;
  size_t weight_file_count;
} tgc_jit_onnx_options_t;

/* Fills `options` with the defaults (no dims, shapes or weight files). */
void tgc_jit_onnx_options_init(tgc_jit_onnx_options_t *options);

/* Imports an ONNX model file (`options` may be NULL) and compiles it like
 * tgc_jit_compile_source; the function is "main". A node tgc cannot import
 * is INVALID_ARGUMENT naming it ("model.onnx: node 'Add_3' (Add): error:
 * ..."). The model is imported on every call (its file need not hold its
 * weights), and the compile cache is keyed by the imported model, weights
 * included. */
tgc_status_t tgc_jit_compile_onnx(tgc_jit_t *jit, const char *path,
                                  const tgc_jit_onnx_options_t *options,
                                  tgc_jit_module_t **out_module);

void tgc_jit_module_destroy(tgc_jit_module_t *module);

/* Where this handle's module came from. */
typedef enum tgc_jit_cache_result_e {
  /* The JIT had it loaded already (the same model compiled before). */
  TGC_JIT_CACHE_MEMORY_HIT = 0,
  /* The bundle came from the compile cache. */
  TGC_JIT_CACHE_DISK_HIT = 1,
  /* Compiled, and stored in the compile cache. */
  TGC_JIT_CACHE_MISS = 2,
  /* Compiled; the cache directory could not be used (see the warning). */
  TGC_JIT_CACHE_UNAVAILABLE = 3,
  /* Compiled; the compile cache is off. */
  TGC_JIT_CACHE_DISABLED = 4,
} tgc_jit_cache_result_t;

typedef struct tgc_jit_compile_info_t {
  tgc_jit_cache_result_t cache;
  /* Wall time of the tgc_jit_compile_* call that made this handle: parse,
   * cache lookup, compile if needed, and loading on the device. */
  double milliseconds;
  /* The compile cache key's digest (32 hex digits); owned by the handle. */
  const char *key;
} tgc_jit_compile_info_t;

void tgc_jit_module_compile_info(const tgc_jit_module_t *module,
                                 tgc_jit_compile_info_t *out_info);
/* "hit", "miss, compiled and stored", ... for messages. */
const char *tgc_jit_cache_result_name(tgc_jit_cache_result_t result);

/* The loaded runtime module (borrowed; valid while `module` lives): use the
 * runtime API on it for signatures (tgc_module_function_input...) and for
 * sessions of your own (tgc_session_create keeps the module alive). */
tgc_module_t *tgc_jit_module_runtime(const tgc_jit_module_t *module);

/* Runs `function` synchronously, like tgc_session_call on a session the
 * module keeps for this. Inputs and outputs are checked against the
 * signature (a wrong shape or dtype is INVALID_ARGUMENT naming both);
 * outputs are written into `outputs[i].data`. */
tgc_status_t tgc_jit_module_call(tgc_jit_module_t *module, const char *function,
                                 const tgc_tensor_view_t *inputs,
                                 size_t input_count,
                                 const tgc_tensor_view_t *outputs,
                                 size_t output_count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TGC_JIT_H */
