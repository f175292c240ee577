/* vocab_count.h - counting every token of the inputs into vocabulary tables (--top, --vocab): a
 * sink of the counting engine (engine/count.h), a token counted by the chunk holding its first
 * byte, and passes over hash partitions when the vocabulary does not fit in --max-memory. */
#ifndef WORDTALLY_VOCAB_COUNT_H
#define WORDTALLY_VOCAB_COUNT_H

#include "io/input.h"
#include "kernels/kernel.h"
#include "vocab.h"

#include <stdint.h>

/* Bytes read after a block, so that a token crossing its end is usually complete without reading
 * on. */
#define VOCAB_TAIL 256u

typedef struct {
    int threads;
    int mode;            /* COUNT_PARALLEL, COUNT_SERIAL or COUNT_VERIFY (count.h) */
    uint64_t chunk_size;
    int utf8;            /* SPEC §1: UTF-8 whitespace (1) or Latin-1 (0) */
    int fold;            /* -i: ASCII folded to lower case; in utf-8, Unicode (SPEC §8) */
    int tokens;          /* TOKENS_SPACE (SPEC §1) or TOKENS_WORDS (§8) */
    uint32_t part, parts;/* count only tokens of hash partition `part` of `parts` (0: all) */
    uint32_t rank, ranks;/* wordtally-mpi: count only this rank's share of each file's chunks */
    size_t budget;       /* bytes a thread's table may take before the pass gives up (0: none) */
    const kernel *kern;  /* whose token layer finds the tokens (kernel.h: tokens, or word_tokens
                          * with TOKENS_WORDS: a kernel_select_words kernel) */
    struct team_place *place; /* where the team runs (topo.h); NULL: unpinned */
} vocab_setup;

/* The tables of one pass: one per thread (merged into tables[0] by vocab_pass_finish), and the
 * serial path's with --verify. */
typedef struct {
    vocab_table *tables;
    int ntables;
    vocab_table serial;
    uint64_t bytes;      /* input bytes seen */
    double parallel_seconds, serial_seconds;
    int over_budget;     /* a table passed setup.budget: this pass must be redone, finer */
} vocab_pass;

int vocab_pass_init(vocab_pass *v, const vocab_setup *s);
void vocab_pass_free(vocab_pass *v);

/* Counts one input into the pass's tables. Returns 0 or an input error code (input_strerror);
 * ENOMEM if a table could not grow; stops early (returning 0) once v->over_budget is set. */
int vocab_count_input(const vocab_setup *s, const input *in, vocab_pass *v);

/* Merges the threads' tables into tables[0]. Returns 0 or ENOMEM. */
int vocab_pass_merge(vocab_pass *v);

/* The hash partition of a token (for setup.part/parts). */
static inline uint32_t vocab_partition(uint64_t h, uint32_t parts)
{
    return (uint32_t)(((h >> 32) * parts) >> 32);
}

#endif
