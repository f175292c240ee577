/* kernel_simd.h - the block loop shared by the vector kernels (included by kernel_avx2.c,
 * kernel_avx512.c, kernel_neon.c and kernel_sve.c only). It works on 64-byte blocks with one bit
 * per byte in a uint64_t, so the token logic is written once; the including file supplies, all
 * marked SIMD_FN:
 *
 *   vec64, static vec64 load64(const uint8_t *q);
 *       64 bytes in registers, loaded from q[0..64);
 *   static uint64_t eq8(vec64 v, uint8_t c), range8(vec64 v, uint8_t lo, uint8_t hi);
 *       bit i set when byte i of v is c, or from lo to hi;
 *   static uint64_t eq64(const uint8_t *q, const uint8_t (*pat)[64], const uint8_t (*orp)[64],
 *                        size_t L, int fold);
 *       bit i set when q[i..i+L) equals the word whose byte j is repeated in pat[j][0..64); with
 *       fold, each text byte is ORed with orp[j] first (0x20 where the key byte is a letter);
 *   static vec64 prefix_acc(vec64 v0, vec64 v1, const uint8_t (*pat)[64],
 *                           const uint8_t (*orp)[64], int two, int fold);
 *       with v0, v1 loaded from q and q+1: zero bytes where the word's first byte (and second,
 *       when `two`) start - a cheap filter that loads nothing but the patterns;
 *   static vec64 min64(vec64 a, vec64 b);   bytewise unsigned minimum (zero if either is zero);
 *   static vec64 or64(vec64 a, vec64 b);    bytewise OR (zero where both are zero);
 *   static uint64_t zeros64(vec64 a);       bit i set when byte i of a is zero;
 *   static size_t many_positions(uint64_t m, uint32_t base, uint32_t *out);
 *       base + the position of each set bit of m, in order, in out[0..popcount(m)); may write
 *       up to 64 entries past those (the general path, kernel_many.h);
 *   static size_t many_lookup(const words_index *x, const uint8_t *p, const uint32_t *bound,
 *                             size_t n, uint32_t *hit, uint64_t *longs, int fold);
 *       tokens p[bound[2i] .. bound[2i + 1]), i < n (a multiple of MANY_BATCH), looked up in the
 *       short-key index (words.h; with fold, -i): the slot of each one found appended to hit,
 *       their number returned; bit i % 64 of longs[i / 64] set for token i longer than
 *       x->short_max, not looked up (its length may be anything, MANY_RUN_IN's included);
 *   (kernel_many.h's many_positions_c and many_lookup_c, plain C, may stand for either);
 *   optionally HEADS_FN, a second target for the --tokens=words paths, with
 *       static int heads_runs(const wordlist *w);  can this CPU and list take heads_find?
 *       heads_table, static void heads_make(heads_table *h, const wordlist *w, int fold);
 *       static uint64_t heads_find(const heads_table *h, const uint8_t *q, vec64 v0, vec64 v1,
 *                                  vec64 v2);
 *       a superset of key_heads's positions (v0..v2 loaded from q..q+2; q[0..70) readable),
 *       by table look-ups rather than per key;
 *   SIMD_NAME(x)  the name of x in this file, e.g. x##_avx512.
 *
 * Every function takes the mode (words.h) as constants `enc` and `fold`: count() instantiates
 * each path once per mode, so no mode test is left inside a loop.
 *
 * Whitespace in utf-8: the single bytes as in latin1 minus 85 and A0, then, only for blocks where
 * a lead byte (C2 E1 E2 E3) stands in q[-2..63], the 2- and 3-byte sequences from loads at q+1 and
 * q+2. English text has no lead bytes: the cost there is one range test and one equality more.
 *
 * Two paths, both exact:
 *   fast    (few short words) for every word, the positions where a token starts, the word's bytes
 *           follow, and whitespace comes right after them: three masks ANDed, then a popcount;
 *   general (any list) every token's start and end from the whitespace mask into a list, then
 *           the tokens looked up in the short-key index in batches: kernel_many.h.
 */
#ifndef WORDTALLY_KERNEL_SIMD_H
#define WORDTALLY_KERNEL_SIMD_H

#include "kernel.h"
#include "base/wordbreak.h"

#include <stdatomic.h>
#include <string.h>

/* The fast path's limits: its cost per block grows with the total bytes of the words. */
#define FAST_MAX_WORDS 16
#define FAST_MAX_LEN 32    /* < 64: a word's end is found in this block's or the next one's mask */
#define FAST_MAX_BYTES 64  /* sum of the words' lengths */
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 1024
#endif

/* utf-8: the positions of q[0..64) inside a 2- or 3-byte whitespace sequence; v = load64(q). */
SIMD_FN static uint64_t SIMD_NAME(ws_multi)(const uint8_t *q, vec64 v)
{
    vec64 v1 = load64(q + 1), v2 = load64(q + 2);
    uint64_t e2 = eq8(v, 0xE2), c80 = eq8(v1, 0x80);
    uint64_t s2 = eq8(v, 0xC2) & (eq8(v1, 0x85) | eq8(v1, 0xA0));
    uint64_t s3 = (eq8(v, 0xE1) & eq8(v1, 0x9A) & eq8(v2, 0x80)) |
                  (e2 & c80 & (range8(v2, 0x80, 0x8A) | range8(v2, 0xA8, 0xA9) | eq8(v2, 0xAF))) |
                  (e2 & eq8(v1, 0x81) & eq8(v2, 0x9F)) | (eq8(v, 0xE3) & c80 & eq8(v2, 0x80));
    uint64_t in = ws_carried_in(ENC_UTF8, q); /* q[0] or q[0..1] end a sequence begun before */
    return s2 | s2 << 1 | s3 | s3 << 1 | s3 << 2 | ((UINT64_C(1) << in) - 1);
}

/* Bit i set when q[i] is whitespace (alone or as any byte of a sequence); v = load64(q). Reads
 * q[-2 .. 64 + WS_AHEAD). */
SIMD_FN static inline __attribute__((always_inline)) uint64_t ws_at(const uint8_t *q, vec64 v,
                                                                     int enc)
{
    uint64_t ws = range8(v, 0x09, 0x0D) | range8(v, 0x1C, 0x20);
    if (enc == ENC_LATIN1)
        return ws | eq8(v, 0x85) | eq8(v, 0xA0);
    uint64_t lead = eq8(v, 0xC2) | range8(v, 0xE1, 0xE3);
    if (lead | ((ws_class[ENC_UTF8][q[-1]] | ws_class[ENC_UTF8][q[-2]]) & 2))
        ws |= SIMD_NAME(ws_multi)(q, v);
    return ws;
}

SIMD_FN static inline __attribute__((always_inline)) uint64_t ws64(const uint8_t *q, int enc)
{
    return ws_at(q, load64(q), enc);
}

#include "kernel_many.h" /* ws64_safe and the general path */

/* Can the fast paths take the list? Their cost per block grows with the total bytes of the keys. */
static inline int fast_list(const wordlist *w)
{
    size_t bytes = 0;
    for (size_t k = 0; k < w->n; k++)
        bytes += w->keylen[k];
    return w->n <= FAST_MAX_WORDS && w->maxlen <= FAST_MAX_LEN && bytes <= FAST_MAX_BYTES;
}

/* Key k's byte j, repeated over a whole vector, in pat[first[k] + j]: loaded straight into the
 * compares; with fold (-i), orp[first[k] + j] is 0x20 where that byte is a letter (byte | 0x20
 * folds it). */
static inline void fast_patterns(const wordlist *w, uint8_t (*pat)[64], uint8_t (*orp)[64],
                                 size_t *first, int fold)
{
    size_t used = 0;
    for (size_t k = 0; k < w->n; k++) {
        first[k] = used;
        for (size_t j = 0; j < w->keylen[k]; j++, used++) {
            uint8_t c = (uint8_t)w->key[k][j];
            memset(pat[used], c, 64);
            if (fold)
                memset(orp[used], (uint8_t)(c - 'a') < 26 ? 0x20 : 0, 64);
        }
    }
}

/* One block of the fast path: adds word k's matches among the token starts of p[b..b+64).
 * open_end[k]: word k ends in the first bytes of a utf-8 whitespace sequence (C2, E2 80, ...), so
 * the text after it can make its last bytes whitespace: the token then ends inside the word.
 * pre[k]: positions where word k's first one or two bytes follow (all ones: not known); the full
 * compare runs only for words that have such a position at a token start of the right length. */
SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(fast_block)(const wordlist *w, const uint8_t *q, const uint8_t (*pat)[64],
                      const uint8_t (*orp)[64], const size_t *first, const uint8_t *open_end,
                      const uint64_t *pre, uint64_t starts, uint64_t ws, uint64_t ws_next,
                      uint64_t *counts, int enc, int fold)
{
    for (size_t k = 0; k < w->n; k++) {
        size_t L = w->keylen[k];
        uint64_t ends = (ws >> L) | (ws_next << (64 - L)); /* whitespace right after */
        if (enc == ENC_UTF8 && open_end[k]) /* and the word's last byte not whitespace itself */
            ends &= ~((ws >> (L - 1)) | (ws_next << (65 - L)));
        uint64_t m = starts & ends & pre[k];
        if (m && (L > 2 || pre[k] == ~UINT64_C(0))) /* else pre[k] was the whole compare */
            m &= eq64(q, pat + first[k], orp + first[k], L, fold);
        counts[k] += (uint64_t)__builtin_popcountll(m);
    }
}

/* fast_block for the block q (cur = load64(q)), after a filter that passes most blocks by: they
 * hold no token that starts with a word's first two bytes. That is tested for all words at once
 * (three vector ops per word, the minimum over the words is zero where any matches), and only
 * then each word's filter and, if it fired, the word. */
SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(fast_match)(const wordlist *w, const uint8_t *q, vec64 cur, const uint8_t (*pat)[64],
                      const uint8_t (*orp)[64], const size_t *first, const uint8_t *open_end,
                      uint64_t starts, uint64_t ws, uint64_t ws_next, uint64_t *counts, int enc,
                      int fold)
{
    vec64 at1 = load64(q + 1);
    vec64 any = prefix_acc(cur, at1, pat + first[0], orp + first[0], w->keylen[0] > 1, fold);
    for (size_t k = 1; k < w->n; k++)
        any = min64(any, prefix_acc(cur, at1, pat + first[k], orp + first[k],
                                    w->keylen[k] > 1, fold));
    if (starts & zeros64(any)) {
        uint64_t pre[FAST_MAX_WORDS];
        for (size_t k = 0; k < w->n; k++)
            pre[k] = zeros64(prefix_acc(cur, at1, pat + first[k], orp + first[k],
                                        w->keylen[k] > 1, fold));
        SIMD_NAME(fast_block)(w, q, pat, orp, first, open_end, pre, starts, ws, ws_next, counts,
                              enc, fold);
    }
}

SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(count_fast)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts, int enc,
                      int fold)
{
    if (w->n == 0) /* nothing to count (the filter below starts from word 0) */
        return;
    /* Word k's byte j (folded with -i), repeated over a whole vector: loaded straight into the
     * compares; with -i, orp[j] is 0x20 where that byte is a letter (byte | 0x20 folds it). */
    _Alignas(64) uint8_t pat[FAST_MAX_BYTES][64];
    _Alignas(64) uint8_t orp[FAST_MAX_BYTES][64]; /* set only with fold */
    size_t first[FAST_MAX_WORDS];
    fast_patterns(w, pat, orp, first, fold);
    uint8_t open_end[FAST_MAX_WORDS];
    for (size_t k = 0; k < w->n; k++) /* a word of one byte is whitespace-checked at its start */
        open_end[k] = w->keylen[k] > 1 && (uint8_t)w->key[k][w->keylen[k] - 1] >= 0x80;
    /* Bytes p[-KERNEL_BEFORE .. len + tail) are defined, KERNEL_PAD more are readable. */
    const size_t readable = len + kernel_tail(w) + KERNEL_PAD;
    uint64_t carry = !prev_is_ws(enc, p); /* a token runs in from before the block: no start at 0 */
    uint64_t ws_next = len ? ws64(p, enc) : 0;
    size_t b = 0;
    vec64 next = load64(p); /* p[0..64) is readable even when len is 0 */
    uint64_t all[FAST_MAX_WORDS];
    for (size_t k = 0; k < w->n; k++)
        all[k] = ~UINT64_C(0);

    /* Whole blocks whose next block (and what classifies it) is readable too: no calls and no
     * tests in the loop, so the compiler keeps every constant in a register. */
    for (; b + 64 <= len && b + 128 + WS_AHEAD <= readable; b += 64) {
        /* Each block is loaded once (for the next block's whitespace), plus once at +1. */
        vec64 cur = next;
        next = load64(p + b + 64);
        __builtin_prefetch(p + b + PREFETCH_AHEAD);
        uint64_t ws = ws_next;
        ws_next = ws_at(p + b + 64, next, enc);
        uint64_t nonws = ~ws;
        uint64_t starts = nonws & ~((nonws << 1) | carry);
        carry = nonws >> 63;
        SIMD_NAME(fast_match)(w, p + b, cur, pat, orp, first, open_end, starts, ws, ws_next,
                              counts, enc, fold);
    }
    /* The last blocks: the next one may run past the readable context, and tokens starting at
     * or after len belong to the next block. */
    for (; b < len; b += 64) {
        uint64_t ws = ws_next;
        ws_next = SIMD_NAME(ws64_safe)(p + b + 64, readable - (b + 64), enc);
        uint64_t nonws = ~ws;
        uint64_t starts = nonws & ~((nonws << 1) | carry);
        carry = nonws >> 63;
        if (len - b < 64)
            starts &= (UINT64_C(1) << (len - b)) - 1;
        SIMD_NAME(fast_block)(w, p + b, pat, orp, first, open_end, all, starts, ws, ws_next,
                              counts, enc, fold);
    }
}

/* ---- --tokens=words (SPEC §8): the blocks whose word boundaries the vector decides ----
 *
 * In ASCII text the rules of UAX #29 come down to bytes and their two neighbours. A letter
 * (ALetter: A-Z, a-z and, for ICU, '@'), a digit or '_' (ExtendNumLet) joins the one of these
 * before it (WB5, WB8 to WB10, WB13a, WB13b); the MidLetter/MidNumLet/Single_Quote bytes ' and .
 * join when a letter stands on both sides (WB6, WB7), they and the MidNum bytes , and ; when a
 * digit does (WB11, WB12); every other ASCII byte (':' too, for ICU) breaks on both sides ('"'
 * joins only Hebrew letters). In UTF-8 without -i the 2-byte letters of Latin-1, Latin Extended,
 * IPA, Greek and Cyrillic (two_letter) are letters as A-Z are, both of their bytes, and the plain
 * separators of separator_runs (NBSP, dashes, curly double quotes, ...) break as ASCII
 * punctuation does, all of their bytes. So the bytes that
 * belong to words are those (`in`), and a word is a run of them: a key (itself one word, words.c)
 * matches where such a run starts, the key's bytes follow and the run ends right after them. A
 * block is decided that way when the bytes that rule reads are ASCII, such letters or such
 * separators: its own, the two before it and those after it up to the longest key and its
 * neighbour; one where no key's first bytes stand needs no deciding (key_heads). Other blocks, runs of
 * them at a time, go to the scalar kernel (kernel_words_part), which reads its own context: the
 * counts are those of kernel_words. (-i folds 2-byte letters, É to é, which the byte compare
 * cannot; latin1 reads a byte as a letter of its own.) */
typedef struct {
    uint64_t let, dig, join, midlet, midnum;
    uint64_t lead2; /* the first bytes of 2-byte letters whose second byte follows */
    uint64_t other; /* the bytes of neither kind (the next block's `spill` excepted) */
    uint64_t spill; /* the next block's first bytes that end a letter or separator begun here */
} wclass;

/* Separators of more than one byte that the vector takes: characters that break on both sides
 * and make no word, as a space or '!' does (Word_Break Other, WSegSpace or Newline, not
 * Extended_Pictographic, per the generated table), in up to three runs of second bytes after
 * C2 (U+0080-00BF) and of third bytes after E2 80 (U+2000-203F): the runs around the common
 * ones named below, as far as the table makes their neighbours such separators too. Packed in
 * a uint64_t: bytes 0-5 the runs' first and last bytes, byte 6 their number, bit 63 set. */
static inline int plain_separator(uint32_t c)
{
    uint8_t prop = wb_prop(c, 0), k = WB_CLASS(prop);
    return (k == WB_OTHER || k == WB_WSEGSPACE || k == WB_NEWLINE) &&
           !(prop & (WB_STATUS | WB_HANGUL | WB_EXT_PICT));
}

static inline uint64_t separator_runs(int three)
{
    /* NO-BREAK SPACE, « and »; EM DASH, the left double quote and the ellipsis (whether each
     * is such a separator, and how far its run reaches, is the table's) */
    static const uint32_t common[2][3] = {{0xA0, 0xAB, 0xBB}, {0x2014, 0x201C, 0x2026}};
    const uint32_t base = three ? 0x2000 : 0x80; /* the code point of last byte 80 */
    uint64_t runs = UINT64_C(1) << 63;
    uint32_t n = 0, last = 0; /* the runs so far, the last one's end */
    for (int i = 0; i < 3; i++) {
        uint32_t lo = common[three][i], hi = lo;
        if (!plain_separator(lo) || (n && lo <= last))
            continue; /* not such a separator, or in the run before */
        while (lo > base && plain_separator(lo - 1))
            lo--;
        while (hi < base + 63 && plain_separator(hi + 1))
            hi++;
        runs |= (uint64_t)(0x80 + lo - base) << (16 * n) |
                (uint64_t)(0x80 + hi - base) << (16 * n + 8);
        n++, last = hi;
    }
    return runs | (uint64_t)n << 48;
}

/* separator_runs(three), worked out once per process. */
static inline uint64_t separator_runs_once(int three)
{
    static _Atomic uint64_t known[2];
    uint64_t k = atomic_load_explicit(&known[three], memory_order_relaxed);
    if (!k) {
        k = separator_runs(three);
        atomic_store_explicit(&known[three], k, memory_order_relaxed);
    }
    return k;
}

/* Bit i set when byte i of v is in one of the runs. */
SIMD_FN static inline __attribute__((always_inline)) uint64_t SIMD_NAME(in_runs)(vec64 v,
                                                                                 uint64_t runs)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < ((runs >> 48) & 0xFF); i++)
        m |= range8(v, (uint8_t)(runs >> (16 * i)), (uint8_t)(runs >> (16 * i + 8)));
    return m;
}

/* The 2-byte letters the vector takes (two_byte_rules_hold checks them against the table). */
static inline int two_letter(uint8_t lead, uint8_t cont)
{
    if ((cont & 0xC0) != 0x80)
        return 0;
    switch (lead) {
    case 0xC3: /* Latin-1 letters: not U+00D7 and U+00F7, the signs of multiplication and division */
        return cont != 0x97 && cont != 0xB7;
    case 0xC4: case 0xC5: case 0xC6: case 0xC7: case 0xC8: case 0xC9: case 0xCA: /* U+0100-02BF */
    case 0xD0: case 0xD1: case 0xD3: /* Cyrillic */
        return 1;
    case 0xCB: /* modifier letters (IPA's stress and length marks): not U+02D8-02DD */
        return cont < 0x98 || cont > 0x9D;
    case 0xCE: /* Greek: not its tonos marks, U+0387 (MidLetter), unassigned U+038B 038D 03A2 */
        return cont > 0x85 && cont != 0x87 && cont != 0x8B && cont != 0x8D && cont != 0xA2;
    case 0xCF:
        return cont != 0xB6; /* U+03F6, a symbol */
    case 0xD2: /* Cyrillic: not U+0482 (a symbol) nor the combining marks U+0483-0489 */
        return cont < 0x82 || cont > 0x89;
    default:
        return 0;
    }
}

SIMD_FN static inline __attribute__((always_inline)) wclass
SIMD_NAME(wclassify)(const uint8_t *q, int two, uint64_t runs2, uint64_t runs3)
{
    vec64 v = load64(q);
    wclass c;
    c.let = range8(v, '@', 'Z') | range8(v, 'a', 'z');
    c.dig = range8(v, '0', '9');
    c.midlet = eq8(v, '\'') | eq8(v, '.');
    c.midnum = c.midlet | eq8(v, ',') | eq8(v, ';');
    c.lead2 = c.spill = 0;
    uint64_t high = range8(v, 0x80, 0xFF), claimed = 0;
    if (two && high) { /* two_letter, 64 at a time */
        vec64 v1 = load64(q + 1);
        uint64_t full = range8(v, 0xC4, 0xCA) | range8(v, 0xD0, 0xD1) | eq8(v, 0xD3);
        uint64_t c3 = eq8(v, 0xC3) & ~(eq8(v1, 0x97) | eq8(v1, 0xB7));
        uint64_t cb = eq8(v, 0xCB) & ~range8(v1, 0x98, 0x9D);
        uint64_t ce = eq8(v, 0xCE) & ~(range8(v1, 0x80, 0x85) | eq8(v1, 0x87) | eq8(v1, 0x8B) |
                                       eq8(v1, 0x8D) | eq8(v1, 0xA2));
        uint64_t cf = eq8(v, 0xCF) & ~eq8(v1, 0xB6);
        uint64_t d2 = eq8(v, 0xD2) & ~range8(v1, 0x82, 0x89);
        c.lead2 = (full | c3 | cb | ce | cf | d2) & range8(v1, 0x80, 0xBF);
        c.let |= c.lead2 | c.lead2 << 1;
        /* the separators of separator_runs: C2 xx and E2 80 xx */
        uint64_t sep2 = eq8(v, 0xC2), sep3 = eq8(v, 0xE2) & eq8(v1, 0x80);
        if (sep2)
            sep2 &= SIMD_NAME(in_runs)(v1, runs2);
        if (sep3)
            sep3 &= SIMD_NAME(in_runs)(load64(q + 2), runs3);
        claimed = c.lead2 | c.lead2 << 1 | sep2 | sep2 << 1 | sep3 | sep3 << 1 | sep3 << 2;
        c.spill = c.lead2 >> 63 | sep2 >> 63 | sep3 >> 62 | sep3 >> 63;
    }
    c.join = c.let | c.dig | eq8(v, '_');
    c.other = high & ~claimed;
    return c;
}

/* The bytes of block b that belong to words, from the classes of blocks a, b and c around it.
 * A letter whose first byte ends block a has its second byte in b's first: a word byte and a
 * letter there. (At b's end that byte is in c, but then b's last byte is no ' . , or ;.) */
static inline uint64_t word_bytes(const wclass *a, const wclass *b, const wclass *c)
{
    uint64_t let = b->let | a->lead2 >> 63;
    uint64_t let2 = (let << 1 | a->let >> 63) & (let >> 1 | c->let << 63);
    uint64_t dig2 = (b->dig << 1 | a->dig >> 63) & (b->dig >> 1 | c->dig << 63);
    return b->join | a->lead2 >> 63 | (b->midlet & let2) | (b->midnum & dig2);
}

/* Does the table agree with wclassify and word_bytes? Checked once per kernel call (128 + 1984
 * look-ups): a table made from other Unicode data turns the vector path off rather than making it
 * wrong. A 2-byte letter must be an ALetter that makes a word (no Hebrew letter: WB7a to WB7c). */
static inline int ascii_rules_hold(int two)
{
    for (unsigned b = 0; b < 128; b++) {
        uint8_t prop = wb_prop(b, 0), k = WB_CLASS(prop);
        int let = (b >= '@' && b <= 'Z') || (b >= 'a' && b <= 'z'), dig = b >= '0' && b <= '9';
        int midlet = b == '\'' || b == '.', midnum = midlet || b == ',' || b == ';';
        int ok = let ? wb_ah(k) && k != WB_HEBREW && (prop & WB_STATUS)
               : dig ? k == WB_NUMERIC && (prop & WB_STATUS)
               : b == '_' ? k == WB_EXTENDNUMLET && !(prop & WB_STATUS)
               : midlet ? wb_midletq(k) && wb_midnumq(k)
               : midnum ? k == WB_MIDNUM
               : k == WB_OTHER || k == WB_CR || k == WB_LF || k == WB_NEWLINE ||
                 k == WB_WSEGSPACE || k == WB_DQ;
        if (!ok || (!let && !dig && (prop & (WB_STATUS | WB_HANGUL | WB_EXT_PICT))))
            return 0;
    }
    for (unsigned lead = 0xC2; two && lead <= 0xDF; lead++)
        for (unsigned cont = 0x80; cont <= 0xBF; cont++) {
            uint8_t prop = wb_prop((lead & 0x1F) << 6 | (cont & 0x3F), 0);
            if (two_letter((uint8_t)lead, (uint8_t)cont) &&
                (WB_CLASS(prop) != WB_ALETTER || !(prop & WB_STATUS) ||
                 (prop & (WB_HANGUL | WB_EXT_PICT))))
                return 0;
        }
    return 1;
}

/* Positions of the block q (v0 = load64(q), v1 and v2 at q + 1 and q + 2) where the first bytes
 * of some key follow (folded with -i as fast_match folds): a superset of where a key can start.
 * head[k].depth bytes of key k are looked at: three when it starts with an ASCII byte, which are
 * rare enough together in text; up to six (three letters) when not, as the first bytes of
 * Cyrillic or Greek letters are few. (With -i only ASCII blocks are passed by, where a key that
 * starts with a byte >= 0x80 matches no word.) */
typedef struct {
    const uint8_t (*pat)[64], (*orp)[64];
    size_t depth;
} key_head;

SIMD_FN static inline __attribute__((always_inline)) uint64_t
SIMD_NAME(key_heads)(const key_head *head, size_t n, const uint8_t *q, vec64 v0, vec64 v1,
                     vec64 v2, int fold)
{
    vec64 any = v0; /* set by k = 0 (n > 0) */
    for (size_t k = 0; k < n; k++) {
        const key_head *h = &head[k];
        vec64 acc = prefix_acc(v0, v1, h->pat, h->orp, h->depth > 1, fold);
        for (size_t j = 2; j < h->depth; j++) {
            vec64 v = j == 2 ? v2 : load64(q + j);
            acc = or64(acc, prefix_acc(v, v, h->pat + j, h->orp + j, 0, fold));
        }
        any = k ? min64(any, acc) : acc;
    }
    return zeros64(any);
}

/* The words of p[slow..b), a run of blocks the vector left to the scalar kernel. The blocks of
 * p[anchor..slow) hold the start of no key and were passed by unclassified: should one of them
 * end in a run of combining marks too long for the context before slow, the part is counted
 * again from anchor, as the blocks would have been had they not been passed by (their words are
 * no keys: the counts are the same). */
static inline void words_slow(const wordlist *w, const uint8_t *p, size_t anchor, size_t slow,
                              size_t b, uint64_t *counts)
{
    uint64_t part[FAST_MAX_WORDS] = {0};
    if (anchor == slow || !kernel_words_part_decided(w, p + slow, b - slow, part))
        kernel_words_part(w, p + anchor, b - anchor, counts);
    else
        for (size_t k = 0; k < w->n; k++)
            counts[k] += part[k];
}

SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(count_words)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts, int fold,
                       int two, int by_table)
{
    _Alignas(64) uint8_t pat[FAST_MAX_BYTES][64];
    _Alignas(64) uint8_t orp[FAST_MAX_BYTES][64]; /* set only with fold */
    size_t first[FAST_MAX_WORDS];
    fast_patterns(w, pat, orp, first, fold);
    static const uint8_t no_open_end[FAST_MAX_WORDS];
    const uint64_t runs2 = separator_runs_once(0), runs3 = separator_runs_once(1);
    key_head head[FAST_MAX_WORDS];
    for (size_t k = 0; k < w->n; k++) {
        size_t L = w->keylen[k], top = (uint8_t)w->key[k][0] < 0x80 ? 3 : 6;
        head[k] = (key_head){pat + first[k], orp + first[k], L < top ? L : top};
    }
#ifdef HEADS_FN
    heads_table table;
    if (by_table)
        heads_make(&table, w, fold);
#else
    (void)by_table;
#endif
    /* Bytes after a block that must be decided: up to the end of the longest key and the byte
     * after it, and that byte's neighbour. */
    const uint64_t ahead = (UINT64_C(1) << (w->maxlen + 2)) - 1;
    /* Classes of the blocks at b - 64 (pc), b (c0), b + 64 (c1), and the bytes in words of the
     * blocks at b - 64, b and b + 64, once `known` (each block's iteration reads the block after
     * the next). Bytes p[-KERNEL_BEFORE ..) are readable, and after len the tail and KERNEL_PAD:
     * more than the 194 bytes past a block that the loop reads. */
    wclass pc, c0, c1;
    uint64_t in_prev = 0, in0 = 0;
    int known = 0;
    /* Where a key's first bytes stand in block after block (a key of a common word or letter),
     * the filter would only add its cost: after HEADS_FIRED such blocks in a row it rests for
     * HEADS_REST blocks. */
    enum { HEADS_FIRED = 8, HEADS_REST = 256 };
    unsigned fired = 0;
    size_t rest_until = 0;
    size_t slow = 0;   /* the blocks from here to b are the scalar kernel's */
    size_t anchor = 0; /* and from here to slow passed by (words_slow) */
    for (size_t b = 0; b < len; b += 64) {
        __builtin_prefetch(p + b + PREFETCH_AHEAD);
        /* A block where no key's first bytes stand holds the start of no word that is a key,
         * whatever its classes: no key matches there byte for byte. With -i only if the block
         * is ASCII: only non-ASCII letters fold to ASCII ones, and a word starting in the block
         * with one among its first three bytes (all that -i looks at of a key that starts with
         * an ASCII byte) has a byte of it in q[0..66). An ASCII block ends a run of the scalar
         * kernel's blocks (no combining mark crosses it); a non-ASCII one is passed by only
         * outside such a run, and then words_slow looks after its end. */
        const uint8_t *q = p + b;
        vec64 v0 = load64(q), v2 = load64(q + 2); /* not kept past the filter (AVX2 has 16) */
        uint64_t high = 0;
        if (b >= rest_until &&
            (!(high = range8(v0, 0x80, 0xFF) | range8(v2, 0x80, 0xFF)) || (!fold && slow == b))) {
            uint64_t heads;
#ifdef HEADS_FN
            if (by_table)
                heads = heads_find(&table, q, v0, load64(q + 1), v2);
            else
#endif
                heads = SIMD_NAME(key_heads)(head, w->n, q, v0, load64(q + 1), v2, fold);
            if (len - b < 64)
                heads &= (UINT64_C(1) << (len - b)) - 1;
            if (!heads) {
                if (slow < b)
                    words_slow(w, p, anchor, slow, b, counts);
                slow = b + 64;
                if (!high)
                    anchor = slow;
                known = 0;
                fired = 0;
                continue;
            }
            if (++fired == HEADS_FIRED)
                fired = 0, rest_until = b + 64 * HEADS_REST;
        }
        if (!known) {
            wclass pp = SIMD_NAME(wclassify)(q - 128, two, runs2, runs3);
            pc = SIMD_NAME(wclassify)(q - 64, two, runs2, runs3);
            c0 = SIMD_NAME(wclassify)(q, two, runs2, runs3);
            c1 = SIMD_NAME(wclassify)(q + 64, two, runs2, runs3);
            in_prev = word_bytes(&pp, &pc, &c0), in0 = word_bytes(&pc, &c0, &c1);
            known = 1;
        }
        wclass c2 = SIMD_NAME(wclassify)(q + 128, two, runs2, runs3);
        uint64_t in1 = word_bytes(&c0, &c1, &c2);
        if (!((pc.other >> 62) | (c0.other & ~pc.spill) | (c1.other & ~c0.spill & ahead))) {
            if (slow < b)
                words_slow(w, p, anchor, slow, b, counts);
            slow = anchor = b + 64;
            uint64_t starts = in0 & ~(in0 << 1 | in_prev >> 63);
            if (len - b < 64)
                starts &= (UINT64_C(1) << (len - b)) - 1;
            /* A word is a run of `in` bytes, as a token is one of non-whitespace bytes; keys that
             * end in a byte of a whitespace sequence (open_end) have none that is ASCII. */
            SIMD_NAME(fast_match)(w, q, load64(q), pat, orp, first, no_open_end, starts, ~in0,
                                  ~in1, counts, ENC_LATIN1, fold);
        }
        pc = c0, c0 = c1, c1 = c2;
        in_prev = in0, in0 = in1;
    }
    if (slow < len)
        words_slow(w, p, anchor, slow, len, counts);
}

/* The three modes: UTF-8 (2-byte letters too), latin1, -i; and, where HEADS_FN is defined, the
 * same built for its target with its heads_find (table). */
#define WORDS_PATH(fn_attr, name, fold, two, table)                                                \
    fn_attr static __attribute__((noinline)) void SIMD_NAME(name)(                                \
        const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)                         \
    {                                                                                              \
        SIMD_NAME(count_words)(w, p, len, counts, fold, two, table);                               \
    }
WORDS_PATH(SIMD_FN, count_words_utf8, 0, 1, 0)
WORDS_PATH(SIMD_FN, count_words_latin1, 0, 0, 0)
WORDS_PATH(SIMD_FN, count_words_fold, 1, 0, 0)
#ifdef HEADS_FN
WORDS_PATH(HEADS_FN, count_words_utf8_table, 0, 1, 1)
WORDS_PATH(HEADS_FN, count_words_latin1_table, 0, 0, 1)
WORDS_PATH(HEADS_FN, count_words_fold_table, 1, 0, 1)
#endif
#undef WORDS_PATH

/* --tokens=words: the vector path for lists it takes (fast_list, keys of at most 61 bytes), the
 * scalar kernel for the others. */
SIMD_FN static void SIMD_NAME(words)(const wordlist *w, const uint8_t *p, size_t len,
                                     uint64_t *counts)
{
    int two = !w->fold && w->encoding == ENC_UTF8;
    if (w->n == 0 || !fast_list(w) || w->maxlen > 61 || !ascii_rules_hold(two))
        kernel_words(w, p, len, counts);
#ifdef HEADS_FN
    else if (heads_runs(w))
        w->fold ? SIMD_NAME(count_words_fold_table)(w, p, len, counts)
        : two   ? SIMD_NAME(count_words_utf8_table)(w, p, len, counts)
                : SIMD_NAME(count_words_latin1_table)(w, p, len, counts);
#endif
    else if (w->fold)
        SIMD_NAME(count_words_fold)(w, p, len, counts);
    else if (two)
        SIMD_NAME(count_words_utf8)(w, p, len, counts);
    else
        SIMD_NAME(count_words_latin1)(w, p, len, counts);
}

/* Each path in each mode is its own function, not inlined into the one below: the mode is a
 * constant inside it, and a call's stack frame holds one path's tables rather than all eight
 * (which sanitizer builds would not share between them). */
#define SIMD_PATH(path, enc, fold)                                                                 \
    SIMD_FN static __attribute__((noinline)) void SIMD_NAME(path##_##enc##_##fold)(               \
        const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)                         \
    {                                                                                              \
        SIMD_NAME(path)(w, p, len, counts, enc, fold);                                             \
    }
SIMD_PATH(count_fast, ENC_LATIN1, 0)
SIMD_PATH(count_fast, ENC_LATIN1, 1)
SIMD_PATH(count_fast, ENC_UTF8, 0)
SIMD_PATH(count_fast, ENC_UTF8, 1)
SIMD_PATH(count_general, ENC_LATIN1, 0)
SIMD_PATH(count_general, ENC_LATIN1, 1)
SIMD_PATH(count_general, ENC_UTF8, 0)
SIMD_PATH(count_general, ENC_UTF8, 1)
#undef SIMD_PATH

/* Chooses the path for this word list and its mode. */
#define SIMD_MODES(path, w, p, len, counts)                                                        \
    do {                                                                                           \
        if ((w)->encoding == ENC_LATIN1)                                                           \
            (w)->fold ? SIMD_NAME(path##_ENC_LATIN1_1)(w, p, len, counts)                          \
                      : SIMD_NAME(path##_ENC_LATIN1_0)(w, p, len, counts);                         \
        else                                                                                       \
            (w)->fold ? SIMD_NAME(path##_ENC_UTF8_1)(w, p, len, counts)                            \
                      : SIMD_NAME(path##_ENC_UTF8_0)(w, p, len, counts);                           \
    } while (0)

SIMD_FN static void SIMD_NAME(count)(const wordlist *w, const uint8_t *p, size_t len,
                                     uint64_t *counts)
{
    if (fast_list(w))
        SIMD_MODES(count_fast, w, p, len, counts);
    else
        SIMD_MODES(count_general, w, p, len, counts);
}
#undef SIMD_MODES

/* ---- the token layer (kernel.h, tokens_fn): every token's boundaries, for the vocabulary ---- */

/* Whitespace bits of the 64 positions from q, of which only those below `decided` are used. */
SIMD_FN static inline __attribute__((always_inline)) uint64_t
SIMD_NAME(ws_upto)(const uint8_t *q, size_t decided, int enc)
{
    /* Positions below `decided` depend on bytes up to decided + WS_AHEAD, which are readable. */
    return decided >= 64 ? ws64(q, enc) : SIMD_NAME(ws64_safe)(q, decided + WS_AHEAD, enc);
}

SIMD_FN static inline __attribute__((always_inline)) size_t
SIMD_NAME(tokens_mode)(const uint8_t *p, size_t len, size_t limit, uint32_t *start, uint32_t *end,
                       size_t *run_in, int enc)
{
    size_t n = 0;
    /* The token whose end is not found yet: the one running in from before (SIZE_MAX), the last
     * one started (its index), or none. */
    uint64_t carry = !prev_is_ws(enc, p); /* no token starts at p[0] */
    size_t open = carry ? SIZE_MAX : 0;
    /* Followed only when asked: a consumer of the block's own tokens would scan the rest of a
     * long token again from every block inside it. */
    int have_open = carry && run_in;
    if (run_in)
        *run_in = 0;
    for (size_t b = 0; b < limit && (b < len || have_open); b += 64) {
        size_t decided = limit - b; /* positions b + i, i < decided, are decided */
        uint64_t valid = decided >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << decided) - 1;
        uint64_t ws = SIMD_NAME(ws_upto)(p + b, decided, enc) & valid;
        uint64_t nonws = ~ws & valid;
        if (have_open && ws) { /* the open token ends at this block's first whitespace */
            size_t e = b + (size_t)__builtin_ctzll(ws);
            if (open == SIZE_MAX)
                *run_in = e;
            else
                end[open] = (uint32_t)e;
            have_open = 0;
        }
        uint64_t starts = nonws & ~((nonws << 1) | carry);
        carry = nonws >> 63;
        if (b >= len) /* only following the open token */
            starts = 0;
        else if (len - b < 64)
            starts &= (UINT64_C(1) << (len - b)) - 1;
        while (starts) {
            size_t at = (size_t)__builtin_ctzll(starts);
            starts &= starts - 1;
            uint64_t rest = ws >> at;
            start[n] = (uint32_t)(b + at);
            if (rest) {
                end[n] = (uint32_t)(b + at + (size_t)__builtin_ctzll(rest));
            } else {
                open = n;
                have_open = 1;
            }
            n++;
        }
    }
    if (have_open) { /* no whitespace before the limit */
        if (open == SIZE_MAX)
            *run_in = limit;
        else
            end[open] = (uint32_t)limit;
    }
    return n;
}

SIMD_FN static size_t SIMD_NAME(token_bounds)(int enc, const uint8_t *p, size_t len, size_t limit,
                                       uint32_t *start, uint32_t *end, size_t *run_in)
{
    return enc == ENC_LATIN1
               ? SIMD_NAME(tokens_mode)(p, len, limit, start, end, run_in, ENC_LATIN1)
               : SIMD_NAME(tokens_mode)(p, len, limit, start, end, run_in, ENC_UTF8);
}

/* ---- the word rule's token layer (kernel.h, tokens_words): every word's bounds ----
 *
 * The blocks count_words decides, decided the same way: a word is a run of word_bytes, so its
 * bounds are bit scans, as the space rule's tokens are; only a lone '_' is such a run and no word
 * (ExtendNumLet is a word only joined to what precedes it). A byte's `in` bit reads the byte and
 * its two neighbours, so it is exact when none of them is of neither kind (wclass.other): a
 * block's starts when that holds from two bytes before it to the one after it, a word's end when
 * it holds up to the byte after the end. Runs of other blocks, and a word that runs into one or
 * past the bytes the loop may classify, go to tokens_words_part: it reads its own context, follows
 * its last word, and says when that word stays open or a boundary is undecided, so the bounds
 * and the answer are tokens_words'. */

/* The bytes from a block's start that its iteration reads: the block two on, and one more. */
#define WORDS_READ (128 + 66)

/* ascii_rules_hold(two), worked out once per process rather than once per 16 KiB piece. */
static inline int ascii_rules_hold_once(int two)
{
    static _Atomic signed char known[2] = {-1, -1};
    signed char k = atomic_load_explicit(&known[two], memory_order_relaxed);
    if (k < 0) {
        k = (signed char)ascii_rules_hold(two);
        atomic_store_explicit(&known[two], k, memory_order_relaxed);
    }
    return k;
}

/* The words that start in p[slow..upto), from tokens_words_part, appended to start/end[*n..). */
static inline int words_part(int enc, const uint8_t *p, size_t slow, size_t upto, size_t avail,
                             int eof, uint32_t *start, uint32_t *end, size_t *n,
                             words_open *open)
{
    size_t m;
    int r = tokens_words_part(enc, p + slow, upto - slow, avail - slow, eof, start + *n,
                              end + *n, &m, open);
    for (size_t i = *n; i < *n + m; i++)
        start[i] += (uint32_t)slow, end[i] += (uint32_t)slow;
    *n += m;
    if (r == WORDS_OPEN)
        open->start += slow, open->at += slow;
    return r;
}

SIMD_FN static inline __attribute__((always_inline)) int
SIMD_NAME(words_bounds)(const uint8_t *p, size_t len, size_t avail, int eof, uint32_t *start,
                        uint32_t *end, size_t *np, words_open *open, int enc, int two)
{
    size_t n = 0, b = 0;
    size_t slow = 0;  /* the words from here to b are tokens_words_part's (SIZE_MAX: none) */
    int has_open = 0; /* the word start[n - 1] goes on past the blocks so far */
    if (avail >= WORDS_READ) {
        slow = SIZE_MAX;
        /* As in count_words: the classes of the blocks at b - 64 (pc), b (c0), b + 64 (c1), the
         * bytes in words of the blocks at b - 64 and b. */
        const uint64_t runs2 = separator_runs_once(0), runs3 = separator_runs_once(1);
        wclass pp = SIMD_NAME(wclassify)(p - 128, two, runs2, runs3),
               pc = SIMD_NAME(wclassify)(p - 64, two, runs2, runs3),
               c0 = SIMD_NAME(wclassify)(p, two, runs2, runs3),
               c1 = SIMD_NAME(wclassify)(p + 64, two, runs2, runs3);
        uint64_t in_prev = word_bytes(&pp, &pc, &c0), in0 = word_bytes(&pc, &c0, &c1);
        for (; (b < len || has_open) && b + WORDS_READ <= avail; b += 64) {
            __builtin_prefetch(p + b + PREFETCH_AHEAD);
            wclass c2 = SIMD_NAME(wclassify)(p + b + 128, two, runs2, runs3);
            uint64_t in1 = word_bytes(&c0, &c1, &c2);
            /* Bytes of neither kind in this block and the next (not a letter's second byte),
             * and the bits of in0 that one of them beside it may make wrong. */
            uint64_t o0 = c0.other & ~pc.spill, o1 = c1.other & ~c0.spill;
            uint64_t bad = o0 | o0 << 1 | o0 >> 1 | o1 << 63 | pc.other >> 63;
            if (has_open) { /* the last word ends at in0's first zero */
                uint64_t out = ~in0;
                uint64_t upto = out ? (out ^ (out - 1)) : ~UINT64_C(0); /* bits to that zero */
                if (bad & upto) { /* not decided here: the word is tokens_words_part's */
                    slow = start[--n];
                    has_open = 0;
                } else if (out) {
                    end[n - 1] = (uint32_t)(b + (size_t)__builtin_ctzll(out));
                    has_open = 0;
                    if (end[n - 1] - start[n - 1] == 1 && p[start[n - 1]] == '_')
                        n--; /* a lone '_' */
                }
            }
            if (b < len && !(bad | pc.other >> 62)) { /* the block's starts are decided */
                if (slow != SIZE_MAX) {
                    int r = words_part(enc, p, slow, b, avail, eof, start, end, &n, open);
                    if (r != WORDS_DONE) { /* an open word goes on past all of this block */
                        *np = n;
                        return r;
                    }
                    slow = SIZE_MAX;
                }
                uint64_t starts = in0 & ~(in0 << 1 | in_prev >> 63);
                if (len - b < 64)
                    starts &= (UINT64_C(1) << (len - b)) - 1;
                uint64_t underscore = c0.join & ~(c0.let | c0.dig);
                starts &= ~(underscore & ~(in0 >> 1) & ~(UINT64_C(1) << 63)); /* lone '_' */
                while (starts) {
                    size_t at = (size_t)__builtin_ctzll(starts);
                    starts &= starts - 1;
                    uint64_t rest = ~in0 >> at;
                    start[n] = (uint32_t)(b + at);
                    if (rest)
                        end[n] = (uint32_t)(b + at + (size_t)__builtin_ctzll(rest));
                    else
                        has_open = 1;
                    n++;
                }
            } else if (b < len && slow == SIZE_MAX) {
                slow = b;
            }
            pc = c0, c0 = c1, c1 = c2;
            in_prev = in0, in0 = in1;
        }
        if (has_open) /* its end lies past the bytes the loop may read */
            slow = start[--n];
        else if (b < len && slow == SIZE_MAX)
            slow = b;
    }
    int r = WORDS_DONE;
    if (slow != SIZE_MAX)
        r = words_part(enc, p, slow, len, avail, eof, start, end, &n, open);
    *np = n;
    return r;
}

/* The two modes: UTF-8 (2-byte letters too) and latin1 (one-byte letters, which are ASCII). */
#define WORDS_BOUNDS(name, enc, two)                                                               \
    SIMD_FN static __attribute__((noinline)) int SIMD_NAME(name)(                                 \
        const uint8_t *p, size_t len, size_t avail, int eof, uint32_t *start, uint32_t *end,      \
        size_t *n, words_open *open)                                                               \
    {                                                                                              \
        return SIMD_NAME(words_bounds)(p, len, avail, eof, start, end, n, open, enc, two);        \
    }
WORDS_BOUNDS(words_bounds_utf8, ENC_UTF8, 1)
WORDS_BOUNDS(words_bounds_latin1, ENC_LATIN1, 0)
#undef WORDS_BOUNDS

/* The including file's entry points (kernel.h): kernel_X, tokens_X, kernel_words_X and
 * tokens_words_X for X its ISA, each calling the paths above built for it. */
void SIMD_NAME(kernel)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    SIMD_NAME(count)(w, p, len, counts);
}

size_t SIMD_NAME(tokens)(int enc, const uint8_t *p, size_t len, size_t limit, uint32_t *start,
                         uint32_t *end, size_t *run_in)
{
    return SIMD_NAME(token_bounds)(enc, p, len, limit, start, end, run_in);
}

void SIMD_NAME(kernel_words)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    SIMD_NAME(words)(w, p, len, counts);
}

int SIMD_NAME(tokens_words)(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                            uint32_t *start, uint32_t *end, size_t *n, words_open *open)
{
    int two = enc == ENC_UTF8;
    if (!ascii_rules_hold_once(two))
        return tokens_words(enc, p, len, avail, eof, start, end, n, open);
    return two ? SIMD_NAME(words_bounds_utf8)(p, len, avail, eof, start, end, n, open)
               : SIMD_NAME(words_bounds_latin1)(p, len, avail, eof, start, end, n, open);
}

#endif
