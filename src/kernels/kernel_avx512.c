/* kernel_avx512.c - the AVX-512 (F + BW) kernel: 64 bytes per compare, masks straight from the
 * compares. Compiled for any x86-64 with function-level target attributes; kernel.c runs it only
 * when the CPU has AVX-512BW. Other architectures compile this file to nothing. */
#include "kernel.h"

#include <string.h>

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

SIMD_FN static inline vec64 or64(vec64 a, vec64 b)
{
    return _mm512_or_si512(a, b);
}

SIMD_FN static inline uint64_t zeros64(vec64 a)
{
    return (uint64_t)_mm512_testn_epi8_mask(a, a);
}

/* The positions of m's set bits, plus base, in out[0..popcount(m)) (out has room for 64 more):
 * 16 at a time by compressing a vector of positions. */
SIMD_FN static inline size_t many_positions(uint64_t m, uint32_t base, uint32_t *out)
{
    __m512i v = _mm512_add_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
                                                  1, 0),
                                 _mm512_set1_epi32((int)base));
    size_t n = 0;
    for (int j = 0; j < 4; j++, m >>= 16) {
        _mm512_storeu_si512((void *)(out + n), _mm512_maskz_compress_epi32((__mmask16)m, v));
        n += (size_t)__builtin_popcount((unsigned)(m & 0xFFFF));
        v = _mm512_add_epi32(v, _mm512_set1_epi32(16));
    }
    return n;
}

/* fold_ascii on every byte of v: 'A'..'Z' get 0x20. */
SIMD_FN static inline __m512i fold_bytes(__m512i v)
{
    __mmask64 upper = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('A')),
                                             _mm512_set1_epi8('Z' - 'A'));
    return _mm512_or_si512(v, _mm512_maskz_mov_epi8(upper, _mm512_set1_epi8(0x20)));
}

/* Tokens looked up in passes of MANY_PASS (64: the bits of a word of longs), whose keys and
 * hashes a small array holds. */
#define MANY_PASS 64

/* Tokens p[bound[2i] .. bound[2i + 1]), i < n (a multiple of 8, at most MANY_PASS), looked up
 * in the index 8 at a time (words.h: words_index_key, words_index_hash, words_index_at, in vector
 * lanes): the slots where the key is the token are written to hit, their number returned; bit i
 * of longs set for token i longer than short_max, not looked up. Offsets below 2^31. In three
 * passes over the tokens, each with one kind of gather: a pass's batches depend on nothing but
 * the one before, so the CPU overlaps many of them (one loop of the three chained gathers, about
 * 100 cycles of latency a batch, kept few in flight: 1.56 GB/s for 64 words against 1.75 in
 * passes, the same run). */
SIMD_FN static inline __attribute__((always_inline)) size_t
many_pass(const words_index *x, const uint8_t *p, const uint32_t *bound, size_t n, uint32_t *hit,
          uint64_t *longs, int fold)
{
    _Alignas(64) uint64_t key_lo[MANY_PASS], key_hi[MANY_PASS], hash[MANY_PASS];
    uint8_t shorts[MANY_PASS / 8] = {0};
    uint64_t too_long = 0;
    const __m512i ones = _mm512_set1_epi64(-1);
    /* 1: each token's 16 bytes, cut to its length, and hashed */
    for (size_t i = 0; i < n; i += 8) {
        /* start and end of a token in each 64-bit lane */
        __m512i se = _mm512_loadu_si512((const void *)(bound + 2 * i));
        __m512i s = _mm512_and_si512(se, _mm512_set1_epi64(0xFFFFFFFF));
        __m512i len = _mm512_sub_epi32(_mm512_srli_epi64(se, 32), s); /* modulo 2^32, as in C */
        __mmask8 m = _mm512_cmple_epu64_mask(len, _mm512_set1_epi64((long long)x->short_max));
        shorts[i / 8] = m;
        too_long |= (uint64_t)(uint8_t)~m << i;
        /* only where the token is short: MANY_RUN_IN is no offset */
        __m512i lo = _mm512_mask_i64gather_epi64(ones, m, s, (const void *)p, 1);
        __m512i hi = _mm512_mask_i64gather_epi64(ones, m, s, (const void *)(p + 8), 1);
        if (fold) {
            lo = fold_bytes(lo);
            hi = fold_bytes(hi);
        }
        /* keep[n]: the bytes below n of lo, those from 8 to n of hi (a shift of 64 bits or more
         * leaves nothing); n in the top byte of hi */
        __m512i bits = _mm512_slli_epi64(len, 3);
        lo = _mm512_andnot_si512(_mm512_sllv_epi64(ones, bits), lo);
        hi = _mm512_and_si512(
            _mm512_srlv_epi64(ones, _mm512_sub_epi64(_mm512_set1_epi64(128), bits)), hi);
        hi = _mm512_or_si512(hi, _mm512_slli_epi64(len, WORDS_LEN_SHIFT));
        /* words_nh of each word, their sum, its high half folded in: the hash in the low half */
        __m512i a = _mm512_add_epi32(lo, _mm512_set1_epi64((long long)x->seed[0]));
        __m512i c = _mm512_add_epi32(hi, _mm512_set1_epi64((long long)x->seed[1]));
        __m512i h = _mm512_add_epi64(_mm512_mul_epu32(a, _mm512_srli_epi64(a, 32)),
                                     _mm512_mul_epu32(c, _mm512_srli_epi64(c, 32)));
        h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 32));
        _mm512_store_si512((void *)(key_lo + i), lo);
        _mm512_store_si512((void *)(key_hi + i), hi);
        _mm512_store_si512((void *)(hash + i), h);
    }
    /* 2: each one's slot, by its bucket's XOR (the hash is the low half of each lane). Up to 32
     * buckets (lists of up to 64 short words) the XORs fit in two registers, d0 and d1: a
     * permute picks them instead of a gather. */
    const __m128i bucket_shift = _mm_cvtsi32_si128((int)x->bucket_shift);
    const __m128i slot_shift = _mm_cvtsi32_si128((int)x->slot_shift);
    const size_t buckets = (size_t)x->bucket_mask + 1;
    const int few = buckets <= 32;
    const __mmask16 first16 = (__mmask16)_bzhi_u32(0xFFFF, (unsigned)buckets);
    const __m512i d0 = few ? _mm512_maskz_loadu_epi32(first16, (const void *)x->disp)
                           : _mm512_setzero_si512();
    const __m512i d1 = few && buckets > 16 ? _mm512_loadu_si512((const void *)(x->disp + 16))
                                           : _mm512_setzero_si512();
    for (size_t i = 0; i < n; i += 8) {
        __m512i h = _mm512_load_si512((const void *)(hash + i));
        __m512i bucket = _mm512_and_si512(
            _mm512_srl_epi64(_mm512_mul_epu32(h, _mm512_set1_epi64(WORDS_MIX_BUCKET)),
                             bucket_shift),
            _mm512_set1_epi64(x->bucket_mask));
        /* the XOR in the low half of each lane, the high half zero */
        __m512i d = few ? _mm512_maskz_permutex2var_epi32(0x5555, d0, bucket, d1)
                        : _mm512_cvtepu32_epi64(
                              _mm512_i64gather_epi32(bucket, (const void *)x->disp, 4));
        __m512i base = _mm512_and_si512(
            _mm512_srl_epi64(_mm512_mul_epu32(h, _mm512_set1_epi64(WORDS_MIX_SLOT)), slot_shift),
            _mm512_set1_epi64(x->slot_mask));
        _mm512_store_si512((void *)(hash + i), _mm512_xor_si512(base, d));
    }
    /* 3: the key there compared */
    *longs = too_long;
    size_t hits = 0;
    for (size_t i = 0; i < n; i += 8) {
        __m512i slot = _mm512_load_si512((const void *)(hash + i));
        __m512i at = _mm512_slli_epi64(slot, 1); /* key[2s], key[2s + 1] */
        __m512i klo = _mm512_i64gather_epi64(at, (const void *)x->key, 8);
        __m512i khi = _mm512_i64gather_epi64(at, (const void *)(x->key + 1), 8);
        __mmask8 found = _mm512_mask_cmpeq_epi64_mask(
            _mm512_mask_cmpeq_epi64_mask(shorts[i / 8], klo,
                                         _mm512_load_si512((const void *)(key_lo + i))),
            khi, _mm512_load_si512((const void *)(key_hi + i)));
        _mm256_storeu_si256((__m256i *)(hit + hits),
                            _mm512_cvtepi64_epi32(_mm512_maskz_compress_epi64(found, slot)));
        hits += (size_t)__builtin_popcount(found);
    }
    return hits;
}

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

/* --tokens=words on CPUs with AVX-512 VBMI: where some key's first bytes may stand (as many as the
 * longest key has, up to six, three letters of Cyrillic; three with -i), by one vpermb per byte
 * on its low 6 bits (kernel_simd.h, key_heads; kernel_vbmi.c filters so). Byte b of table
 * t[j] has bit k set when key k's byte j (either case of a letter with -i, any byte past its end)
 * has low bits b: a superset of key k's positions. Up to 8 keys. */
#define HEADS_FN __attribute__((target("avx512f,avx512bw,avx512vbmi,popcnt,bmi,bmi2")))
#define HEADS_MAX 6

typedef struct {
    _Alignas(64) uint8_t t[HEADS_MAX][64];
    size_t depth; /* the bytes looked at, 1 to HEADS_MAX */
} heads_table;

static int heads_runs(const wordlist *w)
{
    return w->n <= 8 && __builtin_cpu_supports("avx512vbmi");
}

static void heads_make(heads_table *h, const wordlist *w, int fold)
{
    memset(h, 0, sizeof *h);
    /* With -i three: key_heads's case (a letter that folds to ASCII need not be ASCII, and the
     * caller knows only q[0..66) to be ASCII) */
    size_t top = fold ? 3 : HEADS_MAX;
    h->depth = w->maxlen < top ? w->maxlen : top;
    for (size_t k = 0; k < w->n; k++)
        for (size_t j = 0; j < h->depth; j++) {
            uint8_t bit = (uint8_t)(1u << k);
            if (j >= w->keylen[k]) {
                for (size_t b = 0; b < 64; b++)
                    h->t[j][b] |= bit;
                continue;
            }
            uint8_t c = (uint8_t)w->key[k][j];
            h->t[j][c & 63] |= bit;
            if (fold && (uint8_t)(c - 'a') < 26) /* the key is folded: its letters are lower case */
                h->t[j][(c - 0x20) & 63] |= bit;
        }
}

/* The keys that may start at each byte of q (v0, v1, v2 loaded from q, q + 1, q + 2): nonzero
 * bytes, tested. */
HEADS_FN static inline __m512i heads_at(const heads_table *h, size_t j, vec64 v)
{
    return _mm512_permutexvar_epi8(v, _mm512_load_si512((const void *)h->t[j]));
}

HEADS_FN static inline uint64_t heads_find(const heads_table *h, const uint8_t *q, vec64 v0,
                                           vec64 v1, vec64 v2)
{
    __m512i keys = heads_at(h, 0, v0);
    switch (h->depth) { /* 0x80 = A & B & C */
    case 6:
        keys = _mm512_ternarylogic_epi64(keys, heads_at(h, 5, load64(q + 5)),
                                         heads_at(h, 4, load64(q + 4)), 0x80);
        __attribute__((fallthrough));
    case 4:
        keys = _mm512_and_si512(keys, heads_at(h, 3, load64(q + 3)));
        __attribute__((fallthrough));
    case 3:
        keys = _mm512_ternarylogic_epi64(keys, heads_at(h, 1, v1), heads_at(h, 2, v2), 0x80);
        break;
    case 5:
        keys = _mm512_ternarylogic_epi64(keys, heads_at(h, 4, load64(q + 4)),
                                         heads_at(h, 3, load64(q + 3)), 0x80);
        keys = _mm512_ternarylogic_epi64(keys, heads_at(h, 1, v1), heads_at(h, 2, v2), 0x80);
        break;
    case 2:
        keys = _mm512_and_si512(keys, heads_at(h, 1, v1));
        break;
    default:
        break;
    }
    return (uint64_t)_mm512_test_epi8_mask(keys, keys);
}

#include "kernel_simd.h"
#else
typedef int kernel_avx512_not_on_this_architecture;
#endif
