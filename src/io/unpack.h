/* unpack.h - compressed inputs and archives read as the text they hold (SPEC §6): gzip, zstd, xz
 * and bzip2 decoded as a stream, tar (libarchive) and zip (zip.h) archives member after member,
 * known by their first bytes. Streams that hold plain text go through here too, so that the bytes read to recognise
 * them are not lost. */
#ifndef WORDTALLY_UNPACK_H
#define WORDTALLY_UNPACK_H

#include <stddef.h>
#include <stdint.h>

/* Enough first bytes to recognise every format: a tar header's "ustar" ends at byte 262. */
#define UNPACK_HEAD 512
/* The most an empty tar holds: a record of 20 blocks of NULs. */
#define UNPACK_EMPTY_TAR_MAX 10240

typedef struct unpack unpack;

/* Is this the start of a compressed file or an archive? size: the whole input's, when known
 * (a regular file), else UINT64_MAX. An empty tar (2 to 20 blocks of NULs, nothing else) is known
 * only when head holds the whole input (n == size, up to UNPACK_EMPTY_TAR_MAX bytes): blocks of
 * NULs followed by text are text. */
int unpack_recognises(const uint8_t *head, size_t n, uint64_t size);

/* A reader of fd, whose first n bytes, head[0..n), were already read from it (streams) or are
 * still to be read (n = 0: a regular file read from its start). Fewer than UNPACK_HEAD bytes mean
 * the input ended there: fd is not read again (a terminal's end of input is not sticky: one
 * Ctrl-D must end it). With threads > 1, pieces that
 * decode on their own (BGZF blocks, zstd frames) are decoded in parallel by the calling thread's
 * OpenMP team, other compressed data by a reader thread ahead of the reads. Returns 0, ENOMEM,
 * an errno value, or INPUT_UNPACK when the decoded start is damaged (unpack_reason says why).
 * *u is set even then, for unpack_reason; unpack_close frees it. */
int unpack_open(unpack **u, int fd, const uint8_t *head, size_t n, int threads);
void unpack_close(unpack *u);

/* Reads up to n decoded bytes into dst: *got is 0 at the end. Returns 0, an errno value, or
 * INPUT_UNPACK (unpack_reason says why, naming the member). */
int unpack_read(unpack *u, uint8_t *dst, size_t n, size_t *got);

/* Why unpack_open or unpack_read returned INPUT_UNPACK: one line, naming the archive member the
 * error is in; "" before any such error. Valid until unpack_close. */
const char *unpack_reason(const unpack *u);

/* Bytes the reader added between archive members (one newline each: a token never runs from one
 * member into the next); not the input's bytes. */
uint64_t unpack_separators(const unpack *u);

/* The compressed (raw) bytes read from the input so far, the first n bytes given to unpack_open
 * included: updated by whichever thread reads, so --progress can follow a compressed input. */
uint64_t unpack_consumed(const unpack *u);

/* 1 if a reader thread decodes ahead of the reads (it takes a core), else 0. */
int unpack_reads_ahead(const unpack *u);

/* Notes the calling thread's CPUs, before the team is pinned: reader threads run on those. */
void unpack_keep_cpus(void);

/* How the input was decoded, for --verbose ("gzip (BGZF): 1700 blocks decoded in parallel ...");
 * "" for an input that is not compressed. */
void unpack_describe(const unpack *u, char *buf, size_t n);

/* The libraries the decoders come from, with their versions, for --version. */
const char *unpack_libraries(void);

#endif
