/* kernel_scalar.c - the portable reference kernel: one table look-up per byte, no calls per byte. */
#include "kernel.h"

void kernel_scalar(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    const size_t maxlen = w->maxlen, minlen = w->minlen;
    size_t i = 0;

    /* A token running in from the previous block belongs to that block. */
    if (!is_ws(p[-1]))
        while (i < len && !is_ws(p[i]))
            i++;

    while (i < len) {
        if (is_ws(p[i])) {
            i++;
            continue;
        }
        /* A token starts at i. Only its first maxlen+1 bytes can decide a match, and those are
         * readable even when the token runs past the block. */
        size_t start = i, limit = start + maxlen + 1;
        while (i < limit && !is_ws(p[i]))
            i++;
        size_t n = i - start;
        if (i < limit) {
            if (n >= minlen) {
                long k = words_find(w, p + start, n);
                if (k >= 0)
                    counts[k]++;
            }
        } else {
            while (i < len && !is_ws(p[i])) /* too long to match: skip the rest in this block */
                i++;
        }
    }
}
