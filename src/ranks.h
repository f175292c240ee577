/* ranks.h - MPI (wordtally-mpi, built with -DWORDTALLY_MPI): every rank counts a contiguous share of
 * every file's chunk table with its OpenMP team; rank 0 gets the sums and prints the report.
 * Without WORDTALLY_MPI these are no-ops, so main.c reads the same in both builds and plain
 * `make` needs no MPI headers. */
#ifndef WORDTALLY_RANKS_H
#define WORDTALLY_RANKS_H

#include "cli.h"
#include "count.h"
#include "report.h"
#include "topo.h"

#ifdef WORDTALLY_MPI

/* MPI_Init; MPI_Finalize runs at exit. Ranks other than 0 print nothing (their stdout and stderr
 * go to /dev/null; --verbose gives their stderr back): rank 0 speaks for all. */
void ranks_init(int *argc, char ***argv);

/* After cli_parse: standard input (no FILE, or "-") is refused, since ranks cannot share a
 * stream, and so are --sweep and --repeat (they time one process) and --per-chunk (a rank
 * sees only its share). Returns `status`, or
 * EXIT_USAGE after the message. --topology runs, and shows rank 0's CPU set. */
int ranks_check_options(int status, const options *o);

/* After topo_init: when the launcher left several ranks of a node on the same CPUs (mpirun
 * --oversubscribe, srun --cpu-bind=none), gives each a contiguous share of those cores, so that
 * their teams do not pin to the same ones; then *t is the rank's own CPU set. */
void ranks_place(topo *t, int bind, int verbose);

/* Sets this rank's share of the chunk tables (setup->part, setup->parts). */
void ranks_share(count_setup *setup);

/* After counting one file (all ranks, for every file, in the same order, whatever happened; the
 * run loop calls it, run.c): combines the ranks' errors (the first failing rank's wins, so every
 * rank returns the same), sums counts[] on rank 0, takes the slowest rank's seconds; with --verify, rank 0 also counts
 * the whole file serially and compares it with the sum. Returns the file's error code. */
int ranks_combine(const count_setup *setup, const char *name, uint64_t *counts, int err,
                  count_stats *st);

#else

#define ranks_init(argc, argv) ((void)0)
#define ranks_check_options(status, o) (status)
#define ranks_place(t, bind, verbose) ((void)0)
#define ranks_share(setup) ((void)0)
#define ranks_combine(setup, name, counts, err, st) (err)

#endif
#endif
