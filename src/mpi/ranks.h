/* ranks.h - MPI (wordtally-mpi): the ranks share the inputs' chunk table (count_files, or one
 * input's: count_input), each counting its contiguous share with its OpenMP team; rank 0 gets the
 * sums and prints the report. ranks.c is the MPI build's; ranks_none.c, linked into plain
 * wordtally, is one process's, so the callers read the same in both builds and only those two
 * files differ between them. */
#ifndef WORDTALLY_RANKS_H
#define WORDTALLY_RANKS_H

#include "engine/count.h"
#include "engine/topo.h"
#include "vocab/vocab.h"

#include <stdint.h>
#include <stdio.h>

/* MPI_Init; MPI_Finalize runs at exit. Ranks other than 0 print nothing (their stdout and stderr
 * go to /dev/null; --verbose gives their stderr back): rank 0 speaks for all. */
void ranks_init(int *argc, char ***argv);

/* 1 in wordtally-mpi, 0 in wordtally. */
int ranks_mpi(void);
/* An input error's reason (input_strerror), and for INPUT_ON_RANK the rank that failed and why. */
const char *ranks_strerror(int err);
/* "yes (MPI 3.1)" or "no (...)", for --version. */
const char *ranks_describe(void);

/* After cli_parse and the checks of the options MPI cannot take: every rank must take the same
 * way out, and every rank must have been given the same command line. digest[0] is the word
 * list's, digest[1] the other settings' (cli_digest). Returns `status` (an exit code, or -1: go
 * on), or EXIT_USAGE after the message. */
int ranks_agree(int status, const uint64_t digest[2]);

/* After plan_resolve: every rank must have listed the same inputs (-r, -L, --files-from expand
 * on each rank). Returns `status` (an exit code, or -1: go on), or EXIT_USAGE after the message. */
int ranks_check_inputs(int status, char *const *names, size_t n);

/* After topo_init: when the launcher left several ranks of a node on the same CPUs (mpirun
 * --oversubscribe, srun --cpu-bind=none), gives each a contiguous share of those cores, so that
 * their teams do not pin to the same ones; then *t is the rank's own CPU set. */
void ranks_place(topo *t, int bind, int verbose);

/* Sets this rank's share of the chunk tables (setup->part, setup->parts) and how the ranks
 * combine their counts (setup->ranks). */
void ranks_share(count_setup *setup);

/* ---- --top and --vocab (app/vocab_mode.c): each rank counts its share of every file's chunk
 * table, then the tokens are shuffled so that each rank owns one hash partition of them ---- */

/* This rank and the number of ranks. */
void ranks_vocab_share(uint32_t *rank, uint32_t *ranks);
/* After each file, on every rank: the first failing rank's error (as the counting mode's), the
 * sum of the ranks' bytes in *bytes, and whether any rank's tables passed their budget in *over. */
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

#endif
