/* kernel_avx2_filter.c - the AVX2 filter kernel: a nibble-table prefix filter over 64 bytes at a
 * time, and a plain check of the few positions where it fires.
 *
 * For up to AVX2F_MAX_WORDS words, one bit per word in every table byte. A position i may start
 * word k only when the byte before can end whitespace (one signed compare: every such byte is
 * below 0x21 or at least 0x80), the word's first byte has the right two nibbles (two vpshufb),
 * and its second and third bytes the right low nibble (one vpshufb each); a word shorter than
 * three bytes asks for the nibbles of a byte that can start whitespace after it. The tables only
 * ever admit more positions than can match (both cases of a letter with -i, every byte that can
 * end a utf-8 sequence before a token); the positions they keep are decided one by one with the
 * scalar definitions of words.h (prev_is_ws, ws_len), so the kernel is exact in every mode by the
 * same code as the scalar kernel. Longer lists go to the AVX2 kernel.
 *
 * Where every word's first three bytes are ASCII (the usual list), the filter is only the three
 * low-nibble look-ups, indexed by the text's bytes as they are: vpshufb gives zero for an index
 * with its top bit set, and a byte of 80..FF cannot match there. The byte before and the first
 * byte's high nibble are tested only in the blocks where that fires: one 64-byte block in 20 of
 * English text (one in 90 with both tests), so a block costs 6 loads and 13 vector instructions
 * instead of 8 and 30, and the scalar check sees as few positions as with the whole filter.
 *
 * A branch on each block's filter would mispredict in every block where it fires, and the
 * positions a block keeps would be checked behind another unpredictable branch: together most of
 * the time of a block. So the bytes are counted a span of AVX2F_SPAN at a time in three passes
 * whose only branches are their loops' own: the filter over every block, writing where it fired
 * to a list whose end moves by the result; the whole filter in those blocks, writing the
 * positions it keeps to another list (their first two without a branch); the check of those
 * positions. The span is read again from L1. Compiled for any x86-64 with function-level target
 * attributes; kernel.c runs it only when the CPU has AVX2. */
#include "kernel.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define AVX2F_FN __attribute__((target("avx2,popcnt,bmi,bmi2")))
#define AVX2F_MAX_WORDS 8
/* Bytes ahead of the filter that it asks the cache for: the blocks are in L2 when it runs. */
#define AVX2F_PREFETCH 512

typedef struct {
    _Alignas(32) uint8_t first_lo[32], first_hi[32]; /* both 16-byte lanes alike */
    _Alignas(32) uint8_t second_lo[32], third_lo[32];
} nibbles;

/* Sets `bit` for byte c: its low nibble in lo, its high one in hi (either may be NULL). */
static void put(uint8_t *lo, uint8_t *hi, uint8_t c, uint8_t bit)
{
    if (lo)
        lo[c & 15] |= bit, lo[16 + (c & 15)] |= bit;
    if (hi)
        hi[c >> 4] |= bit, hi[16 + (c >> 4)] |= bit;
}

/* Sets `bit` for the key byte c as the text may hold it: with fold, a letter in either case. */
static void put_key(uint8_t *lo, uint8_t *hi, uint8_t c, uint8_t bit, int fold)
{
    put(lo, hi, c, bit);
    if (fold && (uint8_t)(c - 'a') < 26)
        put(lo, hi, (uint8_t)(c ^ 0x20), bit);
}

static void build(nibbles *t, const wordlist *w)
{
    const int enc = w->encoding;
    memset(t, 0, sizeof *t);
    uint8_t *lo[3] = {t->first_lo, t->second_lo, t->third_lo};
    for (size_t k = 0; k < w->n; k++) {
        const uint8_t *key = (const uint8_t *)w->key[k], bit = (uint8_t)(1u << k);
        size_t L = w->keylen[k];
        for (size_t j = 0; j < 3; j++) {
            uint8_t *hi = j == 0 ? t->first_hi : NULL;
            if (j < L) {
                put_key(lo[j], hi, key[j], bit, w->fold);
            } else if (j == L) { /* a byte that can start whitespace (in utf-8, a sequence) */
                for (int c = 0; c < 256; c++)
                    if (ws_class[enc][c])
                        put(lo[j], hi, (uint8_t)c, bit);
            } else {
                for (int c = 0; c < 16; c++)
                    put(lo[j], hi, (uint8_t)(c * 17), bit);
            }
        }
    }
}

/* Nonzero when every word has three bytes or more and its first three are ASCII: the text's
 * bytes can index the low-nibble tables unmasked (see above). */
static int ascii_heads(const wordlist *w)
{
    for (size_t k = 0; k < w->n; k++) {
        if (w->keylen[k] < 3)
            return 0;
        for (size_t j = 0; j < 3; j++)
            if ((uint8_t)w->key[k][j] >= 0x80)
                return 0;
    }
    return 1;
}

AVX2F_FN static inline __m256i lut(const uint8_t *t, __m256i index)
{
    return _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)t), index);
}

/* v, which gcc then takes as it is: it would make a compare with a constant two instructions
 * (0x21 > x as min(x, 0x20) == x). */
AVX2F_FN static inline __m256i opaque(__m256i v)
{
    __asm__("" : "+x"(v));
    return v;
}

/* 32 bytes from q, loaded once: the empty asm keeps gcc from folding the load into each of its
 * uses (it would load the same bytes twice). */
AVX2F_FN static inline __m256i load_once(const uint8_t *q)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)q);
    __asm__("" : "+x"(v));
    return v;
}

/* The tests on the byte before q[i] and on the high nibble of q[i]; v0 = the 32 bytes from q. */
AVX2F_FN static inline __attribute__((always_inline)) __m256i
before_and_high(const nibbles *t, const uint8_t *q, __m256i v0)
{
    const __m256i low = _mm256_set1_epi8(15);
    /* Every byte that can end whitespace is below 0x21 or from 0x80 on: below 0x21 as signed. */
    __m256i a = _mm256_cmpgt_epi8(opaque(_mm256_set1_epi8(0x21)),
                                  _mm256_loadu_si256((const __m256i *)(q - 1)));
    return _mm256_and_si256(a, lut(t->first_hi, _mm256_and_si256(_mm256_srli_epi16(v0, 4), low)));
}

/* Byte i: the words that may start at q[i], for the 32 positions from q; `raw`: ascii_heads. */
AVX2F_FN static inline __attribute__((always_inline)) __m256i
filter32(const nibbles *t, const uint8_t *q, int raw)
{
    if (raw) /* three look-ups indexed by the text itself (see above) */
        return _mm256_and_si256(
            _mm256_and_si256(lut(t->first_lo, _mm256_loadu_si256((const __m256i *)q)),
                             lut(t->second_lo, _mm256_loadu_si256((const __m256i *)(q + 1)))),
            lut(t->third_lo, _mm256_loadu_si256((const __m256i *)(q + 2))));
    const __m256i low = _mm256_set1_epi8(15);
    __m256i v0 = load_once(q);
    __m256i a = _mm256_and_si256(before_and_high(t, q, v0),
                                 lut(t->first_lo, _mm256_and_si256(v0, low)));
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(q + 1));
    a = _mm256_and_si256(a, lut(t->second_lo, _mm256_and_si256(v1, low)));
    __m256i v2 = _mm256_loadu_si256((const __m256i *)(q + 2));
    return _mm256_and_si256(a, lut(t->third_lo, _mm256_and_si256(v2, low)));
}

AVX2F_FN static inline uint32_t nonzero32(__m256i a)
{
    return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, _mm256_setzero_si256()));
}

/* A word's first bytes (of its key) as one little-endian load compares them (up to 8); with
 * fold, the text's bytes are ORed with fold_or first (0x20 where the key byte is a letter). */
typedef struct {
    uint64_t head[AVX2F_MAX_WORDS], mask[AVX2F_MAX_WORDS], fold_or[AVX2F_MAX_WORDS];
    size_t len[AVX2F_MAX_WORDS];
} heads;

static uint64_t load8(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

static void make_heads(heads *h, const wordlist *w)
{
    for (size_t k = 0; k < w->n; k++) {
        size_t n = w->keylen[k] < 8 ? w->keylen[k] : 8;
        uint8_t b[8] = {0}, o[8] = {0};
        memcpy(b, w->key[k], n);
        for (size_t j = 0; j < n; j++)
            o[j] = (uint8_t)(b[j] - 'a') < 26 ? 0x20 : 0;
        memcpy(&h->head[k], b, 8);
        memcpy(&h->fold_or[k], o, 8);
        h->mask[k] = n == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * n)) - 1;
        h->len[k] = w->keylen[k];
    }
}

/* The plain check of a position for the words in `which`. p[0..8) is readable: inside the kernel
 * contract's context, as is the byte after a word. Most positions fail here on the first bytes, or
 * (a longer token: "cattle" for cat) on the byte after the word, which must start whitespace; both
 * are tested before one branch, which is then rarely taken. */
static inline __attribute__((always_inline)) void
check(const wordlist *w, const heads *h, const uint8_t *p, unsigned which, uint64_t *counts,
      int enc, int fold)
{
    uint64_t x = load8(p);
    for (; which; which &= which - 1) {
        unsigned k = (unsigned)__builtin_ctz(which);
        size_t L = h->len[k];
        if ((((fold ? x | h->fold_or[k] : x) & h->mask[k]) == h->head[k]) &
                (ws_class[enc][p[L]] != 0) &&
            token_is(p, (const uint8_t *)w->key[k], L, enc, fold)) {
            counts[k]++;
            return; /* a token equals one word at most */
        }
    }
}

/* Bytes counted in three passes: the filter over all of them, the exact tests in the blocks where
 * it fired, the check of the positions those keep. A pass has no branch that depends on the text
 * but its loop's own (a branch per block would mispredict in every block that fires), and the
 * bytes are still in L1 when the later passes read them again. */
#define AVX2F_SPAN 16384
/* Positions kept in a span before they are checked: two per block that fired, and one block more. */
#define AVX2F_KEPT (2 * AVX2F_SPAN / 64 + 64)

AVX2F_FN static inline __attribute__((always_inline)) void
count_mode(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts, int enc, int fold,
           int raw)
{
    nibbles t;
    build(&t, w);
    heads h;
    make_heads(&h, w);
    _Alignas(32) uint8_t which[64];
    uint32_t fired[AVX2F_SPAN / 64]; /* offsets in the span of the blocks where the filter fired */
    uint32_t kept[AVX2F_KEPT + 2];   /* offset | the words' bits << 24 */
    /* Reads reach q + 65 for a block at q: inside the kernel contract's context for any q < end. */
    const uint8_t *const end = p + len;
    for (const uint8_t *s = p; s < end; s += AVX2F_SPAN) {
        const uint8_t *const stop = end - s > AVX2F_SPAN ? s + AVX2F_SPAN : end;
        size_t n = 0;
        for (const uint8_t *q = s; q < stop; q += 64) {
            __builtin_prefetch(q + AVX2F_PREFETCH);
            __m256i any = _mm256_or_si256(filter32(&t, q, raw), filter32(&t, q + 32, raw));
            fired[n] = (uint32_t)(q - s);
            n += !_mm256_testz_si256(any, any);
        }
        size_t k = 0;
        for (size_t f = 0; f < n; f++) {
            const uint8_t *q = s + fired[f];
            __m256i a0 = filter32(&t, q, raw), a1 = filter32(&t, q + 32, raw);
            if (raw) { /* the tests the filter left out */
                a0 = _mm256_and_si256(a0, before_and_high(&t, q, load_once(q)));
                a1 = _mm256_and_si256(a1, before_and_high(&t, q + 32, load_once(q + 32)));
            }
            uint64_t m = nonzero32(a0) | (uint64_t)nonzero32(a1) << 32;
            if (end - q < 64)
                m &= (UINT64_C(1) << (end - q)) - 1;
            _mm256_store_si256((__m256i *)which, a0);
            _mm256_store_si256((__m256i *)(which + 32), a1);
            /* The first two positions kept without a branch (a block keeps 0, 1 or 2 nearly
             * always); tzcnt gives 64 for none, read as 0 and not counted. */
            uint64_t m1 = _blsr_u64(m);
            unsigned i0 = (unsigned)_tzcnt_u64(m) & 63, i1 = (unsigned)_tzcnt_u64(m1) & 63;
            kept[k] = fired[f] + i0 + ((uint32_t)which[i0] << 24);
            kept[k + 1] = fired[f] + i1 + ((uint32_t)which[i1] << 24);
            size_t c = (size_t)_mm_popcnt_u64(m);
            if (__builtin_expect(c > 2, 0))
                for (uint64_t r = _blsr_u64(m1), j = k + 2; r; r &= r - 1, j++) {
                    unsigned i = (unsigned)_tzcnt_u64(r);
                    kept[j] = fired[f] + i + ((uint32_t)which[i] << 24);
                }
            k += c;
            if (__builtin_expect(k > AVX2F_KEPT - 64, 0) || f + 1 == n) {
                for (size_t j = 0; j < k; j++)
                    check(w, &h, s + (kept[j] & 0xFFFFFF), kept[j] >> 24, counts, enc, fold);
                k = 0;
            }
        }
    }
}

/* Each mode its own function: the mode is a constant inside. */
#define AVX2F_MODE(enc, fold, raw)                                                                 \
    AVX2F_FN static __attribute__((noinline)) void count_##enc##_##fold##_##raw(                   \
        const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)                         \
    {                                                                                              \
        count_mode(w, p, len, counts, enc, fold, raw);                                             \
    }
AVX2F_MODE(ENC_LATIN1, 0, 0)
AVX2F_MODE(ENC_LATIN1, 1, 0)
AVX2F_MODE(ENC_UTF8, 0, 0)
AVX2F_MODE(ENC_UTF8, 1, 0)
AVX2F_MODE(ENC_LATIN1, 0, 1)
AVX2F_MODE(ENC_LATIN1, 1, 1)
AVX2F_MODE(ENC_UTF8, 0, 1)
AVX2F_MODE(ENC_UTF8, 1, 1)
#undef AVX2F_MODE

typedef void (*count_fn)(const wordlist *, const uint8_t *, size_t, uint64_t *);
/* [raw][latin1][fold] */
static const count_fn modes[2][2][2] = {
    {{count_ENC_UTF8_0_0, count_ENC_UTF8_1_0}, {count_ENC_LATIN1_0_0, count_ENC_LATIN1_1_0}},
    {{count_ENC_UTF8_0_1, count_ENC_UTF8_1_1}, {count_ENC_LATIN1_0_1, count_ENC_LATIN1_1_1}},
};

void kernel_avx2_filter(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    if (w->n == 0)
        return;
    if (w->n > AVX2F_MAX_WORDS) { /* one bit per word in the tables */
        kernel_avx2(w, p, len, counts);
        return;
    }
    modes[ascii_heads(w)][w->encoding == ENC_LATIN1][w->fold != 0](w, p, len, counts);
}
#else
typedef int kernel_avx2_filter_not_on_this_architecture;
#endif
