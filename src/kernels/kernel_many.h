/* kernel_many.h - the general path of the kernels (any word list): every token looked up in the
 * short-key index (words.h). Included by kernel_simd.h (the vector kernels) and kernel_scalar.c,
 * each of which supplies, before including it:
 *
 *   SIMD_FN, SIMD_NAME(x)   the attributes and the name of a function in that file;
 *   static uint64_t ws64(const uint8_t *q, int enc);
 *       bit i set when q[i] is whitespace (alone or as any byte of a sequence): ws_covers of
 *       q[0..64), read from q[-2 .. 64 + WS_AHEAD);
 *   many_positions, many_lookup   as kernel_simd.h describes them (or #defined to the plain C
 *       many_positions_c, many_lookup_c below).
 *
 * In groups of MANY_GROUP blocks of 64 bytes: per block its whitespace mask, and the positions
 * where a token starts or ends (the byte before is of the other kind) appended to one list, so
 * that token i is p[bound[2i] .. bound[2i + 1]). Then the group's complete tokens are looked up
 * MANY_BATCH at a time: the first 16 bytes of each cut to its length (folded with -i) with the
 * length in the top byte, a hash, the index's one slot compared as two words. The slots found go
 * to a list of hits, counted every MANY_HITS. No branch depends on the text but the end of each
 * group's look-ups and the rare token longer than WORDS_SHORT bytes (many_long: words_find): a
 * loop per block over its tokens mispredicted its exit once a block, and a branch per token on
 * its length, class or a filter mispredicts on some of them.
 *
 * Measured (docs/BENCHMARKS.md): the token lists alone run ~9 GB/s with AVX-512 (a compress per
 * 16 positions), ~3.5 with the bit scans of plain C; the look-ups, 8 at a time with AVX-512
 * gathers, cost about as much again as the lists for 64 words, more for long lists (their slots
 * leave L1). */
#ifndef WORDTALLY_KERNEL_MANY_H
#define WORDTALLY_KERNEL_MANY_H

#include "kernel.h"

#include <string.h>

/* Bytes after a block read to classify its last positions: a sequence starting at q[63] ends at
 * q[65]. */
#define WS_AHEAD 2

/* Hits kept before they are counted. */
#define MANY_HITS 256

/* ws64 of q[0..avail), whitespace assumed after that: used where the 64 + WS_AHEAD bytes after q
 * may run past the readable context (the last blocks). Only positions below `avail` are used. */
SIMD_FN static uint64_t SIMD_NAME(ws64_safe)(const uint8_t *q, size_t avail, int enc)
{
    if (avail >= 64 + WS_AHEAD)
        return ws64(q, enc);
    uint8_t tmp[2 * 64 + 2 * WS_AHEAD];
    uint8_t *t = tmp + WS_AHEAD;
    memcpy(tmp, q - WS_AHEAD, WS_AHEAD); /* the context before q: readable */
    memset(t, ' ', sizeof tmp - WS_AHEAD);
    memcpy(t, q, avail);
    return ws64(t, enc);
}

/* A token of n bytes at t (n > WORDS_SHORT, or every n when the index is missing): words_find.
 * known == 0: its end lies past the two blocks read, so its length is found here (no word is
 * longer than maxlen, so no further than that). Reads t[0 .. maxlen + 2]. */
static __attribute__((noinline)) void many_long(const wordlist *w, const uint8_t *t, size_t n,
                                                int known, uint64_t *counts)
{
    if (!known) {
        n = 0;
        while (n <= w->maxlen && !ws_covers(w->encoding, t + n))
            n++;
    }
    if (n < w->minlen || n > w->maxlen)
        return;
    long k = words_find(w, t, n);
    if (k >= 0)
        counts[k]++;
}

/* The token t[0..n) (n <= WORDS_SHORT) in the index: its slot in *slot, and whether the key
 * there is the token. */
static inline __attribute__((always_inline)) int many_lookup1(const words_index *x,
                                                              const uint8_t *t, size_t n,
                                                              uint32_t *slot, int fold)
{
    uint64_t lo = words_load8(t), hi = words_load8(t + 8);
    if (fold) {
        lo = words_fold8(lo);
        hi = words_fold8(hi);
    }
    hi = words_index_key(x, &lo, hi, n);
    size_t s = words_index_at(x, words_index_hash(x, lo, hi));
    *slot = (uint32_t)s;
    return ((x->key[2 * s] ^ lo) | (x->key[2 * s + 1] ^ hi)) == 0;
}

SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(count_each)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts, int enc,
                       int fold, int filter)
{
    /* The index in locals: stores to counts could otherwise be its fields, to be read again. */
    const words_index x = w->index;
    const size_t short_max = x.short_max;
    const size_t readable = len + kernel_tail(w) + KERNEL_PAD;
    /* The words found, counted every few blocks: a loop per block would end at a different count
     * each time, a misprediction per block. A block adds one per token at most. */
    uint32_t hit[MANY_HITS + 32] = {0}; /* zeroed: clang's analyzer cannot follow `hits` */
    size_t hits = 0;
    uint64_t carry = !prev_is_ws(enc, p); /* a token runs in from before p: no start at 0 */
    uint64_t ws_next = len ? SIMD_NAME(ws64_safe)(p, readable, enc) : 0;

    for (size_t b = 0; b < len; b += 64) {
        const uint8_t *const q = p + b;
        uint64_t ws = ws_next;
        ws_next = b + 128 + WS_AHEAD <= readable
                      ? ws64(q + 64, enc)
                      : SIMD_NAME(ws64_safe)(q + 64, readable - (b + 64), enc);
        uint64_t nonws = ~ws;
        uint64_t starts = nonws & ~((nonws << 1) | carry);
        carry = nonws >> 63;
        if (len - b < 64) /* tokens from len on are the next block's */
            starts &= (UINT64_C(1) << (len - b)) - 1;
        for (; starts; starts &= starts - 1) {
            const size_t at = (size_t)__builtin_ctzll(starts);
            /* Whitespace from the token on: this block's mask, then the next one's. */
            uint64_t after = ws >> at | ws_next << (63 - at) << 1;
            size_t n = after ? (size_t)__builtin_ctzll(after) : 128; /* 128: past both blocks */
            const uint8_t *t = q + at;
            if (__builtin_expect(n > short_max, 0)) {
                many_long(w, t, n, after != 0, counts);
                continue;
            }
            if (filter) {
                uint64_t head = words_load8(t) & x.keep[n][0];
                if (!words_index_may(&x, fold ? words_fold8(head) : head, n))
                    continue;
            }
            uint32_t s;
            const int found = many_lookup1(&x, t, n, &s, fold);
            hit[hits] = x.word[s];
            hits += (size_t)found;
        }
        if (hits >= MANY_HITS) {
            for (size_t i = 0; i < hits; i++)
                counts[hit[i]]++;
            hits = 0;
        }
    }
    for (size_t i = 0; i < hits; i++)
        counts[hit[i]]++;
}

/* ---- In batches: the token starts and ends of MANY_GROUP blocks into two lists, then the
 * complete tokens looked up MANY_BATCH at a time. Each step is straight-line code or a loop over
 * a list: no branch whose outcome changes with the text, but the end of a group's look-ups. ---- */

/* many_positions in plain C: a set number of bit scans first, then a loop for the rest, which
 * English text rarely reaches (a loop that runs once per token mispredicts its exit each block). */
static inline __attribute__((always_inline)) size_t many_positions_c(uint64_t m, uint32_t base,
                                                                     uint32_t *out)
{
    size_t n = (size_t)__builtin_popcountll(m);
    for (int i = 0; i < 24; i++, m &= m - 1) /* past the last bit: 63, written and left */
        out[i] = base + (uint32_t)__builtin_ctzll(m | UINT64_C(1) << 63);
    for (size_t i = 24; m; i++, m &= m - 1)
        out[i] = base + (uint32_t)__builtin_ctzll(m);
    return n;
}

/* many_lookup in plain C: one token after another, with no branch but the rare long token. */
static inline __attribute__((always_inline)) size_t
many_lookup_c(const words_index *x, const uint8_t *p, const uint32_t *bound, size_t n,
              uint32_t *hit, uint64_t *longs, int fold)
{
    size_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = bound[2 * i + 1] - bound[2 * i];
        if (i % 64 == 0)
            longs[i / 64] = 0;
        if (__builtin_expect(len > x->short_max, 0))
            longs[i / 64] |= UINT64_C(1) << (i % 64);
        else
            hits += (size_t)many_lookup1(x, p + bound[2 * i], len, &hit[hits], fold);
    }
    return hits;
}

/* The general path on p[0..len), len < 2^31 (positions are 32-bit): whole blocks in groups, then
 * the last blocks, whose next block may pass the readable bytes, token by token (count_each). */
SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(count_batched)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts,
                         int enc, int fold)
{
    /* The index in locals: stores to counts could otherwise be its fields, to be read again. */
    const words_index x = w->index;
    const int has_long = w->maxlen > x.short_max; /* a token too long for the index may match */
    /* Where tokens start and end, in turn: token i is p[bound[2i] .. bound[2i + 1]). A token
     * running in from before p (carry) gets the start MANY_RUN_IN: too long to be looked up. */
    uint32_t bound[MANY_LIST];
    uint32_t hit[MANY_HITS + MANY_LIST / 2] = {0}; /* zeroed: as count_each's */
    size_t nb = 0, hits = 0;
    uint64_t carry = !prev_is_ws(enc, p); /* a token runs in from before p: no start at 0 */
    if (carry)
        bound[nb++] = MANY_RUN_IN;
    /* Whole blocks: the next one and what classifies it are readable too (kernel_tail is at
     * least 3 bytes, KERNEL_PAD 64). */
    size_t b = 0, whole = len / 64 * 64;
    uint64_t ws_next = whole ? ws64(p, enc) : 0;
    while (b < whole) {
        const size_t stop = whole - b > MANY_GROUP * 64 ? b + MANY_GROUP * 64 : whole;
        for (; b < stop; b += 64) {
            uint64_t ws = ws_next;
            ws_next = ws64(p + b + 64, enc);
            uint64_t nonws = ~ws;
            /* a start or an end: the byte before is of the other kind */
            nb += many_positions(nonws ^ (nonws << 1 | carry), (uint32_t)b, bound + nb);
            carry = nonws >> 63;
        }
        /* nb / 2 tokens are complete; the next group gets the rest, less than a batch and the
         * token still open. */
        const size_t done = nb / 2 / MANY_BATCH * MANY_BATCH;
        uint64_t longs[MANY_LIST / 128 + 1];
        hits += many_lookup(&x, p, bound, done, hit + hits, longs, fold);
        for (size_t j = 0; has_long && j < done; j += 64)
            for (uint64_t m = longs[j / 64]; m; m &= m - 1) {
                size_t i = j + (size_t)__builtin_ctzll(m), n = bound[2 * i + 1] - bound[2 * i];
                if (n <= w->maxlen)
                    many_long(w, p + bound[2 * i], n, 1, counts);
            }
        memmove(bound, bound + 2 * done, (nb - 2 * done) * sizeof *bound);
        nb -= 2 * done;
        if (hits >= MANY_HITS) {
            for (size_t i = 0; i < hits; i++)
                counts[x.word[hit[i]]]++;
            hits = 0;
        }
    }
    /* The complete tokens left, one at a time; then the one still open, whose end lies past the
     * whole blocks. */
    for (size_t i = 0; i + 1 < nb; i += 2) {
        size_t n = bound[i + 1] - bound[i];
        if (n <= x.short_max)
            hits += (size_t)many_lookup1(&x, p + bound[i], n, &hit[hits], fold);
        else if (n <= w->maxlen)
            many_long(w, p + bound[i], n, 1, counts);
    }
    if (nb % 2 && bound[nb - 1] != MANY_RUN_IN)
        many_long(w, p + bound[nb - 1], 0, 0, counts);
    for (size_t i = 0; i < hits; i++)
        counts[x.word[hit[i]]]++;
    if (b < len)
        SIMD_NAME(count_each)(w, p + b, len - b, counts, enc, fold, w->index.filtered);
}

SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(count_general)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts,
                         int enc, int fold)
{
    const size_t piece = (size_t)1 << 30;
    for (size_t off = 0; off < len; off += piece)
        SIMD_NAME(count_batched)(w, p + off, len - off < piece ? len - off : piece, counts, enc,
                                 fold);
}

#endif
