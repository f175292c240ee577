/* kernel_scalar.c - the portable kernel, plain C for every platform.
 *
 * Two paths, both exact:
 *   bitap   (lists whose patterns fit 64 bits: a few short words) a shift-and automaton over the
 *           bytes, four parts of the block at once so that four independent chains keep the CPU
 *           busy. Word k is the pattern [ends whitespace] key[0] .. key[L-1] [starts whitespace],
 *           one bit per position, every byte a superset of the bytes that may stand there (both
 *           cases of a letter with -i; in utf-8, any byte that may end or start a sequence). The
 *           few positions where a pattern completes are decided by token_is (words.h), the
 *           scalar definition itself;
 *   general (any list) kernel_many.h: whitespace masks of 64 bytes made 8 bytes at a time, then
 *           per token one look-up in the short-key index.
 * Written once for every mode; always_inline with constant modes lets the compiler drop the
 * branches a mode does not need (latin1 never looks past a byte, case is folded only with -i). */
#include "kernel.h"

#include <string.h>

/* ---- bitap ---- */

/* The automaton: after byte c, state = (state * 2 + start) & accept[c]. Pattern k occupies bits
 * first[k] .. first[k] + len[k] + 1 with a zero bit below it (bit 0 for the first), so that the
 * addition that sets each pattern's first bit never carries into the next. */
typedef struct {
    uint64_t accept[256];
    uint64_t start; /* each pattern's first bit: the byte may end whitespace */
    uint64_t done;  /* each pattern's last bit: whitespace starts after the word */
    uint8_t word[64]; /* the word whose pattern ends at bit j */
} bitap;

/* Builds the automaton for w; 0 when its patterns do not fit 64 bits. */
static int bitap_build(bitap *a, const wordlist *w)
{
    const int enc = w->encoding;
    size_t bits = 0;
    for (size_t k = 0; k < w->n; k++)
        bits += w->keylen[k] + 3;
    if (w->n == 0 || bits - 1 > 64)
        return 0;
    uint64_t ends_ws = 0, starts_ws = 0;
    a->start = a->done = 0;
    size_t at = 0;
    for (size_t k = 0; k < w->n; k++) {
        at += k > 0; /* the zero bit */
        size_t L = w->keylen[k];
        ends_ws |= UINT64_C(1) << at;
        starts_ws |= UINT64_C(1) << (at + L + 1);
        a->word[at + L + 1] = (uint8_t)k;
        at += L + 2;
    }
    a->start = ends_ws;
    a->done = starts_ws;
    /* A byte before a token ends whitespace: a whitespace byte or, in utf-8, a byte that may end
     * a sequence (all of them are in 80..AF); a byte after it starts whitespace (a lead byte). */
    for (int c = 0; c < 256; c++)
        a->accept[c] = (ws_class[enc][c] == 1 || (enc == ENC_UTF8 && c >= 0x80 && c <= 0xAF)
                            ? ends_ws : 0) |
                       (ws_class[enc][c] ? starts_ws : 0);
    at = 0;
    for (size_t k = 0; k < w->n; k++) {
        at += k > 0;
        const uint8_t *key = (const uint8_t *)w->key[k];
        for (size_t j = 0; j < w->keylen[k]; j++) {
            uint64_t bit = UINT64_C(1) << (at + 1 + j);
            a->accept[key[j]] |= bit;
            if (w->fold && (uint8_t)(key[j] - 'a') < 26)
                a->accept[key[j] ^ 0x20] |= bit;
        }
        at += w->keylen[k] + 2;
    }
    return 1;
}

/* Patterns m completed at byte p[i]: counts the words whose token truly starts there, below `to`.
 * Rare: kept out of the loop, whose registers then hold only the automaton's states. */
static __attribute__((noinline)) void bitap_hits(const wordlist *w, const bitap *a,
                                                 const uint8_t *p, long i, uint64_t m, long to,
                                                 uint64_t *counts)
{
    for (; m; m &= m - 1) {
        size_t k = a->word[__builtin_ctzll(m)], L = w->keylen[k];
        long s = i - (long)L;
        if (s < to && token_is(p + s, (const uint8_t *)w->key[k], L, w->encoding, w->fold))
            counts[k]++;
    }
}

/* Counts the tokens that start in p[from .. from + part): bytes from p[from - 1] (the one before
 * the first start) to p[from + part - 1 + maxlen] (after a word starting at the last one). */
static void bitap_one(const wordlist *w, const bitap *a, const uint8_t *p, long from, long part,
                      uint64_t *counts)
{
    const uint64_t start = a->start, done = a->done;
    const uint8_t *q = p + from - 1, *end = q + part + (long)w->maxlen + 1;
    uint64_t d = 0;
    for (; q < end; q++) {
        d = (d * 2 + start) & a->accept[*q];
        if (__builtin_expect((d & done) != 0, 0))
            bitap_hits(w, a, p, q - p, d & done, from + part, counts);
    }
}

/* The same for four parts of `part` bytes each at once: four independent chains. */
static void bitap_four(const wordlist *w, const bitap *a, const uint8_t *p, long part,
                       uint64_t *counts)
{
    const uint64_t start = a->start, done = a->done;
    const uint8_t *q = p - 1, *end = q + part + (long)w->maxlen + 1;
    uint64_t d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    for (; q < end; q++) {
        d0 = (d0 * 2 + start) & a->accept[q[0]];
        d1 = (d1 * 2 + start) & a->accept[q[part]];
        d2 = (d2 * 2 + start) & a->accept[q[2 * part]];
        d3 = (d3 * 2 + start) & a->accept[q[3 * part]];
        if (__builtin_expect(((d0 | d1 | d2 | d3) & done) != 0, 0)) {
            long i = q - p;
            bitap_hits(w, a, p, i, d0 & done, part, counts);
            bitap_hits(w, a, p, i + part, d1 & done, 2 * part, counts);
            bitap_hits(w, a, p, i + 2 * part, d2 & done, 3 * part, counts);
            bitap_hits(w, a, p, i + 3 * part, d3 & done, 4 * part, counts);
        }
    }
}

static void count_bitap(const wordlist *w, const bitap *a, const uint8_t *p, size_t len,
                        uint64_t *counts)
{
    /* Each part reads maxlen + 1 bytes more than it counts: worth splitting only long blocks. */
    long part = len >= 256 ? (long)(len / 4) : 0;
    if (part)
        bitap_four(w, a, p, part, counts);
    if ((long)len > 4 * part)
        bitap_one(w, a, p, 4 * part, (long)len - 4 * part, counts);
}

/* ---- general: kernel_many.h, on whitespace masks made 8 bytes at a time ---- */

#define SIMD_FN
#define SIMD_NAME(x) x##_scalar

/* Bit i set when byte i of x (in memory order) has its top bit set in m. */
static inline uint64_t top_bits8(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    m = __builtin_bswap64(m);
#endif
    /* The top bits, moved to bit 0 of their bytes, gathered into the top byte by one multiply
     * (no two partial products meet there, so nothing carries). */
    return ((m >> 7) * UINT64_C(0x0102040810204080)) >> 56;
}

/* The whitespace bytes of ASCII: 09-0D and 1C-20, top bit set in their bytes of x. A byte of
 * 80-FF is none of them. */
static inline uint64_t ascii_ws8(uint64_t x)
{
    const uint64_t high = 0x8080808080808080u, t = x & ~high;
    /* The top bit of t + (0x80 - c): t >= c, for each byte t < 0x80 (no carry between bytes). */
    uint64_t r1 = (t + 0x7777777777777777u) & ~(t + 0x7272727272727272u); /* 09 <= t < 0E */
    uint64_t r2 = (t + 0x6464646464646464u) & ~(t + 0x5F5F5F5F5F5F5F5Fu); /* 1C <= t < 21 */
    return (r1 | r2) & ~x & high;
}

/* kernel_many.h's ws64 in plain C: bit i set when q[i] is whitespace, alone or in a sequence
 * (ws_covers). A block of ASCII, the common case, takes 8 words; one with a byte of 80-FF
 * (utf-8 sequences, latin1's 85 and A0) the definition byte by byte. Reads q[-2 .. 66). */
static inline __attribute__((always_inline)) uint64_t ws64(const uint8_t *q, int enc)
{
    uint64_t ws = 0, any = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t x = words_load8(q + 8 * i);
        any |= x;
        ws |= top_bits8(ascii_ws8(x)) << (8 * i);
    }
    if (!(any & 0x8080808080808080u))
        return ws; /* q[0], q[1] end no sequence begun before: those end in 80-BF */
    ws = 0;
    for (int i = 0; i < 64; i++)
        ws |= (uint64_t)(ws_covers(enc, q + i) != 0) << i;
    return ws;
}

/* The general path's token lists and look-ups: kernel_many.h's plain C. */
#define many_positions many_positions_c
#define many_lookup many_lookup_c

#include "kernel_many.h"

/* Each mode its own function: the mode is a constant inside. */
#define SCALAR_MODE(enc, fold)                                                                     \
    static __attribute__((noinline)) void count_##enc##_##fold(                                    \
        const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)                         \
    {                                                                                              \
        count_general_scalar(w, p, len, counts, enc, fold);                                        \
    }
SCALAR_MODE(ENC_LATIN1, 0)
SCALAR_MODE(ENC_LATIN1, 1)
SCALAR_MODE(ENC_UTF8, 0)
SCALAR_MODE(ENC_UTF8, 1)
#undef SCALAR_MODE

void kernel_scalar(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    bitap a;
    if (bitap_build(&a, w)) {
        count_bitap(w, &a, p, len, counts);
        return;
    }
    if (w->encoding == ENC_LATIN1)
        w->fold ? count_ENC_LATIN1_1(w, p, len, counts) : count_ENC_LATIN1_0(w, p, len, counts);
    else
        w->fold ? count_ENC_UTF8_1(w, p, len, counts) : count_ENC_UTF8_0(w, p, len, counts);
}

/* The token layer byte by byte: the reference the vector ones are tested against, and the one
 * a CPU without them uses. */
size_t tokens_scalar(int enc, const uint8_t *p, size_t len, size_t limit, uint32_t *start,
                     uint32_t *end, size_t *run_in)
{
    size_t n = 0, x = 0;
    if (!prev_is_ws(enc, p)) { /* the rest of a token that started before p */
        size_t stop = run_in ? limit : len; /* past len only when asked where it ends */
        while (x < stop && !ws_covers(enc, p + x))
            x++;
    }
    if (run_in)
        *run_in = x;
    while (x < len) {
        if (ws_covers(enc, p + x)) {
            x++;
            continue;
        }
        start[n] = (uint32_t)x;
        while (x < limit && !ws_covers(enc, p + x))
            x++;
        end[n++] = (uint32_t)x;
    }
    return n;
}
