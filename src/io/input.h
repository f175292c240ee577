/* input.h - opening an input and reading its bytes with the context the kernels need. */
#ifndef WORDTALLY_INPUT_H
#define WORDTALLY_INPUT_H

#include "base/status.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define INPUT_WHY_MAX 320 /* an input error's reason: one line, an archive member's name in it */

typedef struct {
    const char *name; /* for messages and reports: the path, or "-" for standard input */
    int fd;
    int seekable;     /* a regular file: read with pread, in parallel; otherwise streamed */
    /* A regular file, read in place or decoded (then streamed): its size and modification time
     * when opened are checked once it is counted (input_check_unchanged). */
    int regular;
    uint64_t size;    /* a regular file's size when opened */
    int64_t mtime_s, mtime_ns; /* and its modification time: a rewrite in place changes it */
    /* Streams, and files whose first bytes are a compressed or archive format, are read through
     * this (unpack.h): the decoded text, or a stream's bytes with the ones read to recognise it.
     * NULL: read(fd). */
    struct unpack *unpack;
    int packed; /* the input is compressed or an archive: counted as a stream, never shared */
    uint64_t packed_size; /* a compressed regular file's size (its text's is unknown); else 0 */
    uint64_t cut; /* bytes of a regular file after `size` that input_limit left out (0: none) */
    char why[INPUT_WHY_MAX]; /* an INPUT_UNPACK error's reason (input_error), kept by input_close */
} input;

/* How the run opens its inputs: the same for every input, set once from the options. */
typedef struct {
    /* --decompress: 1 (auto, the default) decodes what unpack.h recognises; 0 (never) counts
     * every input's bytes as they are. */
    int decompress;
    /* The run's thread count (-t): with more than one, a compressed input is decoded by more
     * threads than the one that reads it (unpack_open). */
    int threads;
} input_settings;

/* The defaults: decoding on, one thread (tests, benchmarks). */
static const input_settings input_defaults = {.decompress = 1, .threads = 1};

int input_open(input *in, const char *path, const input_settings *how); /* "-": standard input */
/* What an input is before it is opened, by stat alone (opening a fifo blocks until it has a
 * writer, and reading a stream's first bytes would take them from the count): the one place
 * every mode asks. A regular file may still turn out compressed, or sized by procfs, when
 * input_open looks inside. */
enum {
    INPUT_KIND_FILE,       /* a named regular file: read in place, in parallel, again if need be */
    INPUT_KIND_STDIN_FILE, /* standard input redirected from a regular file not yet read from */
    INPUT_KIND_STREAM,     /* a pipe, terminal, device or socket, or standard input part-read */
    INPUT_KIND_OTHER,      /* a directory, or a name stat cannot find: input_open says why */
};
int input_kind(const char *path, struct stat *st);

/* --weak: a regular file is read as its first n bytes (n at most its size), as if they were the
 * whole file; input_check_unchanged still checks the whole file. */
void input_limit(input *in, uint64_t n);
/* Reads up to n bytes of a stream (or of the text a compressed input holds) into dst; *got is 0
 * at its end. The one place a stream's bytes come from. */
int input_read(const input *in, uint8_t *dst, size_t n, size_t *got);
/* A compressed input's compressed bytes read so far (0 for plain text): what its text came from. */
uint64_t input_packed_bytes(const input *in);
/* Bytes input_read added that the input does not hold: a newline between archive members. */
uint64_t input_added_bytes(const input *in);
void input_close(input *in);
/* What an input error code says; INPUT_UNPACK only in general: input_error has its reason. */
const char *input_strerror(int err);
/* Why in failed with err (input_open, input_read or the count), also once it is closed. */
const char *input_error(const input *in, int err);

/* A regular file of plain text of 1 to max bytes, read whole into p with the context of
 * input_read_block, its size in *size: the common input of a directory of many, in five system
 * calls (stat, open, one pread, fstat, close). Returns 0, an input error code, or INPUT_NOT_SMALL
 * for anything else (a stream, a bigger or compressed file, a name stat cannot find, a size that
 * may be made up), which input_open then reads the general way. */
int input_read_small(const char *path, uint64_t max, size_t tail, uint8_t *p, uint64_t *size,
                     const input_settings *how);

/* Reads exactly the n bytes at off of a regular file into dst (INPUT_CHANGED if it is shorter). */
int input_read_at(const input *in, uint64_t off, size_t n, uint8_t *dst);

/* Reads the block [off, off+len) of a regular file into p with the context of kernel.h:
 * KERNEL_BEFORE bytes before and `tail` bytes after the block (whitespace past the file's ends). */
int input_read_block(const input *in, uint64_t off, size_t len, size_t tail, uint8_t *p);

/* Cold-cache read-ahead: asks the kernel to start reading [off, off+len) of a regular file now
 * (POSIX_FADV_WILLNEED), so that the disk queue stays full while the threads count; nothing when
 * the range's first and last bytes are already cached (1-byte reads that may not wait tell). */
void input_read_ahead(const input *in, uint64_t off, uint64_t len);
#define INPUT_AHEAD_STEP (8u << 20)  /* issued once per this many bytes ... */
#define INPUT_AHEAD_DIST (32u << 20) /* ... for the step this far ahead of the reader */

/* Once counted: INPUT_CHANGED if a regular file (a compressed one too) no longer has the size it
 * had when opened, INPUT_MODIFIED if it was written to since (same size, newer modification
 * time). 0 for a stream. */
int input_check_unchanged(const input *in);

/* A stream (pipe, terminal, character device) read in batches: after stream_next, p[0..len) are
 * the batch's bytes, from `offset` on, with the kernel context around them. */
typedef struct {
    uint8_t *buf;
    uint8_t *p;
    size_t batch, tail; /* bytes per batch; read-ahead after it */
    size_t have;        /* valid bytes from p[0] */
    size_t len;         /* bytes in the current batch */
    uint64_t offset;    /* offset of p[0] in the stream */
    int eof;
} stream;

int stream_init(stream *s, size_t batch, size_t tail);
/* The bytes of a stream's batch for a team of `threads`: a few blocks for every thread, so that
 * each gets work, while memory stays bounded whatever the input. */
static inline size_t stream_batch_bytes(int threads)
{
    return (size_t)(4 + threads / 2) << 20;
}
/* Moves to the next batch; s->len is 0 at the end of the stream. */
int stream_next(stream *s, const input *in);
void stream_free(stream *s);

/* A zeroed buffer for one block of `block` bytes with its context; returns the kernel's p. */
uint8_t *block_alloc(size_t block, size_t tail);
void block_free(uint8_t *p);

#endif
