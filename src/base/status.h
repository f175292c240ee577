/* status.h - what a run or an input can end with: the exit codes (SPEC §4) and the input error
 * codes every layer passes up (0, an errno value, or one of INPUT_*), and one read(2) that
 * reports its errno. */
#ifndef WORDTALLY_STATUS_H
#define WORDTALLY_STATUS_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes: SPEC §4. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_MISMATCH = 3 };

/* Error codes: 0, an errno value, or this one. */
#define INPUT_CHANGED (-1) /* the file's size changed while it was counted */
#define INPUT_NOT_SHARED (-2) /* a stream cannot be shared between MPI ranks */
#define INPUT_RANKS_DIFFER (-3) /* MPI ranks found different sizes (not the same file) */
#define INPUT_MODIFIED (-4) /* same size, but written to while it was counted (mtime moved) */
#define INPUT_ON_RANK (-5) /* wordtally-mpi: another rank failed; ranks_strerror says why */
/* A compressed file or archive that is damaged, truncated, or needs more memory than allowed;
 * input_error (io/input.h) says why, naming the member. */
#define INPUT_UNPACK (-6)
/* input_read_small: not a small regular file of plain text; open it with input_open. Never
 * reported. */
#define INPUT_NOT_SMALL (-7)
/* --top/--vocab: a token longer than a thread's share of --max-memory, which no number of
 * passes can hold: said at once, never held whole. */
#define INPUT_TOKEN_TOO_LONG (-8)
/* The count was stopped because its own output failed (--per-chunk rows): reported as standard
 * output's error, not the input's. */
#define INPUT_STOPPED (-9)
/* --tokens=words: a run of Extend/Format/ZWJ characters at a block's edge longer than the
 * kernel's context, whose word boundaries it cannot decide (kernel_words_undecided). */
#define INPUT_WORDS_UNDECIDED (-10)

/* One read(2) of up to n bytes, again when a signal interrupts it: 0 or errno. */
int read_some(int fd, uint8_t *dst, size_t n, size_t *got);

#endif
