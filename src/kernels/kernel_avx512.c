/* kernel_avx512.c - the AVX-512 (F + BW) kernel: 64 bytes per compare, masks straight from the
 * compares. Compiled for any x86-64 with function-level target attributes; kernel.c runs it only
 * when the CPU has AVX-512BW. Other architectures compile this file to nothing. */
#include "kernel.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SIMD_FN __attribute__((target("avx512f,avx512bw,popcnt,bmi,bmi2")))
#define SIMD_NAME(x) x##_avx512

typedef __m512i vec64; /* one 64-byte block */

SIMD_FN static inline vec64 load64(const uint8_t *q)
{
    return _mm512_loadu_si512((const void *)q);
}

SIMD_FN static inline uint64_t eq8(vec64 v, uint8_t c)
{
    return (uint64_t)_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)c));
}

/* lo <= byte <= hi as one unsigned compare: byte - lo <= hi - lo. */
SIMD_FN static inline uint64_t range8(vec64 v, uint8_t lo, uint8_t hi)
{
    return (uint64_t)_mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8((char)lo)),
                                            _mm512_set1_epi8((char)(hi - lo)));
}

/* The text at q, with fold ORed with orp (0x20 where the word's byte is a letter). */
SIMD_FN static inline __m512i text(const uint8_t *q, const uint8_t (*orp)[64], int fold)
{
    __m512i t = _mm512_loadu_si512((const void *)q);
    return fold ? _mm512_or_si512(t, _mm512_load_si512((const void *)orp[0])) : t;
}

/* OR of (q[i+j] XOR word[j]) over j, one ternary-logic op per byte; zero bytes are matches. The
 * switch unrolls the loop: a jump into straight-line code, the same jump for a word every block. */
#define STEP(j)                                                                                   \
    case (j) + 1:                                                                             \
        acc = _mm512_ternarylogic_epi64(acc, text(q + (j), orp + (j), fold),                  \
                                        _mm512_load_si512((const void *)pat[(j)]), 0xF6);     \
        __attribute__((fallthrough))
SIMD_FN static inline __attribute__((always_inline)) uint64_t
eq64(const uint8_t *q, const uint8_t (*pat)[64], const uint8_t (*orp)[64], size_t L, int fold)
{
    __m512i acc = _mm512_xor_si512(text(q, orp, fold), _mm512_load_si512((const void *)pat[0]));
    switch (L) { /* 0xF6 = A | (B ^ C) */
        STEP(31); STEP(30); STEP(29); STEP(28); STEP(27); STEP(26); STEP(25); STEP(24);
        STEP(23); STEP(22); STEP(21); STEP(20); STEP(19); STEP(18); STEP(17); STEP(16);
        STEP(15); STEP(14); STEP(13); STEP(12); STEP(11); STEP(10); STEP(9);  STEP(8);
        STEP(7);  STEP(6);  STEP(5);  STEP(4);  STEP(3);  STEP(2);  STEP(1);
    default:
        break;
    }
    return (uint64_t)_mm512_testn_epi8_mask(acc, acc);
}
#undef STEP

/* Zero bytes where the word's first byte (and second, when `two`) start: v0, v1 = block at +0, +1. */
SIMD_FN static inline __attribute__((always_inline)) vec64
prefix_acc(vec64 v0, vec64 v1, const uint8_t (*pat)[64], const uint8_t (*orp)[64], int two,
           int fold)
{
    if (fold)
        v0 = _mm512_or_si512(v0, _mm512_load_si512((const void *)orp[0]));
    __m512i acc = _mm512_xor_si512(v0, _mm512_load_si512((const void *)pat[0]));
    if (two) {
        if (fold)
            v1 = _mm512_or_si512(v1, _mm512_load_si512((const void *)orp[1]));
        acc = _mm512_ternarylogic_epi64(acc, v1, _mm512_load_si512((const void *)pat[1]), 0xF6);
    }
    return acc;
}

SIMD_FN static inline vec64 min64(vec64 a, vec64 b)
{
    return _mm512_min_epu8(a, b);
}

SIMD_FN static inline uint64_t zeros64(vec64 a)
{
    return (uint64_t)_mm512_testn_epi8_mask(a, a);
}

#include "kernel_simd.h"
#else
typedef int kernel_avx512_not_on_this_architecture;
#endif
