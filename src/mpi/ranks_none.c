/* ranks_none.c - one process: what plain wordtally links instead of ranks.c. Every function is
 * the single rank's answer, so the callers need no #ifdef. */
#include "ranks.h"

void ranks_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

int ranks_mpi(void)
{
    return 0;
}

const char *ranks_strerror(int err)
{
    return input_strerror(err);
}

const char *ranks_describe(void)
{
    return "no (wordtally-mpi is the MPI build: make mpi)";
}

int ranks_agree(int status, const uint64_t digest[2])
{
    (void)digest;
    return status;
}

int ranks_check_inputs(int status, char *const *names, size_t n)
{
    (void)names;
    (void)n;
    return status;
}

void ranks_place(topo *t, int bind, int verbose)
{
    (void)t;
    (void)bind;
    (void)verbose;
}

void ranks_share(count_setup *setup)
{
    (void)setup; /* parts 0, ranks NULL: the whole of every input, nothing to combine */
}

void ranks_vocab_share(uint32_t *rank, uint32_t *ranks)
{
    *rank = 0;
    *ranks = 1;
}

int ranks_vocab_file(int err, uint64_t *bytes, int *over)
{
    (void)bytes;
    (void)over;
    return err;
}

int ranks_any(int flag)
{
    return flag;
}

uint64_t ranks_sum(uint64_t x)
{
    return x;
}

int ranks_vocab_shuffle(vocab_table *t)
{
    (void)t;
    return 0;
}

int ranks_vocab_top(vocab_topk *best)
{
    (void)best;
    return 0;
}

int ranks_vocab_runs(FILE ***runs, uint32_t *nruns, FILE *(*temp)(void))
{
    (void)runs;
    (void)nruns;
    (void)temp;
    return 0;
}
