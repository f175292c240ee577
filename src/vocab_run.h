/* vocab_run.h - the whole --top/--vocab run: passes within --max-memory, then the report. */
#ifndef WORDTALLY_VOCAB_RUN_H
#define WORDTALLY_VOCAB_RUN_H

#include "cli.h"

#include <stdint.h>

/* The default --max-memory: half the memory this process may use (the machine's RAM, or its
 * cgroup's limit when lower). */
uint64_t vocab_default_max_memory(void);

/* Counts every input's tokens and prints the table (o->top or o->vocab). Returns the exit
 * status; errors are printed. */
int vocab_run(const options *o, int threads, char **names, int nfiles);

#endif
