#include "cpucheck.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Compiled for the baseline processor (no -march flags in this target), so the check itself
// runs anywhere. NNLAB_PRETEND_CPU_LACKS=<feature> (or "all") makes a test see the message.
const char *nn_missing_cpu_feature(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    const char *pretend = getenv("NNLAB_PRETEND_CPU_LACKS");
#define NN_CHECK(name) \
    if (!__builtin_cpu_supports(name) || (pretend && (strcmp(pretend, name) == 0 || strcmp(pretend, "all") == 0))) return name;
#ifdef NNLAB_NEEDS_SSE4_2
    NN_CHECK("sse4.2")
#endif
#ifdef NNLAB_NEEDS_POPCNT
    NN_CHECK("popcnt")
#endif
#ifdef NNLAB_NEEDS_AVX
    NN_CHECK("avx")
#endif
#ifdef NNLAB_NEEDS_AVX2
    NN_CHECK("avx2")
#endif
#ifdef NNLAB_NEEDS_FMA
    NN_CHECK("fma")
#endif
#ifdef NNLAB_NEEDS_F16C
    NN_CHECK("f16c")
#endif
#ifdef NNLAB_NEEDS_BMI
    NN_CHECK("bmi")
#endif
#ifdef NNLAB_NEEDS_BMI2
    NN_CHECK("bmi2")
#endif
#ifdef NNLAB_NEEDS_AVX512F
    NN_CHECK("avx512f")
#endif
#ifdef NNLAB_NEEDS_AVX512CD
    NN_CHECK("avx512cd")
#endif
#ifdef NNLAB_NEEDS_AVX512BW
    NN_CHECK("avx512bw")
#endif
#ifdef NNLAB_NEEDS_AVX512DQ
    NN_CHECK("avx512dq")
#endif
#ifdef NNLAB_NEEDS_AVX512VL
    NN_CHECK("avx512vl")
#endif
#ifdef NNLAB_NEEDS_AVX512IFMA
    NN_CHECK("avx512ifma")
#endif
#ifdef NNLAB_NEEDS_AVX512VBMI
    NN_CHECK("avx512vbmi")
#endif
#ifdef NNLAB_NEEDS_AVX512VBMI2
    NN_CHECK("avx512vbmi2")
#endif
#ifdef NNLAB_NEEDS_AVX512VNNI
    NN_CHECK("avx512vnni")
#endif
#ifdef NNLAB_NEEDS_AVX512BITALG
    NN_CHECK("avx512bitalg")
#endif
#ifdef NNLAB_NEEDS_AVX512VPOPCNTDQ
    NN_CHECK("avx512vpopcntdq")
#endif
#ifdef NNLAB_NEEDS_AVX512BF16
    NN_CHECK("avx512bf16")
#endif
#undef NN_CHECK
    (void)pretend;
#endif
    return NULL;
}

static void write_text(const char *s) {
    ssize_t ignored = write(STDERR_FILENO, s, strlen(s));
    (void)ignored;
}

// Before main, and before any code compiled for the building processor runs.
__attribute__((constructor)) static void nn_check_cpu(void) {
    const char *missing = nn_missing_cpu_feature();
    if (missing == NULL) return;
    write_text("nnlab: this nnlab was built for a processor with ");
    write_text(missing);
    write_text(", which this one lacks; build it again on this machine (swift build -c release), "
               "or a portable build that runs anywhere (NNLAB_PORTABLE=1 swift build -c release)\n");
    _exit(2);
}
