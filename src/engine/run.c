/* run.c - the one run loop over the inputs. */
#include "run.h"

#include "engine/progress.h"
#include "io/input.h"
#include "io/mapio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Many inputs are counted a batch at a time, as one chunk table (count_files): one fork/join of
 * the team per batch, not one per file. A fork/join waits until every thread of the team has
 * run, which on a loaded machine can take a time slice: 20,000 files of 28 KB took 2 to 33 s
 * with 2 threads on a busy machine when each file had its own. */
#define RUN_BATCH 1024             /* files per batch at most */
#define RUN_BATCH_BYTES (8u << 20) /* and at most this much of their counters */

/* Batches only where they change nothing the user sees: the parallel path (of one process or
 * of MPI ranks), no per-chunk rows and no progress line (both follow one input at a time), read
 * with pread. */
static int batches_files(const count_setup *s)
{
    return s->mode == COUNT_PARALLEL && !s->per_chunk && !s->progress && s->io != IO_MMAP;
}

/* One input by itself: opened, counted by the paths the set-up asks for, closed, and with
 * wordtally-mpi combined across the ranks. An INPUT_UNPACK error's reason is left in why. */
static int count_one(const count_setup *s, const char *name, uint64_t *counts, count_stats *st,
                     char why[INPUT_WHY_MAX])
{
    input in;
    memset(st, 0, sizeof *st);
    memset(counts, 0, s->words->n * sizeof *counts);
    int err = input_open(&in, name, &s->inputs);
    if (!err) {
        err = count_input(s, &in, counts, st);
        input_close(&in);
    }
    if (err == INPUT_UNPACK)
        snprintf(why, INPUT_WHY_MAX, "%s", input_error(&in, err));
    if (s->ranks) /* wordtally-mpi: every rank, for every input, whatever happened */
        err = s->ranks->combine(s, name, counts, err, st);
    return err;
}

/* Counts names[first..first+m) together, then hands their results to the sink in order; the
 * inputs count_files leaves (streams, compressed files) are counted one by one on the way.
 * Returns what the sink returned (0: go on). */
static int run_batch(const count_setup *s, char *const *names, size_t first, size_t m,
                     uint64_t *counts, table_file *f, run_sink sink, void *ctx)
{
    const size_t nw = s->words->n;
    for (size_t j = 0; j < m; j++)
        f[j] = (table_file){.name = names[first + j], .failed_on = -1};
    count_files(s, f, m, counts);
    if (s->ranks && s->parts > 1)
        s->ranks->combine_files(s, f, m, counts);
    /* wordtally-mpi: a sink stops on rank 0 alone (its standard output failed), and a deferred
     * input is counted by all the ranks together: each goes to the batch's end, then they agree. */
    int stop = 0;
    char why[INPUT_WHY_MAX];
    for (size_t j = 0; j < m && (!stop || s->ranks); j++) {
        int err = f[j].deferred ? count_one(s, f[j].name, counts + j * nw, &f[j].st, why)
                  : s->ranks    ? s->ranks->failed_on(f[j].err, f[j].failed_on)
                                : f[j].err;
        run_result r = {.index = first + j, .name = f[j].name, .err = err,
                        .why = f[j].deferred && err == INPUT_UNPACK ? why : NULL,
                        .counts = counts + j * nw, .st = &f[j].st};
        if (!stop)
            stop = sink(ctx, &r);
    }
    return s->ranks ? s->ranks->agree_stop(stop) : stop;
}

int run_inputs(const count_setup *s, char *const *names, size_t n, run_sink sink, void *ctx)
{
    const size_t nw = s->words->n ? s->words->n : 1;
    size_t batch = RUN_BATCH_BYTES / (nw * sizeof(uint64_t));
    batch = !batches_files(s) ? 1 : batch < 1 ? 1 : batch > RUN_BATCH ? RUN_BATCH : batch;
    uint64_t *counts = malloc(batch * nw * sizeof *counts);
    table_file *files = batch > 1 ? malloc(batch * sizeof *files) : NULL;
    if (!counts || (batch > 1 && !files)) {
        free(counts);
        free(files);
        return ENOMEM;
    }
    int stop = 0;
    for (size_t i = 0; i < n && !stop;) {
        size_t m = n - i < batch ? n - i : batch;
        if (m > 1) {
            stop = run_batch(s, names, i, m, counts, files, sink, ctx);
            i += m;
            continue;
        }
        count_stats st;
        char why[INPUT_WHY_MAX];
        progress_input(s->progress, (int)(i + 1), (int)n);
        int err = count_one(s, names[i], counts, &st, why);
        run_result r = {.index = i, .name = names[i], .err = err,
                        .why = err == INPUT_UNPACK ? why : NULL, .counts = counts, .st = &st};
        stop = sink(ctx, &r);
        if (s->ranks)
            stop = s->ranks->agree_stop(stop);
        i++;
    }
    free(files);
    free(counts);
    return stop;
}
