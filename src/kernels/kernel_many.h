/* kernel_many.h - the general path of the kernels (any word list): every token looked up in the
 * short-key index (words.h). Included by kernel_simd.h (the vector kernels) and kernel_scalar.c,
 * each of which supplies, before including it:
 *
 *   SIMD_FN, SIMD_NAME(x)   the attributes and the name of a function in that file;
 *   static uint64_t ws64(const uint8_t *q, int enc);
 *       bit i set when q[i] is whitespace (alone or as any byte of a sequence): ws_covers of
 *       q[0..64), read from q[-2 .. 64 + WS_AHEAD).
 *
 * Per block of 64 bytes: its whitespace mask and its token starts (nonwhitespace after
 * whitespace); then per token its length from the masks (the block's, and the next block's for a
 * token that runs past it), its first 16 bytes as two 8-byte loads cut to that length (folded
 * with -i by a few word operations), a hash, and the index's one slot compared as two words and a
 * length. The word found (or not) is written to a list of hits whose end moves by the compare's
 * result, and the hits are counted every MANY_HITS. No branch per token but the loop's own, the
 * rare token longer than WORDS_SHORT bytes (words_find decides it) and, for short lists, the
 * index's filter, which few tokens pass: a branch on a token's length or class, per byte of a
 * hash or a compare, or per probe of a table would mispredict on some of the tokens.
 *
 * Measured (docs/BENCHMARKS.md): the loop over the tokens alone, computing their lengths, runs
 * about 2 GB/s on English (8.6 tokens per 64 bytes); a faster path must reject most token
 * starts 64 at a time, with vector table look-ups, before this loop. */
#ifndef WORDTALLY_KERNEL_MANY_H
#define WORDTALLY_KERNEL_MANY_H

#include "kernel.h"

#include <string.h>

/* Bytes after a block read to classify its last positions: a sequence starting at q[63] ends at
 * q[65]. */
#define WS_AHEAD 2

/* Hits kept before they are counted. */
#define MANY_HITS 1024

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

SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(count_index)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts, int enc,
                       int fold, int filter)
{
    /* The index in locals: stores to counts could otherwise be its fields, to be read again. */
    const words_index x = w->index;
    const size_t short_max = x.short_max;
    const size_t readable = len + kernel_tail(w) + KERNEL_PAD;
    /* The words found, counted every few blocks: a loop per block would end at a different count
     * each time, a misprediction per block. A block adds one per token at most. */
    uint16_t hit[MANY_HITS + 32];
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
            uint64_t lo = words_load8(t) & x.keep[n][0];
            if (fold)
                lo = words_fold8(lo);
            if (filter && !words_index_may(&x, lo, n))
                continue;
            uint64_t hi = words_load8(t + 8) & x.keep[n][1];
            if (fold)
                hi = words_fold8(hi);
            const words_slot *e = words_index_slot(&x, words_index_hash(&x, lo, hi));
            hit[hits] = (uint16_t)e->word;
            hits += ((e->lo ^ lo) | (e->hi ^ hi) | (e->len ^ n)) == 0;
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

/* With few words most tokens are none of them: a test of the index's filter, well predicted, skips
 * the slot. With many, a fifth of the tokens or more are words, and the test would mispredict. */
SIMD_FN static inline __attribute__((always_inline)) void
SIMD_NAME(count_general)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts,
                         int enc, int fold)
{
    if (w->index.filtered)
        SIMD_NAME(count_index)(w, p, len, counts, enc, fold, 1);
    else
        SIMD_NAME(count_index)(w, p, len, counts, enc, fold, 0);
}

#endif
