/* vocab_runs.c - sorted runs on disk (--vocab over several hash partitions): records of (count,
 * length, bytes), each run ended by a count of 0, merged into one sorted stream at the end. */
#include "vocab.h"

#include <errno.h>
#include <stdlib.h>

int vocab_run_write(FILE *f, const vocab_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t head[2] = {e[i].count, e[i].len};
        if (fwrite(head, sizeof head, 1, f) != 1 ||
            (e[i].len && fwrite(e[i].key, (size_t)e[i].len, 1, f) != 1))
            return -1;
    }
    uint64_t end[2] = {0, 0}; /* count 0 ends a run */
    return fwrite(end, sizeof end, 1, f) == 1 && fflush(f) == 0 ? 0 : -1;
}

typedef struct {
    FILE *f;
    vocab_entry e;
    uint8_t *buf;
    size_t cap;
    int done;
} run_reader;

static int run_next(run_reader *r)
{
    uint64_t head[2];
    if (fread(head, sizeof head, 1, r->f) != 1) {
        if (!ferror(r->f))
            errno = EIO; /* a run always ends with its end record */
        return -1;
    }
    if (head[0] == 0) {
        r->done = 1;
        return 0;
    }
    if (head[1] > r->cap) {
        uint8_t *nb = realloc(r->buf, (size_t)head[1]);
        if (!nb)
            return -1;
        r->buf = nb;
        r->cap = (size_t)head[1];
    }
    if (head[1] && fread(r->buf, (size_t)head[1], 1, r->f) != 1) {
        errno = EIO;
        return -1;
    }
    r->e = (vocab_entry){.key = r->buf, .len = head[1], .count = head[0]};
    return 0;
}

int vocab_runs_merge(FILE **runs, size_t nruns, int (*emit)(void *ctx, const vocab_entry *e),
                     void *ctx)
{
    run_reader *r = calloc(nruns ? nruns : 1, sizeof *r);
    int rc = r ? 0 : -1;
    for (size_t i = 0; !rc && i < nruns; i++) {
        r[i].f = runs[i];
        rewind(runs[i]);
        rc = run_next(&r[i]);
    }
    /* A few runs (one per pass): the smallest head by a linear scan. */
    while (!rc) {
        size_t best = nruns;
        for (size_t i = 0; i < nruns; i++)
            if (!r[i].done && (best == nruns || vocab_entry_cmp(&r[i].e, &r[best].e) < 0))
                best = i;
        if (best == nruns)
            break;
        rc = emit(ctx, &r[best].e);
        if (!rc)
            rc = run_next(&r[best]);
    }
    for (size_t i = 0; r && i < nruns; i++)
        free(r[i].buf);
    free(r);
    return rc;
}
