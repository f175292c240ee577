/* vocab_mode.h - the whole --top/--vocab run: passes within --max-memory, then the report. */
#ifndef WORDTALLY_VOCAB_RUN_H
#define WORDTALLY_VOCAB_RUN_H

#include "cli.h"

#include <stdint.h>

/* Counts every input's tokens and prints the table (o->top or o->vocab). Returns the exit
 * status; errors are printed. */
int vocab_run(const options *o, int threads, char **names, int nfiles);

#endif
