/* reference.h - SPEC §1 written out again for the tests, on purpose apart from src/base/words.c's
 * tables and the kernels: the plain reading that every kernel and counting path is compared with
 * (tests/check_kernel.c, tests/fuzz/fuzz_count.c), and the caller's side of the kernel contract.
 * Slow and simple by design. Only the word list itself (word[k], len[k], encoding, fold) is taken
 * from the wordlist; -i in utf-8 folds with wordbreak.h's fold_utf8 (tables generated from
 * CaseFolding.txt, which tests/casefold.py holds to that file itself). */
#ifndef WORDTALLY_TESTS_REFERENCE_H
#define WORDTALLY_TESTS_REFERENCE_H

#include "base/wordbreak.h"
#include "kernels/kernel.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* utf-8's multi-byte whitespace sequences. */
static const char *const ref_utf8_ws[] = {
    "\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82",
    "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88",
    "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f",
    "\xe3\x80\x80"};
enum { REF_UTF8_WS = sizeof ref_utf8_ws / sizeof *ref_utf8_ws };

/* A whitespace byte on its own: 09-0D and 1C-20, and in latin1 also 85 and A0. */
static inline int ref_ws_byte(uint8_t c, int enc)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
           (enc == ENC_LATIN1 && (c == 0x85 || c == 0xa0));
}

/* ws[i] = 1 for each byte of d[0..n) read as it stands: a whitespace byte, or any byte of a whole
 * whitespace sequence inside d; else 0. */
static inline void ref_mark_ws(int enc, const uint8_t *d, size_t n, uint8_t *ws)
{
    for (size_t i = 0; i < n; i++)
        ws[i] = (uint8_t)ref_ws_byte(d[i], enc);
    for (size_t i = 0; enc == ENC_UTF8 && i < n; i++)
        for (size_t s = 0; s < REF_UTF8_WS; s++) {
            size_t L = strlen(ref_utf8_ws[s]);
            if (i + L <= n && memcmp(d + i, ref_utf8_ws[s], L) == 0)
                memset(ws + i, 1, L);
        }
}

static inline uint8_t ref_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Does t[0..n) equal word k, in the list's mode (-i folds ASCII letters only in latin1, by Unicode
 * simple case folding in utf-8: both sides folded whole by fold_utf8, then compared)? */
static inline int ref_equal(const wordlist *w, size_t k, const uint8_t *t, size_t n)
{
    const uint8_t *q = (const uint8_t *)w->word[k];
    if (w->fold && w->encoding == ENC_UTF8) {
        /* A unit folds to a third of its length at least (KELVIN SIGN, 3 bytes, to k) and to
         * one and a half at most (U+023A, 2 bytes, to 3). */
        if (n > 5 * w->len[k] || w->len[k] > 5 * n)
            return 0;
        uint8_t *a = malloc(2 * n + 1), *b = malloc(2 * w->len[k] + 1);
        if (!a || !b)
            abort();
        size_t an = fold_utf8(t, n, a), bn = fold_utf8(q, w->len[k], b);
        int equal = an == bn && memcmp(a, b, an) == 0;
        free(a);
        free(b);
        return equal;
    }
    if (w->len[k] != n)
        return 0;
    for (size_t j = 0; j < n; j++)
        if (w->fold ? ref_lower(q[j]) != ref_lower(t[j]) : q[j] != t[j])
            return 0;
    return 1;
}

/* counts[k] = the tokens of d[0..n) equal to word k: split on whitespace, compare every token. */
static inline void ref_count(const wordlist *w, const uint8_t *d, size_t n, uint64_t *counts)
{
    size_t i = 0;
    uint8_t *ws = malloc(n + 1);
    if (!ws)
        abort();
    ref_mark_ws(w->encoding, d, n, ws);
    memset(counts, 0, w->n * sizeof *counts);
    while (i < n) {
        while (i < n && ws[i])
            i++;
        size_t start = i;
        while (i < n && !ws[i])
            i++;
        for (size_t k = 0; k < w->n && i > start; k++)
            counts[k] += (uint64_t)ref_equal(w, k, d + start, i - start);
    }
    free(ws);
}

/* counts[k] = word k's matches in d[0..n) counted by kernel k a chunk at a time, each chunk in a
 * buffer of its own sized exactly (AddressSanitizer sees any read beyond it), with the context
 * kernel.h promises and poison ('x', not whitespace) in the padding beyond it. */
static inline void ref_by_chunks(const kernel *k, const wordlist *w, const uint8_t *d, size_t n,
                                 size_t chunk, uint64_t *counts)
{
    size_t tail = kernel_tail(w), size = KERNEL_PAD + KERNEL_BEFORE + chunk + tail + KERNEL_PAD;
    uint8_t *buf = malloc(size);
    if (!buf)
        abort();
    memset(counts, 0, w->n * sizeof *counts);
    for (size_t off = 0; off < n; off += chunk) {
        size_t len = n - off < chunk ? n - off : chunk;
        memset(buf, 'x', size);
        uint8_t *p = buf + KERNEL_PAD + KERNEL_BEFORE;
        for (size_t j = 1; j <= KERNEL_BEFORE; j++)
            p[-(long)j] = off >= j ? d[off - j] : ' ';
        for (size_t i = 0; i < len + tail; i++)
            p[i] = off + i < n ? d[off + i] : ' ';
        k->count(w, p, len, counts);
    }
    free(buf);
}

#endif
