/* ranks.h - MPI (wordtally-mpi, built with -DWORDTALLY_MPI): the ranks share the inputs' chunk
 * table (count_files, or one input's: count_input), each counting its contiguous share with its
 * OpenMP team; rank 0 gets the sums and prints the report.
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

/* After plan_resolve: every rank must have listed the same inputs (-r, -L, --files-from expand
 * on each rank). Returns `status` (an exit code, or -1: go on), or EXIT_USAGE after the message. */
int ranks_check_inputs(int status, char *const *names, size_t n);

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

/* Many inputs (count_files), on every rank: each file's kind (counted, left to count_input,
 * failed, with f[j].failed_on) and size, as the rank that opened it first (file j: rank
 * j % ranks) found them. */
void ranks_files_kinds(table_file *f, size_t m);
/* After count_files, on every rank: each file's error from the first rank that failed on it
 * (f[j].failed_on), the counts summed on rank 0, the slowest rank's seconds. */
void ranks_combine_files(const count_setup *setup, table_file *f, size_t m, uint64_t *counts);
/* Just before file j's result is reported: an error another rank met becomes INPUT_ON_RANK, with
 * input_rank_reason naming the rank. */
int ranks_failed_on(int err, int rank);

/* ---- --top and --vocab (vocab_run.c): each rank counts its share of every file's chunk table,
 * then the tokens are shuffled so that each rank owns one hash partition of them ---- */

/* This rank and the number of ranks. */
void ranks_vocab_share(uint32_t *rank, uint32_t *ranks);
/* After each file, on every rank: the first failing rank's error (as ranks_combine), the sum of
 * the ranks' bytes in *bytes, and whether any rank's tables passed their budget in *over. */
int ranks_vocab_file(int err, uint64_t *bytes, int *over);
/* Any rank's flag set (MPI_MAX); the sum over the ranks (to every rank). */
int ranks_any(int flag);
uint64_t ranks_sum(uint64_t x);
/* Sends every key of t to the rank that owns its hash partition (MPI_Alltoallv in rounds of at
 * most a few MiB per rank), and leaves in t the keys this rank owns, counts summed. Returns 0, or
 * -1 if any rank ran out of memory. */
int ranks_vocab_shuffle(vocab_table *t);
/* Rank 0 gets every rank's best entries offered to its heap. Returns 0 or -1 (out of memory). */
int ranks_vocab_top(vocab_topk *best);
/* Rank 0 gets every other rank's sorted runs (files) appended to its list, copied into files
 * from temp(). Returns 0, or -1 (errno set). */
int ranks_vocab_runs(FILE ***runs, uint32_t *nruns, FILE *(*temp)(void));

#else

#define ranks_vocab_share(rank, ranks) (*(rank) = 0, *(ranks) = 1)
#define ranks_vocab_file(err, bytes, over) (err)
#define ranks_any(flag) (flag)
#define ranks_sum(x) (x)
#define ranks_vocab_shuffle(t) 0
#define ranks_vocab_top(best) 0
#define ranks_vocab_runs(runs, nruns, temp) 0
#define ranks_init(argc, argv) ((void)0)
#define ranks_check_options(status, o) (status)
#define ranks_place(t, bind, verbose) ((void)0)
#define ranks_share(setup) ((void)0)
#define ranks_combine(setup, name, counts, err, st) (err)
#define ranks_files_kinds(f, m) ((void)(f), (void)(m))
#define ranks_combine_files(setup, f, m, counts) ((void)0)
#define ranks_failed_on(err, rank) ((void)(rank), (err))
/* A function, not a macro: `status = ranks_check_inputs(status, ...)` must not read as a
 * self-assignment. */
static inline int ranks_check_inputs(int status, char *const *names, size_t n)
{
    (void)names;
    (void)n;
    return status;
}

#endif
#endif
