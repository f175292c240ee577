/* sweep.h - timed runs: --repeat (one thread count, STREAM-style min/median/max) and --sweep
 * (a strong-scaling table over a list of thread counts). */
#ifndef WORDTALLY_SWEEP_H
#define WORDTALLY_SWEEP_H

#include "plan.h"
#include "engine/topo.h"

/* When the machine counts as busy (sweep_row.busy): a 1-minute load average above this before the
 * sweep is other work holding about that many cores, which a sweep up to all cores shares; runs of
 * one thread count whose slowest is this much (a fraction) slower than the fastest were held up. */
#define SWEEP_BUSY_LOAD_ABOVE 0.5
#define SWEEP_BUSY_SPREAD_ABOVE 0.10

/* The median of v[0..n) (n >= 1); sorts v. */
double sweep_median(double *v, int n);

/* The first index where a[] and b[] differ, or -1 when all n agree. */
long sweep_first_difference(const uint64_t *a, const uint64_t *b, size_t n);

/* Runs --sweep (strong, or weak with --weak: one input, of which t threads count the first
 * t x SIZE bytes) or --repeat over the plan's inputs (regular files only: each is read several times)
 * and prints the table to stdout. The plan's threads are a plain --repeat run's team; a sweep
 * varies only the team size. Returns an exit
 * code: EXIT_OK; EXIT_INPUT if an input failed (timings of part of the inputs would mislead, so
 * it stops); EXIT_USAGE for a stream; EXIT_MISMATCH if two runs' counts differ. */
int sweep_run(const plan *p, const topo *machine);

#endif
