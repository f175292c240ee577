/* sweep.h - timed runs: --repeat (one thread count, STREAM-style min/median/max) and --sweep
 * (a strong-scaling table over a list of thread counts). */
#ifndef WORDTALLY_SWEEP_H
#define WORDTALLY_SWEEP_H

#include "plan.h"
#include "engine/topo.h"

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
