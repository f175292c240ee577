/* kernel_scalar.c - the portable reference kernel: one table look-up per byte, no calls per byte.
 * Written once for every mode; always_inline with constant modes lets the compiler drop the
 * branches a mode does not need (latin1 never looks past a byte, case is folded only with -i). */
#include "kernel.h"

static inline __attribute__((always_inline)) void
count_mode(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts, int enc, int fold)
{
    const size_t maxlen = w->maxlen, minlen = w->minlen;
    /* Bytes ending a whitespace sequence begun before the block start no token. */
    size_t i = ws_carried_in(enc, p);

    /* A token running in from the previous block belongs to that block. */
    if (i == 0 && !prev_is_ws(enc, p))
        while (i < len && !ws_len(enc, p + i))
            i++;

    while (i < len) {
        size_t s = ws_len(enc, p + i);
        if (s) {
            i += s;
            continue;
        }
        /* A token starts at i. Only its first maxlen+1 bytes can decide a match, and those (with
         * a whitespace sequence after them) are readable even when the token runs past the block. */
        size_t start = i, limit = start + maxlen + 1;
        while (i < limit && !ws_len(enc, p + i))
            i++;
        size_t n = i - start;
        if (i < limit) {
            if (n >= minlen) {
                long k = words_find_mode(w, p + start, n, fold);
                if (k >= 0)
                    counts[k]++;
            }
        } else {
            while (i < len && !ws_len(enc, p + i)) /* too long to match: skip the rest in this block */
                i++;
        }
    }
}

void kernel_scalar(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    if (w->encoding == ENC_LATIN1)
        w->fold ? count_mode(w, p, len, counts, ENC_LATIN1, 1)
                : count_mode(w, p, len, counts, ENC_LATIN1, 0);
    else
        w->fold ? count_mode(w, p, len, counts, ENC_UTF8, 1)
                : count_mode(w, p, len, counts, ENC_UTF8, 0);
}
