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

SIMD_FN static inline uint64_t mask64(__m256i lo, __m256i hi)
{
    return (uint32_t)_mm256_movemask_epi8(lo) | (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

SIMD_FN static inline uint64_t eq8(vec64 v, uint8_t c)
{
    __m256i k = _mm256_set1_epi8((char)c);
    return mask64(_mm256_cmpeq_epi8(v.lo, k), _mm256_cmpeq_epi8(v.hi, k));
}

/* lo <= byte <= hi as one unsigned test: byte - lo <= hi - lo. */
SIMD_FN static inline uint64_t range8(vec64 v, uint8_t lo, uint8_t hi)
{
    __m256i k = _mm256_set1_epi8((char)lo);
    return mask64(le_epu8(_mm256_sub_epi8(v.lo, k), (uint8_t)(hi - lo)),
                  le_epu8(_mm256_sub_epi8(v.hi, k), (uint8_t)(hi - lo)));
}

/* 32 bytes of text at q, with fold ORed with o (0x20 where the word's byte is a letter). */
SIMD_FN static inline __m256i text32(const uint8_t *q, __m256i o, int fold)
{
    __m256i t = _mm256_loadu_si256((const __m256i *)q);
    return fold ? _mm256_or_si256(t, o) : t;
}

SIMD_FN static inline __attribute__((always_inline)) uint64_t
eq64(const uint8_t *q, const uint8_t (*pat)[64], const uint8_t (*orp)[64], size_t L, int fold)
{
    __m256i c = _mm256_load_si256((const __m256i *)pat[0]);
    __m256i o = fold ? _mm256_load_si256((const __m256i *)orp[0]) : c;
    __m256i lo = _mm256_xor_si256(text32(q, o, fold), c);
    __m256i hi = _mm256_xor_si256(text32(q + 32, o, fold), c);
    for (size_t j = 1; j < L; j++) {
        c = _mm256_load_si256((const __m256i *)pat[j]);
        o = fold ? _mm256_load_si256((const __m256i *)orp[j]) : c;
        lo = _mm256_or_si256(lo, _mm256_xor_si256(text32(q + j, o, fold), c));
        hi = _mm256_or_si256(hi, _mm256_xor_si256(text32(q + j + 32, o, fold), c));
    }
    __m256i z = _mm256_setzero_si256();
    uint32_t mlo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, z));
    uint32_t mhi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, z));
    return mlo | (uint64_t)mhi << 32;
}

/* Zero bytes where the word's first byte (and second, when `two`) start: v0, v1 = block at +0, +1. */
SIMD_FN static inline __attribute__((always_inline)) vec64
prefix_acc(vec64 v0, vec64 v1, const uint8_t (*pat)[64], const uint8_t (*orp)[64], int two,
           int fold)
{
    if (fold) {
        __m256i o = _mm256_load_si256((const __m256i *)orp[0]);
        v0.lo = _mm256_or_si256(v0.lo, o);
        v0.hi = _mm256_or_si256(v0.hi, o);
    }
    if (fold && two) {
        __m256i o = _mm256_load_si256((const __m256i *)orp[1]);
        v1.lo = _mm256_or_si256(v1.lo, o);
        v1.hi = _mm256_or_si256(v1.hi, o);
    }
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

/* The general path's token lists and look-ups: kernel_many.h's plain C. */
#define many_positions many_positions_c
#define many_lookup many_lookup_c

#include "kernel_simd.h"
#else
typedef int kernel_avx2_not_on_this_architecture;
#endif
