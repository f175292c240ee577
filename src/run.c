/* run.c - the one run loop over the inputs. */
#include "run.h"

#include "input.h"
#include "ranks.h"
#include "timer.h"
#include "topo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Small files are counted a batch at a time, a whole file per thread (with the serial path, the
 * same kernel and chunk table): one fork/join of the team per batch, not one per file. A fork/join
 * waits until every thread of the team has run, which on a loaded machine can take a time slice:
 * 20,000 files of 28 KB took 2 to 33 s with 2 threads on a busy machine, against 0.4 s with one. */
#define RUN_BATCH 1024          /* files per batch at most */
#define RUN_BATCH_BYTES (8u << 20) /* and at most this much of their counters */

/* A file small enough to be one chunk, judged by stat before it is opened (the batch opens its
 * files in the threads, so that at most one per thread is open). A size of 0 may lie (procfs):
 * such files, and anything but a regular file, go the usual way. */
static int small_file(const count_setup *s, const char *name)
{
    struct stat sb;
    return strcmp(name, "-") != 0 && stat(name, &sb) == 0 && S_ISREG(sb.st_mode) &&
           sb.st_size > 0 && (uint64_t)sb.st_size <= s->chunk_size;
}

/* Batches only where they change nothing the user sees: the parallel path of one process, no
 * per-chunk rows and no progress line (both follow one input at a time). */
static int batches_small_files(const count_setup *s)
{
    return s->mode == COUNT_PARALLEL && s->threads > 1 && s->parts <= 1 && !s->per_chunk &&
           !s->progress;
}

typedef struct {
    int err;
    count_stats st;
} small_result;

/* Counts names[first..first+m) (all small files), then hands their results to the sink in
 * order. Returns what the sink returned (0: go on). */
static int run_small(const count_setup *s, char *const *names, size_t first, size_t m,
                     uint64_t *counts, small_result *res, run_sink sink, void *ctx)
{
    const size_t nw = s->words->n;
    count_setup one = *s;
    one.mode = COUNT_SERIAL;
    one.threads = 1;
    one.place = NULL;
    memset(counts, 0, m * nw * sizeof *counts);
    double start = timer_now();
#pragma omp parallel num_threads(s->threads)
    {
        team_place_enter(s->place);
#pragma omp for schedule(dynamic)
        for (size_t j = 0; j < m; j++) {
            input in;
            res[j] = (small_result){0};
            res[j].err = input_open(&in, names[first + j]);
            if (!res[j].err) {
                res[j].err = count_input(&one, &in, counts + j * nw, &res[j].st);
                input_close(&in);
            }
            team_place_seen(s->place);
        }
    }
    double each = (timer_now() - start) / (double)m; /* the batch's time, shared out */
    int stop = 0;
    for (size_t j = 0; j < m && !stop; j++) {
        res[j].st.parallel_seconds = each;
        res[j].st.serial_seconds = 0;
        run_result r = {.index = first + j, .name = names[first + j], .err = res[j].err,
                        .counts = counts + j * nw, .st = &res[j].st};
        stop = sink(ctx, &r);
    }
    return stop;
}

int run_inputs(const count_setup *s, char *const *names, size_t n, run_sink sink, void *ctx)
{
    const size_t nw = s->words->n ? s->words->n : 1;
    size_t batch = RUN_BATCH_BYTES / (nw * sizeof(uint64_t));
    batch = !batches_small_files(s) ? 1 : batch < 1 ? 1 : batch > RUN_BATCH ? RUN_BATCH : batch;
    uint64_t *counts = malloc(batch * nw * sizeof *counts);
    small_result *res = batch > 1 ? malloc(batch * sizeof *res) : NULL;
    if (!counts || (batch > 1 && !res)) {
        free(counts);
        free(res);
        return ENOMEM;
    }
    int stop = 0;
    for (size_t i = 0; i < n && !stop;) {
        size_t m = 0;
        while (batch > 1 && m < batch && i + m < n && small_file(s, names[i + m]))
            m++;
        if (m > 1) {
            stop = run_small(s, names, i, m, counts, res, sink, ctx);
            i += m;
            continue;
        }
        input in;
        count_stats st = {0};
        memset(counts, 0, s->words->n * sizeof *counts);
        int err = input_open(&in, names[i]);
        if (!err) {
            err = count_input(s, &in, counts, &st);
            input_close(&in);
        }
        if (s->parts) /* wordtally-mpi: every rank, for every input, whatever happened */
            err = ranks_combine(s, names[i], counts, err, &st);
        run_result r = {.index = i, .name = names[i], .err = err, .counts = counts, .st = &st};
        stop = sink(ctx, &r);
        i++;
    }
    free(res);
    free(counts);
    return stop;
}
