/* ranks_internal.h - what ranks.c and ranks_vocab.c share: this rank, the number of ranks, the
 * reason of an error another rank met, a growing byte buffer, and the way out when memory runs
 * out in the middle of a collective call. Not for use outside mpi/. */
#ifndef WORDTALLY_RANKS_INTERNAL_H
#define WORDTALLY_RANKS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

extern int my_rank, nranks;
/* Why INPUT_ON_RANK: the rank that failed and its reason, as rank 0 reports it. */
extern char on_rank_reason[160];

/* A growing buffer of bytes (output lines, --top/--vocab records). */
typedef struct {
    uint8_t *p;
    size_t n, cap;
} bytes_buf;

/* Room for `need` more bytes. Returns 0, or -1 when out of memory. */
int buf_room(bytes_buf *b, size_t need);

/* Out of memory where the other ranks wait in a collective call: every rank stops (exit 1). */
_Noreturn void abort_ranks(void);

#endif
