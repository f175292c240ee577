/* verify.c - bisection to the first chunk where two counting paths disagree. */
#include "verify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Sets *differs; returns an input error code. ca and cb hold nwords counters each. */
static int compare(range_count_fn a, range_count_fn b, const void *ctx, size_t first, size_t last,
                   size_t nwords, uint64_t *ca, uint64_t *cb, int *differs)
{
    memset(ca, 0, nwords * sizeof *ca);
    memset(cb, 0, nwords * sizeof *cb);
    int err = a(ctx, first, last, ca);
    if (!err)
        err = b(ctx, first, last, cb);
    *differs = !err && memcmp(ca, cb, nwords * sizeof *ca) != 0;
    return err;
}

int verify_find_difference(range_count_fn a, range_count_fn b, const void *ctx, size_t first,
                           size_t last, size_t nwords, difference *d)
{
    uint64_t *ca = calloc(2 * nwords + 2, sizeof *ca);
    int differs = 0, err = 0;
    memset(d, 0, sizeof *d);
    if (!ca)
        return ENOMEM;
    uint64_t *cb = ca + nwords + 1; /* after the check: NULL + n is undefined behaviour */
    while (last - first > 1 && !err) {
        size_t mid = first + (last - first) / 2;
        err = compare(a, b, ctx, first, mid, nwords, ca, cb, &differs);
        if (differs)
            last = mid;
        else
            first = mid; /* the first half agrees, so the difference is in the second */
    }
    if (!err)
        err = compare(a, b, ctx, first, last, nwords, ca, cb, &differs);
    if (!err && differs) {
        size_t w = 0;
        while (ca[w] == cb[w])
            w++;
        d->found = 1;
        d->entry = first;
        d->word = w;
        d->a = ca[w];
        d->b = cb[w];
    }
    free(ca);
    return err;
}
