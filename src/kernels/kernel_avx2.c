/* kernel_avx2.c - the AVX2 kernel: two 32-byte halves per 64-byte block, masks by movemask.
 * Compiled for any x86-64 with function-level target attributes; kernel.c runs it only when the
 * CPU has AVX2. Other architectures compile this file to nothing. */
#include "kernel.h"

#include <string.h>

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

SIMD_FN static inline vec64 or64(vec64 a, vec64 b)
{
    vec64 m = {_mm256_or_si256(a.lo, b.lo), _mm256_or_si256(a.hi, b.hi)};
    return m;
}

SIMD_FN static inline uint64_t zeros64(vec64 a)
{
    __m256i z = _mm256_setzero_si256();
    uint32_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a.lo, z));
    uint32_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a.hi, z));
    return lo | (uint64_t)hi << 32;
}

/* The general path's token lists: kernel_many.h's plain C (AVX2 compresses nothing). */
#define many_positions many_positions_c

/* fold_ascii on every byte of v: 'A'..'Z' get 0x20. */
SIMD_FN static inline __m256i fold_bytes(__m256i v)
{
    __m256i upper = le_epu8(_mm256_sub_epi8(v, _mm256_set1_epi8('A')), 'Z' - 'A');
    return _mm256_or_si256(v, _mm256_and_si256(upper, _mm256_set1_epi8(0x20)));
}

/* For each mask of 4 lanes, the dwords of vpermd that move the low halves of those lanes' 64-bit
 * words to the front: a compress of 4 slots. */
static const int32_t compress4[16][8] = {
    {0}, {0}, {2}, {0, 2}, {4}, {0, 4}, {2, 4}, {0, 2, 4}, {6}, {0, 6}, {2, 6}, {0, 2, 6},
    {4, 6}, {0, 4, 6}, {2, 4, 6}, {0, 2, 4, 6},
};

/* Tokens looked up in passes of MANY_PASS, whose keys and hashes a small array holds. */
#define MANY_PASS 64

/* As kernel_avx512.c's many_pass, 4 tokens at a time. */
SIMD_FN static inline __attribute__((always_inline)) size_t
many_pass(const words_index *x, const uint8_t *p, const uint32_t *bound, size_t n, uint32_t *hit,
          uint64_t *longs, int fold)
{
    _Alignas(32) uint64_t key_lo[MANY_PASS], key_hi[MANY_PASS], hash[MANY_PASS];
    uint8_t shorts[MANY_PASS / 4] = {0};
    uint64_t too_long = 0;
    const __m256i ones = _mm256_set1_epi64x(-1);
    for (size_t i = 0; i < n; i += 4) {
        __m256i se = _mm256_loadu_si256((const __m256i *)(bound + 2 * i));
        __m256i s = _mm256_and_si256(se, _mm256_set1_epi64x(0xFFFFFFFF));
        __m256i len = _mm256_sub_epi32(_mm256_srli_epi64(se, 32), s); /* modulo 2^32, as in C */
        __m256i m = _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)x->short_max + 1), len);
        shorts[i / 4] = (uint8_t)_mm256_movemask_pd(_mm256_castsi256_pd(m));
        too_long |= (uint64_t)(~shorts[i / 4] & 15u) << i;
        /* only where the token is short: MANY_RUN_IN is no offset */
        __m256i lo = _mm256_mask_i64gather_epi64(ones, (const long long *)p, s, m, 1);
        __m256i hi = _mm256_mask_i64gather_epi64(ones, (const long long *)(p + 8), s, m, 1);
        if (fold) {
            lo = fold_bytes(lo);
            hi = fold_bytes(hi);
        }
        __m256i bits = _mm256_slli_epi64(len, 3);
        lo = _mm256_andnot_si256(_mm256_sllv_epi64(ones, bits), lo);
        hi = _mm256_and_si256(
            _mm256_srlv_epi64(ones, _mm256_sub_epi64(_mm256_set1_epi64x(128), bits)), hi);
        hi = _mm256_or_si256(hi, _mm256_slli_epi64(len, WORDS_LEN_SHIFT));
        __m256i a = _mm256_add_epi32(lo, _mm256_set1_epi64x((long long)x->seed[0]));
        __m256i c = _mm256_add_epi32(hi, _mm256_set1_epi64x((long long)x->seed[1]));
        __m256i h = _mm256_add_epi64(_mm256_mul_epu32(a, _mm256_srli_epi64(a, 32)),
                                     _mm256_mul_epu32(c, _mm256_srli_epi64(c, 32)));
        h = _mm256_xor_si256(h, _mm256_srli_epi64(h, 32));
        _mm256_store_si256((__m256i *)(key_lo + i), lo);
        _mm256_store_si256((__m256i *)(key_hi + i), hi);
        _mm256_store_si256((__m256i *)(hash + i), h);
    }
    const __m128i bucket_shift = _mm_cvtsi32_si128((int)x->bucket_shift);
    const __m128i slot_shift = _mm_cvtsi32_si128((int)x->slot_shift);
    for (size_t i = 0; i < n; i += 4) {
        __m256i h = _mm256_load_si256((const __m256i *)(hash + i));
        __m256i bucket = _mm256_and_si256(
            _mm256_srl_epi64(_mm256_mul_epu32(h, _mm256_set1_epi64x(WORDS_MIX_BUCKET)),
                             bucket_shift),
            _mm256_set1_epi64x(x->bucket_mask));
        __m128i d = _mm256_i64gather_epi32((const int *)x->disp, bucket, 4);
        __m256i base = _mm256_and_si256(
            _mm256_srl_epi64(_mm256_mul_epu32(h, _mm256_set1_epi64x(WORDS_MIX_SLOT)), slot_shift),
            _mm256_set1_epi64x(x->slot_mask));
        _mm256_store_si256((__m256i *)(hash + i),
                           _mm256_xor_si256(base, _mm256_cvtepu32_epi64(d)));
    }
    *longs = too_long;
    size_t hits = 0;
    for (size_t i = 0; i < n; i += 4) {
        __m256i slot = _mm256_load_si256((const __m256i *)(hash + i));
        __m256i at = _mm256_slli_epi64(slot, 1); /* key[2s], key[2s + 1] */
        __m256i klo = _mm256_i64gather_epi64((const long long *)x->key, at, 8);
        __m256i khi = _mm256_i64gather_epi64((const long long *)(x->key + 1), at, 8);
        __m256i eq = _mm256_and_si256(
            _mm256_cmpeq_epi64(klo, _mm256_load_si256((const __m256i *)(key_lo + i))),
            _mm256_cmpeq_epi64(khi, _mm256_load_si256((const __m256i *)(key_hi + i))));
        unsigned found = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(eq)) & shorts[i / 4];
        __m256i packed = _mm256_permutevar8x32_epi32(
            slot, _mm256_loadu_si256((const __m256i *)compress4[found]));
        _mm_storeu_si128((__m128i *)(hit + hits), _mm256_castsi256_si128(packed));
        hits += (size_t)__builtin_popcount(found);
    }
    return hits;
}

/* kernel_many.h's many_lookup: tokens i < n (a multiple of 8) in passes; bit i of longs set for
 * token i longer than short_max, not looked up. */
SIMD_FN static inline __attribute__((always_inline)) size_t
many_lookup(const words_index *x, const uint8_t *p, const uint32_t *bound, size_t n,
            uint32_t *hit, uint64_t *longs, int fold)
{
    size_t hits = 0;
    for (size_t i = 0; i < n; i += MANY_PASS)
        hits += many_pass(x, p, bound + 2 * i, n - i < MANY_PASS ? n - i : MANY_PASS, hit + hits,
                          &longs[i / 64], fold);
    return hits;
}

/* --tokens=words: where some key's first bytes may stand, by nibble tables (kernel_simd.h,
 * key_heads, which this does for up to 8 keys in fewer operations than key by key): bit k of
 * lo[j][b & 15] and of hi[j][b >> 4] set when byte b is key k's byte j (either case of a letter
 * with -i, any byte past its end). So a key's byte is matched exactly; looked at are three bytes
 * of a key that starts with an ASCII byte, up to six of one that does not (key_heads's count),
 * three with -i. */
#define HEADS_FN SIMD_FN
#define HEADS_MAX 6

typedef struct {
    _Alignas(32) uint8_t lo[HEADS_MAX][32]; /* the 16 entries twice, one for each lane */
    _Alignas(32) uint8_t hi[HEADS_MAX][32];
    size_t depth; /* the bytes looked at, 1 to HEADS_MAX */
} heads_table;

static int heads_runs(const wordlist *w)
{
    return w->n <= 8;
}

static void heads_make(heads_table *h, const wordlist *w, int fold)
{
    memset(h, 0, sizeof *h);
    for (size_t k = 0; k < w->n; k++) {
        size_t top = fold || (uint8_t)w->key[k][0] < 0x80 ? 3 : HEADS_MAX;
        size_t d = w->keylen[k] < top ? w->keylen[k] : top;
        h->depth = d > h->depth ? d : h->depth;
    }
    for (size_t k = 0; k < w->n; k++)
        for (size_t j = 0; j < h->depth; j++) {
            uint8_t bit = (uint8_t)(1u << k);
            for (size_t lane = 0; lane < 32; lane += 16) {
                if (j >= w->keylen[k]) {
                    for (size_t b = 0; b < 16; b++)
                        h->lo[j][lane + b] |= bit, h->hi[j][lane + b] |= bit;
                    continue;
                }
                uint8_t c = (uint8_t)w->key[k][j];
                h->lo[j][lane + (c & 15)] |= bit;
                h->hi[j][lane + (c >> 4)] |= bit;
                if (fold && (uint8_t)(c - 'a') < 26) /* the key is folded: lower case */
                    h->hi[j][lane + ((c - 0x20) >> 4)] |= bit;
            }
        }
}

/* acc AND the keys whose byte j is each byte of the half x. */
SIMD_FN static inline __m256i heads_half(const heads_table *h, size_t j, __m256i x, __m256i acc)
{
    const __m256i low4 = _mm256_set1_epi8(15);
    __m256i lo = _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)h->lo[j]),
                                     _mm256_and_si256(x, low4));
    __m256i hi = _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)h->hi[j]),
                                     _mm256_and_si256(_mm256_srli_epi16(x, 4), low4));
    return _mm256_and_si256(acc, _mm256_and_si256(lo, hi));
}

SIMD_FN static inline uint64_t heads_find(const heads_table *h, const uint8_t *q, vec64 v0,
                                          vec64 v1, vec64 v2)
{
    __m256i lo = _mm256_set1_epi8(-1), hi = lo;
    for (size_t j = 0; j < h->depth; j++) {
        vec64 v = j == 0 ? v0 : j == 1 ? v1 : j == 2 ? v2 : load64(q + j);
        lo = heads_half(h, j, v.lo, lo);
        hi = heads_half(h, j, v.hi, hi);
    }
    __m256i z = _mm256_setzero_si256();
    return ~mask64(_mm256_cmpeq_epi8(lo, z), _mm256_cmpeq_epi8(hi, z));
}

#include "kernel_simd.h"
#else
typedef int kernel_avx2_not_on_this_architecture;
#endif
