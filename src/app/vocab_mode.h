/* vocab_mode.h - the whole --top/--vocab run: passes within --max-memory, then the report. */
#ifndef WORDTALLY_VOCAB_RUN_H
#define WORDTALLY_VOCAB_RUN_H

#include "cli.h"
#include "engine/count.h"

#include <stdint.h>

/* Counts every input's tokens and prints the table (o->top or o->vocab), with the engine set up
 * as `count` says (threads, kernel, where the team runs). Returns the exit status; errors are
 * printed. */
int vocab_run(const options *o, const count_setup *count, char **names, int nfiles);

#endif
