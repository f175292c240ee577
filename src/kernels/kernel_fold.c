/* kernel_fold.c - -i in utf-8 under the space rule (SPEC §1): the tokens that only Unicode case
 * folding makes equal to a word, counted after a byte kernel has counted the others.
 *
 * The keys are folded by Unicode simple case folding (words.c); the byte kernels compare
 * fold_ascii(token) with them. That decides every token of ASCII bytes alone, since Unicode
 * folds ASCII exactly as fold_ascii does. And every token a byte kernel counts is a match under
 * Unicode folding too: ufold(T) = ufold(fold_ascii(T)) = ufold(key) = key, because ASCII letters
 * fold alike either way and no other byte changes, and simple case folding is idempotent (every
 * target of CaseFolding.txt's C and S lines folds to itself). So the byte kernels' counts miss
 * exactly the tokens holding a byte >= 0x80 whose Unicode fold equals a key and whose ASCII fold
 * does not: this pass adds those. A cheap scan skips the stretches without any such byte (most of
 * English text); when every key is ASCII, only U+212A KELVIN SIGN and U+017F LONG S fold to ASCII
 * letters, and the scan looks for them alone (most text of any language). */
#include "kernel.h"

#include <string.h>

/* Tokens are looked for in pieces of this many start positions from an `interesting` byte on. */
#define FOLD_PIECE 1024

/* Is p[0] the start of a byte sequence that can make a token differ from a key only under
 * Unicode folding (wordlist.fold_high)? Any byte >= 0x80; with ASCII keys only the first byte of
 * U+212A KELVIN SIGN (E2 84 AA) or U+017F LONG S (C5 BF). Reads p[0..2]. */
static inline int interesting(const uint8_t *p, int ks)
{
    if (!ks)
        return p[0] >= 0x80;
    return (p[0] == 0xE2 && p[1] == 0x84 && p[2] == 0xAA) || (p[0] == 0xC5 && p[1] == 0xBF);
}

typedef uint8_t v32 __attribute__((vector_size(32)));

/* Does some byte of v have its high bit set? */
static inline int high_bit(v32 v)
{
    uint64_t lanes[4];
    memcpy(lanes, &v, 32);
    return ((lanes[0] | lanes[1] | lanes[2] | lanes[3]) & UINT64_C(0x8080808080808080)) != 0;
}

/* Does q[0..256) hold a byte >= 0x80, or with ks the start of KELVIN SIGN (E2 84 AA) or LONG S
 * (C5 BF)? Reads q[0..257]. */
static inline int stretch_interesting(const uint8_t *q, int ks)
{
    v32 any = {0}, x, x1, x2;
    for (size_t j = 0; j < 256; j += 32) {
        memcpy(&x, q + j, 32);
        any |= x;
    }
    if (!ks || !high_bit(any))
        return high_bit(any);
    any = (v32){0};
    for (size_t j = 0; j < 256; j += 32) {
        memcpy(&x, q + j, 32);
        memcpy(&x1, q + j + 1, 32);
        memcpy(&x2, q + j + 2, 32);
        any |= (v32)(((x == 0xE2) & (x1 == 0x84) & (x2 == 0xAA)) | ((x == 0xC5) & (x1 == 0xBF)));
    }
    return high_bit(any);
}

/* The first position in p[from .. to) that is `interesting`, or `to`. Reads p[from .. to + 1].
 * Stretches of 256 bytes are tested whole as vectors (GCC's vector extension: SSE2 anywhere on
 * x86-64, AVX2 where the CPU has it, chosen when the program starts). */
#if defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static size_t next_interesting(const uint8_t *p, size_t from, size_t to, int ks)
{
    size_t i = from;
    while (i + 256 <= to && !stretch_interesting(p + i, ks))
        i += 256;
    for (; i < to; i++)
        if (interesting(p + i, ks))
            return i;
    return to;
}

/* Does fold_ascii(p[0..n)) equal word k's key? Then a byte kernel counted the token already. */
static int ascii_match(const wordlist *w, size_t k, const uint8_t *p, size_t n)
{
    const uint8_t *key = (const uint8_t *)w->key[k];
    if (w->keylen[k] != n)
        return 0;
    for (size_t j = 0; j < n; j++)
        if (fold_ascii(p[j]) != key[j])
            return 0;
    return 1;
}

/* The tokens starting in p[0..len) (len <= FOLD_PIECE), found by the kernel's own token layer:
 * each of rawmax bytes or fewer that holds a byte >= 0x80 is looked up folded. A token running
 * in from before p is not ours. Reads p[-3 .. len + rawmax + 1]. Apart from the caller, so that
 * its buffers take stack only in this mode (OpenMP threads may have small stacks). */
static __attribute__((noinline)) void fold_piece(const wordlist *w, const uint8_t *p, size_t len,
                                                 uint64_t *counts, tokens_fn tokens)
{
    uint32_t start[FOLD_PIECE / 2 + 1], end[FOLD_PIECE / 2 + 1];
    const size_t rawmax = w->rawmax;
    size_t n = tokens(ENC_UTF8, p, len, len + rawmax, start, end, NULL);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *t = p + start[i];
        size_t tn = end[i] - start[i];
        if (tn > rawmax) /* also one that reached the limit: it is longer */
            continue;
        uint32_t c = words_fold_head(t, tn);
        if (!(w->fold_head[c / 64] >> (c % 64) & 1)) /* no key starts with those letters */
            continue;
        size_t j = 0;
        while (j < tn && t[j] < 0x80)
            j++;
        if (j == tn) /* ASCII only: the byte kernel decided it */
            continue;
        long k = words_find_folded(w, t, tn);
        if (k >= 0 && !ascii_match(w, (size_t)k, t, tn))
            counts[k]++;
    }
}

void kernel_unicode_fold(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts,
                         tokens_fn tokens)
{
    if (!words_unicode_fold(w) || w->tokens != TOKENS_SPACE || !w->fold_high)
        return;
    /* A token that starts in the block and can match lies in p[0 .. len + rawmax). */
    const size_t rawmax = w->rawmax, end = len + rawmax;
    const int ks = w->fold_high == FOLD_HIGH_KS;
    for (size_t b = 0; b < len;) {
        size_t h = next_interesting(p, b, end, ks);
        if (h == end)
            return;
        /* The tokens holding p[h] within their first rawmax bytes start after h - rawmax; a token
         * starting before has nothing interesting there (it was looked at already, or it is
         * longer). */
        size_t from = h > b + rawmax ? h - rawmax : b;
        if (from >= len)
            return;
        size_t piece = len - from < FOLD_PIECE ? len - from : FOLD_PIECE;
        fold_piece(w, p + from, piece, counts, tokens);
        b = from + piece;
    }
}
