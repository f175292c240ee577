/* run.h - the one run loop: every input of the plan, in order, opened, counted by the paths the
 * set-up asks for, closed, combined across MPI ranks, and handed to a sink. A plain count, every
 * run of --sweep/--repeat and wordtally-mpi's whole-file check all go through run_inputs, so a
 * new kind of input is added in one place. */
#ifndef WORDTALLY_RUN_H
#define WORDTALLY_RUN_H

#include "count.h"

#include <stddef.h>
#include <stdint.h>

/* One input's result, handed to the sink as soon as the input is done. */
typedef struct {
    size_t index;           /* the input's place in the list, from 0 */
    const char *name;       /* as given; "-" is standard input */
    int err;                /* 0, or an input error code (input_strerror) */
    const char *why;        /* INPUT_UNPACK's reason (input_error), else NULL */
    const uint64_t *counts; /* one per word (the reported path's); valid until the sink returns */
    const count_stats *st;  /* bytes, seconds, and where --verify found a difference */
} run_result;

/* Returns 0 to go on, or non-zero to stop the loop (run_inputs then returns that value). */
typedef int (*run_sink)(void *ctx, const run_result *r);

/* Counts names[0..n) with set-up s, handing each result to sink in input order. Returns 0, ENOMEM
 * if the counters could not be allocated, or the first non-zero value a sink returned. */
int run_inputs(const count_setup *s, char *const *names, size_t n, run_sink sink, void *ctx);

#endif
