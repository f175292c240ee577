/* kernel_sve.c - the SVE kernel (AArch64), vector-length agnostic: one binary for every vector
 * length from 128 to 2048 bits. A 64-byte block is held in 64/S parts of S bytes each, S the
 * vector length in bytes rounded down to 16, 32 or 64 (a 64-byte block in one vector from 512 bits
 * up); every compare is predicated to the part's S bytes. A compare's predicate becomes S mask
 * bits: its bytes as 0/1, each 64-bit lane multiplied to gather its eight bytes' bits in its top
 * byte, shifted to its place and the lanes ORed together.
 * Compiled for SVE by the pragma below, which covers this file only: kernel.c runs the kernel only
 * when the CPU has SVE (getauxval(AT_HWCAP) & HWCAP_SVE), and SVE code, auto-vectorised code
 * included, must never run on a CPU without it. Other architectures compile this file to nothing. */
#include "kernel.h"

#if defined(__aarch64__)
#pragma GCC target("+sve")
#include <arm_sve.h>

#define SIMD_FN
#define SIMD_NAME(x) x##_sve

typedef svuint8x4_t vec64; /* one 64-byte block: parts 0 .. 64/S - 1 */

/* S: bytes in a part. */
static inline uint64_t part_bytes(void)
{
    uint64_t vl = svcntb();
    return vl >= 64 ? 64 : vl >= 32 ? 32 : 16;
}

/* The mask bits of the first S lanes of p (the others are inactive, hence false). */
static inline uint64_t bits(svbool_t p, uint64_t S)
{
    svuint64_t b = svreinterpret_u64_u8(svdup_n_u8_z(p, 1));
    svbool_t lanes = svwhilelt_b64_u64(0, S / 8);
    b = svlsr_n_u64_x(lanes, svmul_n_u64_x(lanes, b, UINT64_C(0x0102040810204080)), 56);
    return svorv_u64(lanes, svlsl_u64_x(lanes, b, svindex_u64(0, 8)));
}

/* The 64 mask bits of four compares, part h's at bit h * S. */
static inline uint64_t mask64(svbool_t p0, svbool_t p1, svbool_t p2, svbool_t p3)
{
    const uint64_t S = part_bytes();
    uint64_t m = bits(p0, S);
    if (S == 64)
        return m;
    m |= bits(p1, S) << S;
    if (S == 32)
        return m;
    return m | bits(p2, S) << 32 | bits(p3, S) << 48;
}

static inline svbool_t part_pg(void)
{
    return svwhilelt_b8_u64(0, part_bytes());
}

/* Part h of the block at q: S bytes from q + h * S, or zeros past the block. */
static inline svuint8_t load_part(svbool_t pg, const uint8_t *q, uint64_t h)
{
    const uint64_t S = part_bytes();
    return h * S < 64 ? svld1_u8(pg, q + h * S) : svdup_n_u8(0);
}

static inline vec64 load64(const uint8_t *q)
{
    svbool_t pg = part_pg();
    return svcreate4_u8(load_part(pg, q, 0), load_part(pg, q, 1), load_part(pg, q, 2),
                        load_part(pg, q, 3));
}

/* The mask of a compare CMP(part) over the four parts. */
#define MASK_PARTS(v, CMP)                                                                         \
    mask64(CMP(svget4_u8(v, 0)), CMP(svget4_u8(v, 1)), CMP(svget4_u8(v, 2)), CMP(svget4_u8(v, 3)))

static inline uint64_t eq8(vec64 v, uint8_t c)
{
    svbool_t pg = part_pg();
#define EQ(x) svcmpeq_n_u8(pg, x, c)
    return MASK_PARTS(v, EQ);
#undef EQ
}

/* lo <= byte <= hi as one unsigned test: byte - lo <= hi - lo. */
static inline uint64_t range8(vec64 v, uint8_t lo, uint8_t hi)
{
    svbool_t pg = part_pg();
#define IN(x) svcmple_n_u8(pg, svsub_n_u8_x(pg, x, lo), (uint8_t)(hi - lo))
    return MASK_PARTS(v, IN);
#undef IN
}

static inline uint64_t zeros64(vec64 a)
{
    svbool_t pg = part_pg();
#define ZERO(x) svcmpeq_n_u8(pg, x, 0)
    return MASK_PARTS(a, ZERO);
#undef ZERO
}

static inline vec64 min64(vec64 a, vec64 b)
{
    svbool_t pg = svptrue_b8();
    return svcreate4_u8(svmin_u8_x(pg, svget4_u8(a, 0), svget4_u8(b, 0)),
                        svmin_u8_x(pg, svget4_u8(a, 1), svget4_u8(b, 1)),
                        svmin_u8_x(pg, svget4_u8(a, 2), svget4_u8(b, 2)),
                        svmin_u8_x(pg, svget4_u8(a, 3), svget4_u8(b, 3)));
}

static inline vec64 or64(vec64 a, vec64 b)
{
    svbool_t pg = svptrue_b8();
    return svcreate4_u8(svorr_u8_x(pg, svget4_u8(a, 0), svget4_u8(b, 0)),
                        svorr_u8_x(pg, svget4_u8(a, 1), svget4_u8(b, 1)),
                        svorr_u8_x(pg, svget4_u8(a, 2), svget4_u8(b, 2)),
                        svorr_u8_x(pg, svget4_u8(a, 3), svget4_u8(b, 3)));
}

/* Bytes that are zero where text t (ORed with o under fold) equals byte c. */
static inline svuint8_t differ(svbool_t pg, svuint8_t t, uint8_t c, uint8_t o, int fold)
{
    return sveor_n_u8_x(pg, fold ? svorr_n_u8_x(pg, t, o) : t, c);
}

static inline __attribute__((always_inline)) uint64_t
eq64(const uint8_t *q, const uint8_t (*pat)[64], const uint8_t (*orp)[64], size_t L, int fold)
{
    svbool_t pg = svptrue_b8();
    vec64 acc = svcreate4_u8(svdup_n_u8(0), svdup_n_u8(0), svdup_n_u8(0), svdup_n_u8(0));
    for (size_t j = 0; j < L; j++) {
        uint8_t c = pat[j][0], o = fold ? orp[j][0] : 0;
        vec64 t = load64(q + j);
#define ACC(h) svorr_u8_x(pg, svget4_u8(acc, h), differ(pg, svget4_u8(t, h), c, o, fold))
        acc = svcreate4_u8(ACC(0), ACC(1), ACC(2), ACC(3));
#undef ACC
    }
    return zeros64(acc);
}

/* Zero bytes where the word's first byte (and second, when `two`) start: v0, v1 = block at +0, +1. */
static inline __attribute__((always_inline)) vec64
prefix_acc(vec64 v0, vec64 v1, const uint8_t (*pat)[64], const uint8_t (*orp)[64], int two,
           int fold)
{
    svbool_t pg = svptrue_b8();
    uint8_t c0 = pat[0][0], o0 = fold ? orp[0][0] : 0;
    uint8_t c1 = two ? pat[1][0] : 0, o1 = fold && two ? orp[1][0] : 0;
#define ONE(h) differ(pg, svget4_u8(v0, h), c0, o0, fold)
#define TWO(h) svorr_u8_x(pg, ONE(h), differ(pg, svget4_u8(v1, h), c1, o1, fold))
    return two ? svcreate4_u8(TWO(0), TWO(1), TWO(2), TWO(3))
               : svcreate4_u8(ONE(0), ONE(1), ONE(2), ONE(3));
#undef ONE
#undef TWO
}

#undef MASK_PARTS

/* The general path's token lists and look-ups: kernel_many.h's plain C. */
#define many_positions many_positions_c
#define many_lookup many_lookup_c

#include "kernel_simd.h"
#else
typedef int kernel_sve_not_on_this_architecture;
#endif
