/* progress.h - progress on stderr while counting: bytes done, GB/s, time elapsed and left. */
#ifndef WORDTALLY_PROGRESS_H
#define WORDTALLY_PROGRESS_H

#include "io/input.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

enum { PROGRESS_AUTO, PROGRESS_ON, PROGRESS_OFF }; /* AUTO: only when stderr is a terminal */

/* The counting threads only add to `done` (one relaxed atomic add per chunk); thread 0 alone
 * calls progress_tick, which prints at most 4 times a second, so the kernel never waits on it. */
typedef struct progress {
    _Atomic uint64_t done; /* bytes counted of the current input */
    uint64_t total;        /* the input's bytes to count; 0: unknown (a pipe) */
    int passes;            /* how often each byte is counted: 2 with --verify (both paths) */
    const char *name;
    int input, inputs;     /* "file k of N": the input's place among the run's (0: not said) */
    const input *packed;   /* a compressed input: its compressed bytes read give the share done */
    FILE *out;
    int tty;               /* a terminal: one line redrawn in place; else a line per update */
    double start, next;    /* when the input began; when the next line is due */
    int shown;             /* a line is on the terminal and must be erased at the end */
} progress;

/* Returns p ready to use, or NULL when progress is off (mode PROGRESS_*; out is stderr). */
progress *progress_init(progress *p, int mode, FILE *out);
/* A new input of `total` bytes (0: unknown), each counted `passes` times: the line shows the
 * bytes done over all passes divided by `passes`, so its total is the input's size. */
void progress_begin(progress *p, const char *name, uint64_t total, int passes);
/* The next input is the k-th of n (shown when n > 1). */
void progress_input(progress *p, int k, int n);
/* The current input is compressed: its share done and time left follow its compressed bytes read
 * (of in->packed_size; unknown for a pipe), as its text's size is not known before its end. */
void progress_packed(progress *p, const input *in);
static inline void progress_add(progress *p, uint64_t bytes)
{
    if (p)
        atomic_fetch_add_explicit(&p->done, bytes, memory_order_relaxed);
}
void progress_tick(progress *p);
/* The input is done: erases the terminal line, or prints a last line when not a terminal. */
void progress_end(progress *p);

#endif
