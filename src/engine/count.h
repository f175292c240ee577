/* count.h - the parallel and serial drivers over the chunk table. */
#ifndef WORDTALLY_COUNT_H
#define WORDTALLY_COUNT_H

#include "base/chunks.h"
#include "io/input.h"
#include "kernels/kernel.h"
#include "base/verify.h"

/* Files are read in blocks of at most this many bytes, so a thread's buffer fits in L2 whatever
 * the chunk size; streams are cut into pieces of this size so that every thread gets work. */
#define COUNT_BLOCK (256u * 1024u)

enum { COUNT_PARALLEL = 1, COUNT_SERIAL = 2, COUNT_VERIFY = 3 }; /* VERIFY = both */

struct count_ranks;

/* A block the engine hands to a sink: the tokens that start in p[0..len) are the sink's. */
typedef struct {
    const uint8_t *p;
    size_t len;
    uint64_t offset; /* of p[0] in the input */
    size_t after;    /* bytes of the input after the block in memory, p[len .. len + after) */
    int last;        /* the input ends at p[len + after], and whitespace follows there */
    const input *in; /* a regular file, to read on where a token goes past the bytes in memory;
                      * NULL in a stream's batch (the sink carries the token: batch below) */
} count_block;

/* What the counting threads do with their blocks, when it is not the target words' counts
 * (setup.sink NULL: the kernel counts into counts[]): the vocabulary's token tables
 * (vocab/vocab_count.c). The engine is the same: the chunk table, the file and stream reads, the
 * MPI share, the parallel and serial paths, their times. */
typedef struct {
    size_t tail; /* bytes of context the sink reads after a block */
    void *ctx;
    /* A state for thread `thread` of the team, or for the serial path (-1); NULL: no memory. */
    void *(*open)(void *ctx, int thread);
    /* The tokens starting in the block. Returns 0, an input error code, or INPUT_STOPPED to end
     * the count (count_input returns it). */
    int (*block)(void *state, const count_block *b);
    void (*close)(void *ctx, void *state);
    /* A stream: called before a batch is counted (done 0) and after (done 1). NULL: none. */
    int (*batch)(void *ctx, const stream *b, int done);
} count_sink;

typedef struct count_setup {
    const wordlist *words;
    const kernel *kern;
    uint64_t chunk_size;
    int threads;
    int mode;
    /* Only share `part` of `parts` of each file's chunk table (chunks_share): an MPI rank's.
     * parts 0 or 1: the whole file. A chunk's count needs only the bytes around it, so the
     * shares' counts add up exactly; only regular files can be shared. */
    int part, parts;
    /* Progress on stderr (progress.h); NULL: none. */
    struct progress *progress;
    /* --per-chunk: called for every chunk in chunk-table order, whatever the thread count, with
     * its counts (a chunk that a pipe's batches cut into pieces is summed first). NULL: totals
     * only. The rows are kept a window at a time (COUNT_ROWS_BYTES), so memory stays bounded. */
    /* Returns -1 to stop the count (its output failed): count_input returns INPUT_STOPPED. */
    int (*per_chunk)(void *ctx, const char *name, const chunk *c, const uint64_t *counts);
    void *per_chunk_ctx;
    int io; /* IO_PREAD (default) or IO_MMAP (mapio.h): how regular files are read */
    input_settings inputs; /* how inputs are opened: --decompress, decoding threads */
    /* The parallel team pins itself and notes where it counts (topo.h); NULL: neither. */
    struct team_place *place;
    /* wordtally-mpi: how the ranks combine what they counted (mpi/ranks.c sets it with part and
     * parts); NULL for one process. */
    const struct count_ranks *ranks;
    /* NULL: the kernel counts words into counts[]; else what the threads feed (count_input only). */
    const count_sink *sink;
} count_setup;

#define COUNT_ROWS_BYTES (4u * 1024u * 1024u)

typedef struct {
    uint64_t bytes;
    /* Time in the counting loops, no set-up, no report; for a stream (a pipe, a compressed input)
     * the reported path's also holds the waits for its bytes (reading, decoding): the wall time
     * the user waited for the input. */
    double parallel_seconds;
    double serial_seconds;
    int mismatch;            /* COUNT_VERIFY: the paths disagreed; see where */
    difference where;
    uint64_t where_chunk, where_offset;
    int whole; /* wordtally-mpi: a compressed input, counted whole by the first share */
    uint64_t packed_bytes; /* a compressed input: the compressed bytes its text came from */
    char decoded[160]; /* how a compressed input was decoded (unpack_describe), for -v */
} count_stats;

/* A stream's bytes come as fast as its reader or decoder gives them: the time the counting loops
 * waited for them (the wall time of the whole input, less the paths' counting times) goes to the
 * reported path of `mode`, so that its seconds are the time the user waited for the input. */
void count_waited(double *parallel, double *serial, int mode, double wall);

/* Counts one input, adding to counts[] (the parallel path's counts when verifying).
 * Returns 0 or an input error code (input_strerror). */
int count_input(const count_setup *s, const input *in, uint64_t *counts, count_stats *st);

/* One of the files count_files counts together. */
typedef struct {
    const char *name;
    _Atomic int err; /* 0 or an input error code: the first a thread met */
    int deferred;  /* not a regular file of plain text (a stream, a compressed file, standard
                    * input, a name stat cannot find): left to count_input, which says why */
    uint64_t size; /* as first opened; a thread that opens it again checks it */
    count_stats st;
    int failed_on; /* wordtally-mpi: the rank whose error err is */
} table_file;

/* Counts the regular files among f[0..m) as one chunk table, in one team, with the parallel
 * path: a file of one chunk is counted whole by the thread that opens it, the chunks of the
 * bigger ones go into one table shared by the team. counts[j * nwords ...] gets file j's counts
 * (set to zero first); f[j].err says whether it was counted. With MPI ranks (parts > 1) the
 * table is the ranks' too: file j is opened first by rank j % parts alone (which counts it if it
 * is small), and each rank counts its share of the bigger files' chunks; ranks_combine_files
 * adds up the ranks' counts afterwards. */
void count_files(const count_setup *s, table_file *f, size_t m, uint64_t *counts);

/* What the MPI ranks add between counting and reporting. The engine reaches MPI only through
 * these, so it builds, links and is linted the same with and without it. */
typedef struct count_ranks {
    /* In count_files, between its two steps: each file's kind and size as the rank that opened it
     * first found them, so that every rank builds the same table of the bigger files. */
    void (*files_kinds)(table_file *f, size_t m);
    /* After count_files, on every rank: each file's error from the first rank that failed on it
     * (f[j].failed_on), the counts summed on rank 0, the slowest rank's seconds. */
    void (*combine_files)(const count_setup *s, table_file *f, size_t m, uint64_t *counts);
    /* After one input counted by itself (every rank, every input, whatever happened): the first
     * failing rank's error, counts summed on rank 0, the slowest rank's seconds; with --verify,
     * rank 0 also counts the whole input serially. Returns the input's error code. */
    int (*combine)(const count_setup *s, const char *name, uint64_t *counts, int err,
                   count_stats *st);
    /* Just before file j's result is reported: an error another rank met, named as such. */
    int (*failed_on)(int err, int rank);
    /* After each batch of inputs, on every rank: a sink's stop on any rank (rank 0's, whose
     * standard output failed), so that every rank stops after the same batch. */
    int (*agree_stop)(int stop);
} count_ranks;

#endif
