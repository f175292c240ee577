/* kernel_neon.c - the NEON kernel (AArch64): four 16-byte quarters per 64-byte block, masks by
 * weighting each compare's bytes with their bit and adding neighbours three times. NEON is part of
 * every AArch64 CPU, so this kernel always runs there. Other architectures compile this file to
 * nothing. */
#include "kernel.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define SIMD_FN
#define SIMD_NAME(x) x##_neon

typedef uint8x16x4_t vec64; /* one 64-byte block */

static inline vec64 load64(const uint8_t *q)
{
    return vld1q_u8_x4(q);
}

/* Bit i set when byte i of the compare results (all ones or zero) c is set: each byte keeps its
 * bit of 1..128, and three pairwise additions gather the 64 bits in order. */
static inline uint64_t mask64(uint8x16_t c0, uint8x16_t c1, uint8x16_t c2, uint8x16_t c3)
{
    static const uint8_t bits[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t b = vld1q_u8(bits);
    uint8x16_t s0 = vpaddq_u8(vandq_u8(c0, b), vandq_u8(c1, b));
    uint8x16_t s1 = vpaddq_u8(vandq_u8(c2, b), vandq_u8(c3, b));
    s0 = vpaddq_u8(s0, s1);
    s0 = vpaddq_u8(s0, s0);
    return vgetq_lane_u64(vreinterpretq_u64_u8(s0), 0);
}

static inline uint64_t eq8(vec64 v, uint8_t c)
{
    uint8x16_t k = vdupq_n_u8(c);
    return mask64(vceqq_u8(v.val[0], k), vceqq_u8(v.val[1], k), vceqq_u8(v.val[2], k),
                  vceqq_u8(v.val[3], k));
}

/* lo <= byte <= hi as one unsigned test: byte - lo <= hi - lo. */
static inline uint64_t range8(vec64 v, uint8_t lo, uint8_t hi)
{
    uint8x16_t l = vdupq_n_u8(lo), h = vdupq_n_u8((uint8_t)(hi - lo));
    return mask64(vcleq_u8(vsubq_u8(v.val[0], l), h), vcleq_u8(vsubq_u8(v.val[1], l), h),
                  vcleq_u8(vsubq_u8(v.val[2], l), h), vcleq_u8(vsubq_u8(v.val[3], l), h));
}

static inline uint64_t zeros64(vec64 a)
{
    return mask64(vceqzq_u8(a.val[0]), vceqzq_u8(a.val[1]), vceqzq_u8(a.val[2]),
                  vceqzq_u8(a.val[3]));
}

static inline __attribute__((always_inline)) uint64_t
eq64(const uint8_t *q, const uint8_t (*pat)[64], const uint8_t (*orp)[64], size_t L, int fold)
{
    vec64 acc = {{vdupq_n_u8(0), vdupq_n_u8(0), vdupq_n_u8(0), vdupq_n_u8(0)}};
    for (size_t j = 0; j < L; j++) {
        uint8x16_t c = vld1q_u8(pat[j]), o = fold ? vld1q_u8(orp[j]) : c;
        vec64 t = load64(q + j);
        for (int h = 0; h < 4; h++)
            acc.val[h] = vorrq_u8(acc.val[h], veorq_u8(fold ? vorrq_u8(t.val[h], o) : t.val[h], c));
    }
    return zeros64(acc);
}

/* Zero bytes where the word's first byte (and second, when `two`) start: v0, v1 = block at +0, +1. */
static inline __attribute__((always_inline)) vec64
prefix_acc(vec64 v0, vec64 v1, const uint8_t (*pat)[64], const uint8_t (*orp)[64], int two,
           int fold)
{
    uint8x16_t c0 = vld1q_u8(pat[0]), o0 = fold ? vld1q_u8(orp[0]) : c0;
    uint8x16_t c1 = two ? vld1q_u8(pat[1]) : c0, o1 = fold && two ? vld1q_u8(orp[1]) : c1;
    vec64 acc;
    for (int h = 0; h < 4; h++) {
        acc.val[h] = veorq_u8(fold ? vorrq_u8(v0.val[h], o0) : v0.val[h], c0);
        if (two)
            acc.val[h] = vorrq_u8(acc.val[h],
                                  veorq_u8(fold ? vorrq_u8(v1.val[h], o1) : v1.val[h], c1));
    }
    return acc;
}

static inline vec64 min64(vec64 a, vec64 b)
{
    for (int h = 0; h < 4; h++)
        a.val[h] = vminq_u8(a.val[h], b.val[h]);
    return a;
}

static inline vec64 or64(vec64 a, vec64 b)
{
    for (int h = 0; h < 4; h++)
        a.val[h] = vorrq_u8(a.val[h], b.val[h]);
    return a;
}

/* The general path's token lists and look-ups: kernel_many.h's plain C. */
#define many_positions many_positions_c
#define many_lookup many_lookup_c

#include "kernel_simd.h"
#else
typedef int kernel_neon_not_on_this_architecture;
#endif
