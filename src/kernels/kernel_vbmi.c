/* kernel_vbmi.c - the AVX-512 VBMI kernel: whole tokens decided by byte-table look-ups (vpermb).
 *
 * Every condition on one byte that this kernel asks ("is c", "is c or C" with -i, "is a whitespace
 * byte", "starts a whitespace sequence", "any byte") is a product set: b is in it exactly when b>>2
 * is in one set of 64 and b&63 in another. So two 64-entry tables, looked up with vpermb, decide it
 * for 64 bytes at once, and eight such conditions (one bit each) share the same two look-ups.
 *
 * Per 64-byte block:
 *   filter  a superset of the positions where a word can start: the byte before is in the set of
 *           last bytes of whitespace (a 128-entry vpermi2b on the low 7 bits), and each of the next
 *           three bytes is in the word's set by the low 6 bits (one vpermb each). About ten
 *           instructions; on text, most blocks stop here.
 *   exact   where the filter fires: the words' bytes at every offset by the two product tables,
 *           token starts and ends from the whitespace masks of the mode, then a popcount per word.
 *
 * Up to VBMI_MAX_WORDS words of up to VBMI_MAX_LEN bytes; other lists go to the AVX-512 kernel.
 * Compiled for any x86-64 with function-level target attributes; kernel.c runs it only when the
 * CPU has AVX-512 VBMI. With KERNEL_VBMI_EMULATED the same code is built on SIMDe's portable
 * AVX-512 (tests only), so machines without VBMI still check it. */
#include "kernel.h"

#include <string.h>

#if defined(KERNEL_VBMI_EMULATED)
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#define VBMI_FN
#define VBMI_NAME kernel_vbmi_emulated
#define VBMI_OTHER kernel_scalar /* the AVX-512 kernel may not run where this is tested */
void kernel_vbmi_emulated(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
#elif defined(__x86_64__)
#include <immintrin.h>
#define VBMI_FN __attribute__((target("avx512f,avx512bw,avx512vbmi,popcnt,bmi,bmi2")))
#define VBMI_NAME kernel_vbmi
#define VBMI_OTHER kernel_avx512
#endif

#if defined(VBMI_NAME)

#define VBMI_MAX_WORDS 8 /* one bit per word in a table byte */
#define VBMI_MAX_LEN 32  /* < 64: a word's end is in this block's or the next one's masks */

/* Whitespace classes, one bit each, at offsets 0..2 of a position: a single whitespace byte, and
 * the families of multi-byte UTF-8 whitespace (each a product of per-offset byte sets). */
enum {
    WS_ONE = 1,   /* latin1: 09-0D 1C-20 85 A0; utf-8: 09-0D 1C-20 */
    WS_C2 = 2,    /* C2 85, C2 A0 */
    WS_E1 = 4,    /* E1 9A 80 */
    WS_E280 = 8,  /* E2 80 80..8A, E2 80 A8, E2 80 A9, E2 80 AF */
    WS_E281 = 16, /* E2 81 9F */
    WS_E3 = 32,   /* E3 80 80 */
    WS_THREE = WS_E1 | WS_E280 | WS_E281 | WS_E3
};

typedef struct {
    /* filter: byte before (by its low 7 bits), bytes 0..2 (by their low 6 bits) */
    _Alignas(64) uint8_t before[128];
    _Alignas(64) uint8_t first[3][64];
    /* exact, product tables by b>>2 (hi) and b&63 (lo): the words' bytes at offset j ... */
    _Alignas(64) uint8_t hi[VBMI_MAX_LEN][64];
    _Alignas(64) uint8_t lo[VBMI_MAX_LEN][64];
    /* ... and the whitespace classes at offsets 0..2 */
    _Alignas(64) uint8_t ws_hi[3][64];
    _Alignas(64) uint8_t ws_lo[3][64];
    size_t n, maxlen, len[VBMI_MAX_WORDS];
    int utf8;
} tables;

/* Adds byte c to the product set of `bit` in (hi, lo). A set built this way is the product of its
 * bytes' b>>2 and b&63: every set used here was chosen so that this is the set itself. */
static void put(uint8_t *hi, uint8_t *lo, uint8_t c, uint8_t bit)
{
    hi[c >> 2] |= bit;
    lo[c & 63] |= bit;
}

static void put_any(uint8_t *hi, uint8_t *lo, uint8_t bit)
{
    for (int i = 0; i < 64; i++)
        hi[i] |= bit, lo[i] |= bit;
}

static int is_letter(uint8_t c)
{
    return (uint8_t)((c | 0x20) - 'a') < 26;
}

/* The whitespace bytes of the mode that a whitespace sequence starts with (single bytes and lead
 * bytes), and the bytes it can end with. */
static size_t ws_starts(int utf8, uint8_t *out)
{
    static const uint8_t one[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20};
    size_t n = 0;
    for (size_t i = 0; i < sizeof one; i++)
        out[n++] = one[i];
    if (utf8) {
        out[n++] = 0xC2, out[n++] = 0xE1, out[n++] = 0xE2, out[n++] = 0xE3;
    } else {
        out[n++] = 0x85, out[n++] = 0xA0;
    }
    return n;
}

static size_t ws_ends(int utf8, uint8_t *out)
{
    size_t n = ws_starts(0, out); /* single bytes, and 85 A0 (C2 85, C2 A0 in utf-8) */
    /* utf-8: lead bytes never end a sequence; the last bytes of the 3-byte ones: */
    if (utf8) {
        for (uint8_t c = 0x80; c <= 0x8A; c++)
            out[n++] = c;
        out[n++] = 0x9F, out[n++] = 0xA8, out[n++] = 0xA9, out[n++] = 0xAF;
    }
    return n;
}

static void build(tables *t, const wordlist *w, int utf8, int fold)
{
    memset(t, 0, sizeof *t);
    t->n = w->n;
    t->maxlen = w->maxlen;
    t->utf8 = utf8;
    uint8_t set[32];

    size_t ne = ws_ends(utf8, set);
    for (size_t i = 0; i < ne; i++)
        t->before[set[i] & 127] = 0xFF;
    size_t ns = ws_starts(utf8, set);
    for (size_t k = 0; k < w->n; k++) {
        const uint8_t *word = (const uint8_t *)w->key[k], bit = (uint8_t)(1u << k);
        size_t L = w->keylen[k];
        t->len[k] = L;
        for (size_t j = 0; j < 3; j++) {
            if (j < L) {
                t->first[j][word[j] & 63] |= bit;
                if (fold && is_letter(word[j]))
                    t->first[j][(word[j] ^ 0x20) & 63] |= bit;
            } else if (j == L) {
                for (size_t i = 0; i < ns; i++)
                    t->first[j][set[i] & 63] |= bit;
            } else {
                for (int i = 0; i < 64; i++)
                    t->first[j][i] |= bit;
            }
        }
        for (size_t j = 0; j < w->maxlen; j++) {
            if (j >= L) {
                put_any(t->hi[j], t->lo[j], bit);
                continue;
            }
            put(t->hi[j], t->lo[j], word[j], bit);
            if (fold && is_letter(word[j]))
                put(t->hi[j], t->lo[j], word[j] ^ 0x20, bit); /* {c, c^32}: a product set */
        }
    }

    /* Whitespace classes: single bytes at offset 0 only, the other families byte by byte. */
    for (size_t i = 0; i < (utf8 ? ns - 4 : ns); i++)
        put(t->ws_hi[0], t->ws_lo[0], set[i], WS_ONE);
    put_any(t->ws_hi[1], t->ws_lo[1], WS_ONE);
    put_any(t->ws_hi[2], t->ws_lo[2], WS_ONE);
    if (!utf8)
        return;
    put(t->ws_hi[0], t->ws_lo[0], 0xC2, WS_C2);
    put(t->ws_hi[1], t->ws_lo[1], 0x85, WS_C2);
    put(t->ws_hi[1], t->ws_lo[1], 0xA0, WS_C2);
    put_any(t->ws_hi[2], t->ws_lo[2], WS_C2);
    put(t->ws_hi[0], t->ws_lo[0], 0xE1, WS_E1);
    put(t->ws_hi[1], t->ws_lo[1], 0x9A, WS_E1);
    put(t->ws_hi[2], t->ws_lo[2], 0x80, WS_E1);
    put(t->ws_hi[0], t->ws_lo[0], 0xE2, WS_E280);
    put(t->ws_hi[1], t->ws_lo[1], 0x80, WS_E280);
    for (uint8_t c = 0x80; c <= 0x8A; c++)
        put(t->ws_hi[2], t->ws_lo[2], c, WS_E280);
    put(t->ws_hi[2], t->ws_lo[2], 0xA8, WS_E280);
    put(t->ws_hi[2], t->ws_lo[2], 0xA9, WS_E280);
    put(t->ws_hi[2], t->ws_lo[2], 0xAF, WS_E280);
    put(t->ws_hi[0], t->ws_lo[0], 0xE2, WS_E281);
    put(t->ws_hi[1], t->ws_lo[1], 0x81, WS_E281);
    put(t->ws_hi[2], t->ws_lo[2], 0x9F, WS_E281);
    put(t->ws_hi[0], t->ws_lo[0], 0xE3, WS_E3);
    put(t->ws_hi[1], t->ws_lo[1], 0x80, WS_E3);
    put(t->ws_hi[2], t->ws_lo[2], 0x80, WS_E3);
}

VBMI_FN static inline __m512i load(const uint8_t *q)
{
    return _mm512_loadu_si512((const void *)q);
}

VBMI_FN static inline __m512i table(const uint8_t *t)
{
    return _mm512_load_si512((const void *)t);
}

/* The product-set look-up: byte i holds the bits whose sets contain byte i of v. */
VBMI_FN static inline __m512i classify(__m512i v, const uint8_t *hi, const uint8_t *lo)
{
    __m512i h = _mm512_permutexvar_epi8(_mm512_srli_epi16(v, 2), table(hi));
    return _mm512_and_si512(h, _mm512_permutexvar_epi8(v, table(lo)));
}

/* The filter's tables, in registers for the whole loop. */
typedef struct {
    __m512i before_lo, before_hi, f0, f1, f2;
} filter_tables;

/* Bit i set where position i of q may start a word (a superset of the matches). */
VBMI_FN static inline uint64_t filter(const filter_tables *f, const uint8_t *q)
{
    __m512i b = _mm512_permutex2var_epi8(f->before_lo, load(q - 1), f->before_hi);
    __m512i a = _mm512_ternarylogic_epi64(b, _mm512_permutexvar_epi8(load(q), f->f0),
                                          _mm512_permutexvar_epi8(load(q + 1), f->f1), 0x80);
    return (uint64_t)_mm512_test_epi8_mask(a, _mm512_permutexvar_epi8(load(q + 2), f->f2));
}

/* Whitespace of the 64 positions from q: *starts, bit i: a whitespace sequence starts at q[i];
 * returns the bytes that belong to whitespace sequences starting at q[0..64) (bits past 63 of a
 * sequence's tail are dropped: the caller's `carried` covers them in the next block). */
VBMI_FN static inline uint64_t whitespace(const tables *t, const uint8_t *q, uint64_t *starts)
{
    __m512i c0 = classify(load(q), t->ws_hi[0], t->ws_lo[0]);
    uint64_t one = (uint64_t)_mm512_test_epi8_mask(c0, _mm512_set1_epi8(WS_ONE));
    if (!t->utf8) {
        *starts = one;
        return one;
    }
    __m512i c = _mm512_ternarylogic_epi64(c0, classify(load(q + 1), t->ws_hi[1], t->ws_lo[1]),
                                          classify(load(q + 2), t->ws_hi[2], t->ws_lo[2]), 0x80);
    uint64_t two = (uint64_t)_mm512_test_epi8_mask(c, _mm512_set1_epi8(WS_C2));
    uint64_t three = (uint64_t)_mm512_test_epi8_mask(c, _mm512_set1_epi8(WS_THREE));
    *starts = one | two | three;
    return one | two | (two << 1) | three | (three << 1) | (three << 2);
}

/* Exact count of the block at q: positions i < 64 with bit i of `valid`. `before` is 1 when the
 * byte before q ends whitespace (a token may start at q[0]); `carried` marks bytes at q[0..2)
 * that end a whitespace sequence begun before q. */
VBMI_FN static inline void exact(const tables *t, const uint8_t *q, uint64_t valid, int before,
                                 uint64_t carried, uint64_t *counts)
{
    __m512i r = _mm512_set1_epi8(-1);
    for (size_t j = 0; j < t->maxlen; j++) {
        __m512i v = load(q + j);
        __m512i h = _mm512_permutexvar_epi8(_mm512_srli_epi16(v, 2), table(t->hi[j]));
        r = _mm512_ternarylogic_epi64(r, h, _mm512_permutexvar_epi8(v, table(t->lo[j])), 0x80);
    }
    uint64_t any = (uint64_t)_mm512_test_epi8_mask(r, r) & valid;
    if (!any)
        return;
    uint64_t ws_now, ws_next;
    uint64_t in_ws = whitespace(t, q, &ws_now) | carried;
    whitespace(t, q + 64, &ws_next);
    uint64_t starts = ~in_ws & ((in_ws << 1) | (uint64_t)before) & any;
    if (!starts)
        return;
    for (size_t k = 0; k < t->n; k++) {
        size_t L = t->len[k];
        uint64_t ends = (ws_now >> L) | (ws_next << (64 - L)); /* 1 <= L <= 32 */
        uint64_t m = (uint64_t)_mm512_test_epi8_mask(r, _mm512_set1_epi8((char)(1u << k)));
        counts[k] += (uint64_t)__builtin_popcountll(m & starts & ends);
    }
}

/* Does a token start at q[0] when q[0] is a token byte, and which bytes at q[0], q[1] end a
 * whitespace sequence begun before q: read from q[-3..2] by the scalar definitions. */
static int ws_before(const tables *t, const uint8_t *q, uint64_t *carried)
{
    int enc = t->utf8 ? ENC_UTF8 : ENC_LATIN1;
    *carried = (UINT64_C(1) << ws_carried_in(enc, q)) - 1;
    return prev_is_ws(enc, q);
}

VBMI_FN static void count(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    tables t;
    build(&t, w, w->encoding == ENC_UTF8, w->fold);
    const filter_tables f = {table(t.before), table(t.before + 64), table(t.first[0]),
                             table(t.first[1]), table(t.first[2])};
    /* The exact step reads up to q + 130 (whitespace of the next block, 3-byte sequences) and
     * q + maxlen + 63; the kernel contract makes p[len + maxlen + KERNEL_PAD] the last readable
     * byte. Whole blocks whose reads stay inside come first, two per branch. */
    const size_t reach = 131 > w->maxlen + 64 ? 131 : w->maxlen + 64;
    const size_t readable = len + w->maxlen + 1 + KERNEL_PAD;
    size_t b = 0;
    uint64_t carried;
    for (; b + 128 <= len && b + 64 + reach <= readable; b += 128) {
        const uint8_t *q = p + b;
        uint64_t m0 = filter(&f, q);
        uint64_t m1 = filter(&f, q + 64);
        if (!(m0 | m1))
            continue;
        if (m0) {
            int before = ws_before(&t, q, &carried);
            exact(&t, q, ~UINT64_C(0), before, carried, counts);
        }
        if (m1) {
            int before = ws_before(&t, q + 64, &carried);
            exact(&t, q + 64, ~UINT64_C(0), before, carried, counts);
        }
    }
    /* The last blocks, unfiltered; where the reads would pass the readable bytes, from a copy
     * (bytes past the contract's context only reach positions whose bits are never used). */
    _Alignas(64) uint8_t copy[64 + 64 + VBMI_MAX_LEN + 131];
    for (; b < len; b += 64) {
        uint64_t valid = len - b < 64 ? (UINT64_C(1) << (len - b)) - 1 : ~UINT64_C(0);
        int before = ws_before(&t, p + b, &carried);
        const uint8_t *q = p + b;
        if (b + reach > readable) {
            size_t have = readable - b + 1; /* q[-1 .. readable) */
            memset(copy, ' ', sizeof copy);
            memcpy(copy + 63, q - 1, have < sizeof copy - 63 ? have : sizeof copy - 63);
            q = copy + 64;
        }
        exact(&t, q, valid, before, carried, counts);
    }
}

void VBMI_NAME(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    if (w->n == 0)
        return;
    if (w->n > VBMI_MAX_WORDS || w->maxlen > VBMI_MAX_LEN) {
        VBMI_OTHER(w, p, len, counts);
        return;
    }
    count(w, p, len, counts);
}

#else
typedef int kernel_vbmi_not_on_this_architecture;
#endif
