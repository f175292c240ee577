/* sweep.h - timed runs: --repeat (one thread count, STREAM-style min/median/max) and --sweep
 * (a strong-scaling table over a list of thread counts). */
#ifndef WORDTALLY_SWEEP_H
#define WORDTALLY_SWEEP_H

#include "plan.h"
#include "topo.h"

#define REPEAT_DEFAULT 3  /* timed runs per thread count when --sweep is given without --repeat */
#define REPEAT_MAX 1000

/* Parses a --sweep LIST: "cores" (1, 2, ..., ncores) or thread counts from 1 to THREADS_MAX
 * separated by commas, no blanks, no empty entries, no repeats. Writes at most `max` entries to
 * out (out may be NULL to only check the syntax). Returns the number of entries, or -1 with *why
 * set to a reason for a usage error. */
int sweep_parse(const char *list, int ncores, int *out, int max, const char **why);

/* The median of v[0..n) (n >= 1); sorts v. */
double sweep_median(double *v, int n);

/* The first index where a[] and b[] differ, or -1 when all n agree. */
long sweep_first_difference(const uint64_t *a, const uint64_t *b, size_t n);

/* Runs --sweep or --repeat over the plan's inputs (regular files only: each is read several times)
 * and prints the table to stdout. The plan's threads are a plain --repeat run's team; a sweep
 * varies only the team size. Returns an exit
 * code: EXIT_OK; EXIT_INPUT if an input failed (timings of part of the inputs would mislead, so
 * it stops); EXIT_USAGE for a stream; EXIT_MISMATCH if two runs' counts differ. */
int sweep_run(const plan *p, const topo *machine);

#endif
