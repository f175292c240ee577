/* kernel_avx2.c - the AVX2 kernel: two 32-byte halves per 64-byte block, masks by movemask.
 * Compiled for any x86-64 with function-level target attributes; kernel.c runs it only when the
 * CPU has AVX2. Other architectures compile this file to nothing. */
#include "kernel.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SIMD_FN __attribute__((target("avx2,popcnt,bmi,bmi2")))
#define SIMD_NAME(x) x##_avx2

/* x <= hi (unsigned), as a byte mask: AVX2 has no unsigned compare, but min(x, hi) == x is one. */
SIMD_FN static inline __m256i le_epu8(__m256i x, uint8_t hi)
{
    return _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8((char)hi)), x);
}

typedef struct {
    __m256i lo, hi;
} vec64; /* one 64-byte block */

SIMD_FN static inline vec64 load64(const uint8_t *q)
{
    vec64 v = {_mm256_loadu_si256((const __m256i *)q), _mm256_loadu_si256((const __m256i *)(q + 32))};
    return v;
}

SIMD_FN static inline uint32_t ws32(__m256i v)
{
    __m256i a = le_epu8(_mm256_sub_epi8(v, _mm256_set1_epi8(0x09)), 0x0D - 0x09);
    __m256i b = le_epu8(_mm256_sub_epi8(v, _mm256_set1_epi8(0x1C)), 0x20 - 0x1C);
    __m256i c = _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0x85));
    __m256i d = _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xA0));
    __m256i m = _mm256_or_si256(_mm256_or_si256(a, b), _mm256_or_si256(c, d));
    return (uint32_t)_mm256_movemask_epi8(m);
}

SIMD_FN static inline uint64_t ws_of(vec64 v)
{
    return ws32(v.lo) | (uint64_t)ws32(v.hi) << 32;
}

SIMD_FN static inline uint64_t eq64(const uint8_t *q, const uint8_t (*pat)[64], size_t L)
{
    __m256i c = _mm256_load_si256((const __m256i *)pat[0]);
    __m256i lo = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)q), c);
    __m256i hi = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(q + 32)), c);
    for (size_t j = 1; j < L; j++) {
        c = _mm256_load_si256((const __m256i *)pat[j]);
        lo = _mm256_or_si256(lo, _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(q + j)), c));
        hi = _mm256_or_si256(hi, _mm256_xor_si256(
                                     _mm256_loadu_si256((const __m256i *)(q + j + 32)), c));
    }
    __m256i z = _mm256_setzero_si256();
    uint32_t mlo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, z));
    uint32_t mhi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, z));
    return mlo | (uint64_t)mhi << 32;
}

/* Zero bytes where the word's first byte (and second, when `two`) start: v0, v1 = block at +0, +1. */
SIMD_FN static inline vec64 prefix_acc(vec64 v0, vec64 v1, const uint8_t (*pat)[64], int two)
{
    __m256i c = _mm256_load_si256((const __m256i *)pat[0]);
    vec64 acc = {_mm256_xor_si256(v0.lo, c), _mm256_xor_si256(v0.hi, c)};
    if (two) {
        c = _mm256_load_si256((const __m256i *)pat[1]);
        acc.lo = _mm256_or_si256(acc.lo, _mm256_xor_si256(v1.lo, c));
        acc.hi = _mm256_or_si256(acc.hi, _mm256_xor_si256(v1.hi, c));
    }
    return acc;
}

SIMD_FN static inline vec64 min64(vec64 a, vec64 b)
{
    vec64 m = {_mm256_min_epu8(a.lo, b.lo), _mm256_min_epu8(a.hi, b.hi)};
    return m;
}

SIMD_FN static inline uint64_t zeros64(vec64 a)
{
    __m256i z = _mm256_setzero_si256();
    uint32_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a.lo, z));
    uint32_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a.hi, z));
    return lo | (uint64_t)hi << 32;
}

#include "kernel_simd.h"

void kernel_avx2(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    count_avx2(w, p, len, counts);
}
#else
typedef int kernel_avx2_not_on_this_architecture;
#endif
