/* verify.h - finding where two counting paths first disagree. */
#ifndef WORDTALLY_VERIFY_H
#define WORDTALLY_VERIFY_H

#include <stddef.h>
#include <stdint.h>

/* Counts the entries [first, last) of a chunk-table window into counts[] (zeroed by the caller);
 * returns 0 or an input error code. */
typedef int (*range_count_fn)(const void *ctx, size_t first, size_t last, uint64_t *counts);

typedef struct {
    int found;   /* 1: entry and word name a difference that reproduces */
    size_t entry, word;
    uint64_t a, b; /* the two counts of that word in that entry */
} difference;

/* Given that a and b disagree over [first, last), bisects to the first entry and word where they
 * disagree. Re-counting is only paid when verification has already failed. Returns 0 or an input
 * error code. */
int verify_find_difference(range_count_fn a, range_count_fn b, const void *ctx, size_t first,
                           size_t last, size_t nwords, difference *d);

#endif
