/* run.c - the one run loop over the inputs. */
#include "run.h"

#include "input.h"
#include "ranks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int run_inputs(const count_setup *s, char *const *names, size_t n, run_sink sink, void *ctx)
{
    uint64_t *counts = malloc((s->words->n ? s->words->n : 1) * sizeof *counts);
    if (!counts)
        return ENOMEM;
    int stop = 0;
    for (size_t i = 0; i < n && !stop; i++) {
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
    }
    free(counts);
    return stop;
}
