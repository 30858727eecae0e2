/* Runs tgc-built NVIDIA code objects on a real GPU through the CUDA driver
 * API (libcuda loaded with dlopen, so it builds without the toolkit):
 *
 *   cuda-math-check MODULE.{cubin,ptx} ROWSUM.{cubin,ptx} KERNEL:REF:LO:HI...
 *
 * MODULE holds Inputs/gpu-math.mlir's kernels; each KERNEL runs over a
 * sweep of float bit patterns in [LO, HI] and is compared with libm in
 * double precision (max error in ulps, like tgc-targets-test --run).
 * ROWSUM holds Inputs/gpu-kernels.mlir; its row_sum kernel (shuffles,
 * workgroup memory, barrier) is checked against a host sum, and its reverse
 * kernel (dynamic shared memory) against the expected permutation. Every launch
 * passes one 8-byte device pointer per binding: the bare-pointer ABI.
 * Exit status 0 only if every module loads and both kernels are right.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext, *CUmodule, *CUfunction;
typedef unsigned long long CUdeviceptr;

static CUresult (*cuInit)(unsigned);
static CUresult (*cuDeviceGet)(CUdevice *, int);
static CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
static CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
static CUresult (*cuCtxSetCurrent)(CUcontext);
static CUresult (*cuModuleLoadData)(CUmodule *, const void *);
static CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
static CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
static CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t);
static CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t);
static CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned,
                                  unsigned, unsigned, unsigned, unsigned,
                                  void *, void **, void **);
static CUresult (*cuCtxSynchronize)(void);
static CUresult (*cuGetErrorString)(CUresult, const char **);

#define CHECK(call)                                                            \
  do {                                                                         \
    CUresult r_ = (call);                                                      \
    if (r_) {                                                                  \
      const char *s_ = "?";                                                    \
      cuGetErrorString(r_, &s_);                                               \
      fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, s_);       \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

static void *sym(void *lib, const char *name) {
  void *p = dlsym(lib, name);
  if (!p) {
    fprintf(stderr, "libcuda lacks %s\n", name);
    exit(1);
  }
  return p;
}

static char *readFile(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc(n + 1);
  if (fread(data, 1, n, f) != (size_t)n)
    exit(1);
  data[n] = 0; /* PTX must be NUL-terminated */
  fclose(f);
  *size = n;
  return data;
}

static double reference(const char *name, double x) {
  if (!strcmp(name, "exp"))
    return exp(x);
  if (!strcmp(name, "exp2"))
    return exp2(x);
  if (!strcmp(name, "expm1"))
    return expm1(x);
  if (!strcmp(name, "log"))
    return log(x);
  if (!strcmp(name, "log2"))
    return log2(x);
  if (!strcmp(name, "log10"))
    return log10(x);
  if (!strcmp(name, "log1p"))
    return log1p(x);
  if (!strcmp(name, "tanh"))
    return tanh(x);
  if (!strcmp(name, "erf"))
    return erf(x);
  if (!strcmp(name, "erfc"))
    return erfc(x);
  if (!strcmp(name, "sin"))
    return sin(x);
  if (!strcmp(name, "cos"))
    return cos(x);
  if (!strcmp(name, "tan"))
    return tan(x);
  if (!strcmp(name, "atan"))
    return atan(x);
  if (!strcmp(name, "asin"))
    return asin(x);
  if (!strcmp(name, "acos"))
    return acos(x);
  if (!strcmp(name, "sinh"))
    return sinh(x);
  if (!strcmp(name, "cosh"))
    return cosh(x);
  if (!strcmp(name, "cbrt"))
    return cbrt(x);
  if (!strcmp(name, "sqrt"))
    return sqrt(x);
  if (!strcmp(name, "rsqrt"))
    return 1.0 / sqrt(x);
  if (!strcmp(name, "sigmoid"))
    return 1.0 / (1.0 + exp(-x));
  if (!strcmp(name, "pow2.5"))
    return pow(x, 2.5);
  fprintf(stderr, "unknown reference %s\n", name);
  exit(1);
}

static double ulpError(float got, double want) {
  if (isnan(want))
    return isnan(got) ? 0 : INFINITY;
  if (isnan(got))
    return INFINITY;
  float rounded = (float)want;
  if (isinf(rounded) || isinf(got))
    return got == rounded ? 0 : INFINITY;
  double magnitude = fabs((double)rounded);
  double spacing = (double)nextafterf((float)magnitude, INFINITY) - magnitude;
  return fabs((double)got - want) / spacing;
}

static int64_t key(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return (b & 0x80000000u) ? -(int64_t)(b & 0x7fffffffu) : (int64_t)b;
}
static float unkey(int64_t k) {
  uint32_t b = k < 0 ? ((uint32_t)-k | 0x80000000u) : (uint32_t)k;
  float f;
  memcpy(&f, &b, 4);
  return f;
}

enum { N = 1 << 20, BLOCK = 256, SAMPLES = 1 << 22 };

static CUmodule load(const char *path) {
  size_t size;
  char *data = readFile(path, &size);
  CUmodule module;
  CHECK(cuModuleLoadData(&module, data));
  free(data);
  return module;
}

static int checkRowSum(const char *path) {
  CUmodule module = load(path);
  CUfunction f;
  CHECK(cuModuleGetFunction(&f, module, "row_sum"));
  float in[8 * 256], out[8], want[8];
  for (int r = 0; r < 8; ++r) {
    want[r] = 0;
    for (int c = 0; c < 256; ++c) {
      in[r * 256 + c] = (float)((r * 7 + c * 3) % 17) - 8.0f;
      want[r] += in[r * 256 + c];
    }
  }
  CUdeviceptr dIn, dOut;
  CHECK(cuMemAlloc(&dIn, sizeof in));
  CHECK(cuMemAlloc(&dOut, sizeof out));
  CHECK(cuMemcpyHtoD(dIn, in, sizeof in));
  void *params[] = {&dIn, &dOut};
  CHECK(cuLaunchKernel(f, 8, 1, 1, 256, 1, 1, 0, NULL, params, NULL));
  CHECK(cuCtxSynchronize());
  CHECK(cuMemcpyDtoH(out, dOut, sizeof out));
  int ok = 1;
  for (int r = 0; r < 8; ++r)
    ok &= out[r] == want[r];
  printf("row_sum %s: %s (row 0: got %g want %g)\n", path, ok ? "PASS" : "FAIL",
         out[0], want[0]);

  /* reverse: dynamic shared memory, sized at launch (1 KiB). */
  CUfunction reverse;
  CHECK(cuModuleGetFunction(&reverse, module, "reverse"));
  float data[1024], back[1024];
  for (int i = 0; i < 1024; ++i)
    data[i] = (float)i;
  CUdeviceptr dData;
  CHECK(cuMemAlloc(&dData, sizeof data));
  CHECK(cuMemcpyHtoD(dData, data, sizeof data));
  void *reverseParams[] = {&dData};
  CHECK(cuLaunchKernel(reverse, 4, 1, 1, 256, 1, 1, 1024, NULL, reverseParams,
                       NULL));
  CHECK(cuCtxSynchronize());
  CHECK(cuMemcpyDtoH(back, dData, sizeof back));
  int reversed = 1;
  for (int i = 0; i < 1024; ++i)
    reversed &= back[i] == (float)((i / 256) * 256 + 255 - i % 256);
  printf("reverse %s: %s\n", path, reversed ? "PASS" : "FAIL");
  return ok && reversed;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODULE ROWSUM [KERNEL:REF:LO:HI...]\n", argv[0]);
    return 2;
  }
  void *lib = dlopen("libcuda.so.1", RTLD_NOW);
  if (!lib) {
    fprintf(stderr, "dlopen(libcuda.so.1): %s\n", dlerror());
    return 1;
  }
  cuInit = sym(lib, "cuInit");
  cuDeviceGet = sym(lib, "cuDeviceGet");
  cuDeviceGetAttribute = sym(lib, "cuDeviceGetAttribute");
  cuDevicePrimaryCtxRetain = sym(lib, "cuDevicePrimaryCtxRetain");
  cuCtxSetCurrent = sym(lib, "cuCtxSetCurrent");
  cuModuleLoadData = sym(lib, "cuModuleLoadData");
  cuModuleGetFunction = sym(lib, "cuModuleGetFunction");
  cuMemAlloc = sym(lib, "cuMemAlloc_v2");
  cuMemcpyHtoD = sym(lib, "cuMemcpyHtoD_v2");
  cuMemcpyDtoH = sym(lib, "cuMemcpyDtoH_v2");
  cuLaunchKernel = sym(lib, "cuLaunchKernel");
  cuCtxSynchronize = sym(lib, "cuCtxSynchronize");
  cuGetErrorString = sym(lib, "cuGetErrorString");

  CUdevice device;
  CUcontext context;
  int major, minor;
  CHECK(cuInit(0));
  CHECK(cuDeviceGet(&device, 0));
  CHECK(cuDeviceGetAttribute(&major, 75, device));
  CHECK(cuDeviceGetAttribute(&minor, 76, device));
  CHECK(cuDevicePrimaryCtxRetain(&context, device));
  CHECK(cuCtxSetCurrent(context));
  printf("device: sm_%d%d\n", major, minor);

  int ok = checkRowSum(argv[2]);
  CUmodule module = load(argv[1]);
  float *in = malloc(N * sizeof(float)), *out = malloc(N * sizeof(float));
  CUdeviceptr dIn, dOut;
  CHECK(cuMemAlloc(&dIn, N * sizeof(float)));
  CHECK(cuMemAlloc(&dOut, N * sizeof(float)));
  for (int a = 3; a < argc; ++a) {
    char kernel[64], ref[32];
    double lo, hi;
    if (sscanf(argv[a], "%63[^:]:%31[^:]:%lf:%lf", kernel, ref, &lo, &hi) !=
        4) {
      fprintf(stderr, "bad run spec %s\n", argv[a]);
      return 2;
    }
    CUfunction f;
    CHECK(cuModuleGetFunction(&f, module, kernel));
    int64_t first = key((float)lo), last = key((float)hi);
    int64_t stride = (last - first + 1) / SAMPLES;
    if (stride < 1)
      stride = 1;
    double worst = 0;
    float worstX = 0, worstGot = 0;
    double worstWant = 0;
    int64_t points = 0;
    for (int64_t k = first; k <= last;) {
      int n = 0;
      for (; n < N && k <= last; ++n, k += stride)
        in[n] = unkey(k);
      for (int i = n; i < N; ++i)
        in[i] = in[n - 1];
      CHECK(cuMemcpyHtoD(dIn, in, N * sizeof(float)));
      void *params[] = {&dIn, &dOut};
      CHECK(cuLaunchKernel(f, N / BLOCK, 1, 1, BLOCK, 1, 1, 0, NULL, params,
                           NULL));
      CHECK(cuCtxSynchronize());
      CHECK(cuMemcpyDtoH(out, dOut, N * sizeof(float)));
      for (int i = 0; i < n; ++i) {
        double want = reference(ref, in[i]);
        double err = ulpError(out[i], want);
        if (err > worst) {
          worst = err;
          worstX = in[i];
          worstGot = out[i];
          worstWant = want;
        }
      }
      points += n;
    }
    printf("%s %s [%g, %g] points=%lld max_ulp=%.2f at x=%.9g (got %.9g, want "
           "%.9g)\n",
           kernel, ref, lo, hi, (long long)points, worst, worstX, worstGot,
           worstWant);
  }
  return ok ? 0 : 1;
}
