/* kernel.c - the list of kernels, and the choice among them by what this CPU runs. */
#include "kernel.h"

#include <string.h>

#if defined(__aarch64__)
#include <sys/auxv.h>
#endif


typedef struct {
    kernel k;
    int (*runs)(void); /* does this CPU run it? */
    const char *lacks; /* the reason when it does not */
} entry;

static int always(void) { return 1; }

#if defined(__x86_64__)
static int has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
}
static int has_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && has_avx2();
}
static int has_vbmi(void)
{
    return has_avx512() && __builtin_cpu_supports("avx512vbmi");
}
#endif

#if defined(__aarch64__)
static int has_sve(void)
{
    return (getauxval(AT_HWCAP) & HWCAP_SVE) != 0;
}
#endif

/* Each space-rule kernel as every caller gets it, followed by kernel_unicode_fold: one place for
 * every path (parallel, serial, --verify, MPI) and each --kernel. */
KERNEL_WITH_FOLD(kernel_scalar, tokens_scalar)
#if defined(__x86_64__)
KERNEL_WITH_FOLD(kernel_avx2, tokens_avx2)
KERNEL_WITH_FOLD(kernel_avx2_filter, tokens_avx2)
KERNEL_WITH_FOLD(kernel_avx512, tokens_avx512)
KERNEL_WITH_FOLD(kernel_vbmi, tokens_avx512)
#endif
#if defined(__aarch64__)
KERNEL_WITH_FOLD(kernel_neon, tokens_neon)
KERNEL_WITH_FOLD(kernel_sve, tokens_sve)
#endif

/* Fastest last: "auto" takes the last one the CPU runs. */
static const entry kernels[] = {
    {{"scalar", kernel_scalar_folded, tokens_scalar, NULL}, always, NULL},
#if defined(__x86_64__)
    {{"avx2", kernel_avx2_folded, tokens_avx2, NULL}, has_avx2, "this CPU lacks AVX2"},
    {{"avx2-filter", kernel_avx2_filter_folded, tokens_avx2, NULL}, has_avx2,
     "this CPU lacks AVX2"},
    {{"avx512", kernel_avx512_folded, tokens_avx512, NULL}, has_avx512,
     "this CPU lacks AVX-512BW"},
    {{"vbmi", kernel_vbmi_folded, tokens_avx512, NULL}, has_vbmi, "this CPU lacks AVX-512 VBMI"},
#endif
#if defined(__aarch64__)
    {{"neon", kernel_neon_folded, tokens_neon, NULL}, always, NULL},
    {{"sve", kernel_sve_folded, tokens_sve, NULL}, has_sve, "this CPU lacks SVE"},
#endif
};
#define NKERNELS (sizeof kernels / sizeof kernels[0])

/* --tokens=words: the scalar kernel and token layer, and the vector ones (kernel_simd.h), which
 * leave them the blocks that hold more than ASCII and 2-byte letters. Fastest last. */
static const entry words_kernels[] = {
    {{"words-scalar", kernel_words, NULL, tokens_words}, always, NULL},
#if defined(__x86_64__)
    {{"words-avx2", kernel_words_avx2, NULL, tokens_words_avx2}, has_avx2,
     "this CPU lacks AVX2"},
    {{"words-avx512", kernel_words_avx512, NULL, tokens_words_avx512}, has_avx512,
     "this CPU lacks AVX-512BW"},
#endif
#if defined(__aarch64__)
    {{"words-neon", kernel_words_neon, NULL, tokens_words_neon}, always, NULL},
    {{"words-sve", kernel_words_sve, NULL, tokens_words_sve}, has_sve, "this CPU lacks SVE"},
#endif
};
#define NWORDS (sizeof words_kernels / sizeof words_kernels[0])

/* "auto", "words-X" or "X" (the --kernel names of the space rule, for those it has). */
const kernel *kernel_select_words(const char *name, const char **why)
{
    for (size_t i = NWORDS; i-- > 0;) {
        const char *k = words_kernels[i].k.name;
        if (strcmp(name, "auto") == 0 ? !words_kernels[i].runs()
                                      : strcmp(name, k) != 0 && strcmp(name, k + 6) != 0)
            continue;
        if (words_kernels[i].runs())
            return &words_kernels[i].k;
        *why = words_kernels[i].lacks;
        return NULL;
    }
#if defined(__x86_64__)
    *why = "--tokens=words has the kernels auto, scalar, avx2 and avx512";
#elif defined(__aarch64__)
    *why = "--tokens=words has the kernels auto, scalar, neon and sve";
#else
    *why = "--tokens=words has the kernels auto and scalar";
#endif
    return NULL;
}

size_t kernel_words_count(void)
{
    return NWORDS;
}

const kernel *kernel_words_get(size_t i)
{
    return i < NWORDS && words_kernels[i].runs() ? &words_kernels[i].k : NULL;
}

/* The kernels of other architectures: known names, which no CPU this build runs on can run. */
static const char *const elsewhere[] = {
#if !defined(__x86_64__)
    "avx2", "avx2-filter", "avx512", "vbmi",
#endif
#if !defined(__aarch64__)
    "neon", "sve",
#endif
};

const kernel *kernel_select(const char *name, const char **why)
{
    if (strcmp(name, "auto") == 0) {
        for (size_t i = NKERNELS; i-- > 0;)
            if (kernels[i].runs())
                return &kernels[i].k;
    }
    for (size_t i = 0; i < NKERNELS; i++)
        if (strcmp(name, kernels[i].k.name) == 0) {
            if (kernels[i].runs())
                return &kernels[i].k;
            *why = kernels[i].lacks;
            return NULL;
        }
    for (size_t i = 0; i < sizeof elsewhere / sizeof *elsewhere; i++)
        if (strcmp(name, elsewhere[i]) == 0) {
            *why = "not available on this CPU";
            return NULL;
        }
    *why = "unknown kernel (expected auto, scalar, avx2, avx2-filter, avx512, vbmi, neon or sve)";
    return NULL;
}

size_t kernel_count(void)
{
    return NKERNELS;
}

const kernel *kernel_get(size_t i)
{
    return i < NKERNELS && kernels[i].runs() ? &kernels[i].k : NULL;
}

const char *kernel_name(size_t i)
{
    return i < NKERNELS ? kernels[i].k.name : NULL;
}
