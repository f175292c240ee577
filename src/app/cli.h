/* cli.h - the command line: one options struct, filled by one parse. */
#ifndef WORDTALLY_CLI_H
#define WORDTALLY_CLI_H

#include "base/limits.h"
#include "base/parse.h"
#include "kernels/kernel.h"
#include "io/listing.h"
#include "report/report.h"
#include "base/words.h"

#include <stdint.h>
#include <stdio.h>

#define REPEAT_DEFAULT 3  /* timed runs per thread count when --sweep is given without --repeat */
#define REPEAT_MAX 1000

/* wordtally-mpi: every field that shapes the shares or the report must also go into cli_digest
 * (cli.c), so that ranks given different command lines stop instead of miscounting. */
typedef struct {
    wordlist words;      /* default: dog cat boy girl */
    int threads;         /* 0: the default of SPEC §3 */
    uint64_t chunk_size; /* bytes */
    int mode;            /* COUNT_PARALLEL, COUNT_SERIAL or COUNT_VERIFY */
    int format;
    const char *kernel;  /* "auto" or a kernel's name, as given */
    const kernel *kern;  /* the kernel it names, checked against this CPU */
    int bind;            /* --bind, --no-bind: BIND_* of engine/topo.h */
    int verbose;
    const char *sweep;   /* --sweep LIST (checked here, expanded by sweep.c); NULL: no sweep */
    int repeat;          /* --repeat N: timed runs; 0: one untimed-for-statistics run */
    uint64_t weak;       /* --weak SIZE: a weak-scaling sweep, SIZE bytes per thread; 0: strong */
    int topology;        /* --topology: print the machine and the binding plan, count nothing */
    int progress;        /* PROGRESS_AUTO (stderr is a terminal), PROGRESS_ON or PROGRESS_OFF */
    int per_chunk;       /* --per-chunk: counts for every chunk, in chunk-table order */
    int io;              /* --io: IO_PREAD or IO_MMAP (mapio.h) */
    uint64_t top;        /* --top K: the K most frequent tokens (SPEC §7); 0: not asked */
    int vocab;           /* --vocab: every distinct token with its count */
    uint64_t max_memory; /* --max-memory: bytes the vocabulary tables may take (vocab_mode.h) */
    int total;           /* --total: TOTAL_* */
    int decompress;      /* --decompress: 1 auto (default), 0 never */
    name_rules names;    /* --files-from, --null, -r, -L: how inputs are listed (io/listing.h) */
    char **files;        /* none: standard input */
    int nfiles;
} options;

/* Returns -1 to go on, or an exit code: EXIT_OK after --help/--version (EXIT_INPUT if writing
 * them failed), EXIT_USAGE after printing a one-line error. */
int cli_parse(int argc, char **argv, options *o);
void cli_free(options *o);

/* wordtally-mpi: refuses what MPI ranks cannot share (standard input, --sweep, --repeat,
 * --per-chunk) with a one-line message. Returns `status`, or EXIT_USAGE. */
int cli_check_ranks(int status, const options *o);
/* The digests of the word list (digest[0]) and of every other setting that shapes the shares or
 * the report (digest[1]), which every rank must share (ranks_agree). */
void cli_digest(const options *o, uint64_t digest[2]);

#endif
