/* unpack_internal.h - what the files of the reader of compressed inputs and archives share
 * (unpack.h): the reader's state, and each file's part of the work:
 *   unpack.c          the reader: opening, reading, describing, closing
 *   unpack_detect.c   recognising a format by its first bytes
 *   unpack_stream.c   the compressed bytes and the stream decoders (zlib, libzstd, liblzma, libbz2)
 *   unpack_pieces.c   pieces that decode on their own (BGZF blocks, zstd frames), in parallel
 *   unpack_ahead.c    the reader thread that decodes ahead of the counting
 *   unpack_archive.c  archives: tar (libarchive) and zip (zip.h), member after member */
#ifndef WORDTALLY_UNPACK_INTERNAL_H
#define WORDTALLY_UNPACK_INTERNAL_H

#include "unpack.h"
#include "zip.h"

#include <bzlib.h>
#include <lzma.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>
#include <zstd.h>

#define INBUF (256u << 10)     /* compressed bytes read at a time */
#define ARCHIVE_BUF (256u << 10)
/* Memory bound (SPEC §6): a zstd frame may ask for a window of up to 2 GiB, an xz stream for a
 * dictionary of up to 1.5 GiB; larger than these is an input error, not an allocation. */
#define ZSTD_WINDOW_LOG_MAX 26 /* 64 MiB: zstd -19 uses 8 MiB, --ultra -22 128 MiB */
#define XZ_MEMLIMIT (72u << 20) /* xz -9's 64 MiB dictionary and the decoder's state */
/* Pieces decoded in parallel: the compressed bytes looked at, and a window of decoded text. BGZF
 * blocks hold at most 64 KiB: 128 to a window. pzstd writes frames of 8 MiB at its default level
 * (32 MiB at -19): four to a window. With the counting's batch, these keep within SPEC §6's bound
 * of 64 MiB + 1 MiB a thread. */
#define BGZF_IN (4u << 20)
#define BGZF_OUT (8u << 20)
#define FRAMES_IN (12u << 20)
#define FRAMES_OUT (32u << 20)
#define PIECES_MAX 4096 /* pieces in one window (BGZF's empty blocks are 28 bytes) */
#define EMPTY_TAR_MAX UNPACK_EMPTY_TAR_MAX
/* A reader thread's ring: slots of decoded text, filled ahead of the counting. */
#define AHEAD_SLOT (1u << 20)
#define AHEAD_SLOTS 8

enum { RAW, GZIP, ZSTD, XZ, BZIP2 };
extern const char *const unpack_filter_name[]; /* by filter: "gzip" ... */
#define UNPACK_WHY_MAX 320 /* a reason, with the member it names */

typedef struct ahead ahead;

/* One piece of a window: its compressed bytes at in_off of the unread input, its text at out_off
 * of the window: at most out_len bytes, got once decoded. */
typedef struct {
    size_t in_off, in_len, out_off, out_len, got;
    int bad;
} piece;

struct unpack {
    int fd;
    int fd_ended; /* fd's end was read: never read it again (a terminal would wait for more) */
    _Atomic uint64_t consumed; /* raw bytes handed on: unpack_consumed */
    uint8_t head[UNPACK_HEAD]; /* raw bytes read to recognise a stream, read again first */
    size_t head_len, head_pos;
    int filter;
    int ended; /* the decoder has seen the end of a member, stream or frame */
    int done;  /* and the input ends there */
    z_stream z;
    ZSTD_DStream *zd;
    lzma_stream xz;
    bz_stream bz;
    int ready; /* the decoder's state was set up (and must be freed) */
    uint8_t *in;
    const uint8_t *next; /* compressed bytes not yet decoded */
    size_t avail;
    int eof;
    /* Decoded bytes read to recognise an archive, handed on first: all of an empty tar's. */
    uint8_t dhead[EMPTY_TAR_MAX + 1];
    size_t dhead_len, dhead_pos;
    const struct archive_lib *al; /* libarchive, loaded for a tar (archive_lib.h) */
    struct archive *ar; /* a tar */
    struct archive_entry *entry;
    zip_reader *zip;
    uint8_t *abuf;
    int source_err; /* an error below libarchive, while it read */
    int in_member, members, finished;
    uint64_t separators;
    size_t incap; /* the size of in */
    int threads;
    /* Pieces decoded in parallel (GZIP: BGZF blocks; ZSTD: frames); 0: the stream decoder only. */
    int pieces;
    int begun;       /* the stream decoder has started: it is between pieces only when ended */
    int must_stream; /* the next piece failed in parallel: the stream decoder gives its error */
    uint8_t *out;    /* a window of decoded pieces: table[0..ready), handed on up to piece cur */
    size_t outcap, nready, cur, cur_pos;
    piece *table;
    void **dec; /* each thread's decoder of pieces: libdeflate or a ZSTD_DCtx */
    uint64_t parallel, streamed; /* pieces decoded in parallel, members or frames as a stream */
    int windows; /* a window of pieces was decoded (pzstd's skippable frames alone, too) */
    ahead *ahead;
    /* Why INPUT_UNPACK: dwhy from the decoders (the reader thread's, while there is one), why
     * what the reader returns (unpack_reason): the decoders' reason, or the archive reader's. */
    char dwhy[UNPACK_WHY_MAX], why[UNPACK_WHY_MAX];
};

/* The reader thread and its ring of AHEAD_SLOTS slots: the thread fills slot filled %
 * AHEAD_SLOTS while the counting empties slot taken % AHEAD_SLOTS. */
struct ahead {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint8_t *buf;
    size_t len[AHEAD_SLOTS];
    unsigned filled, taken;
    size_t pos;   /* bytes of the slot being taken already handed on */
    int end, err; /* the thread has stopped: at the end of the input, or on this error */
    int stop;     /* unpack_close asks the thread to stop */
    int wake;     /* an eventfd: wakes the thread while it waits for a pipe's bytes */
};

/* ---- unpack_detect.c ---- */

/* A zstd skippable frame (magic 184D2A50..5F), as pzstd writes before each frame: 4 bytes. */
int unpack_skippable(const uint8_t *h);
/* The compression of the input that starts with h[0..n): a filter of the enum, RAW for none. */
int unpack_filter_of(const uint8_t *h, size_t n);
/* A tar (its first header's checksum) or a zip (its first member's header, or an end record). */
int unpack_is_archive(const uint8_t *h, size_t n);
int unpack_is_zip(const uint8_t *h, size_t n);
int unpack_all_nul(const uint8_t *h, size_t n);
/* An empty tar: 2 to 20 blocks of NULs, and nothing else. */
int unpack_is_empty_tar(const uint8_t *h, size_t n);

/* ---- unpack_stream.c ---- */

/* Bytes read ahead to recognise a format, handed on first: 0 when none are left. */
size_t unpack_replay(const uint8_t *buf, size_t len, size_t *pos, uint8_t *dst, size_t n);
/* Reads compressed bytes after the unread ones until there are `want` or the input ends. */
int unpack_top_up(unpack *u, size_t want);
/* Sets up the stream decoder of u->filter; unpack_decoder_end frees it. 0 or ENOMEM. */
int unpack_decoder_init(unpack *u);
void unpack_decoder_end(unpack *u);
/* Decoded bytes: up to n into dst, *got 0 at the end of the input; INPUT_UNPACK: u->dwhy. */
int unpack_decode(unpack *u, uint8_t *dst, size_t n, size_t *got);

/* ---- unpack_pieces.c ---- */

/* With threads > 1: sets u->pieces when the input's first piece decodes on its own, and its
 * window and decoders. 0 or ENOMEM. */
int unpack_pieces_init(unpack *u);
void unpack_pieces_free(unpack *u);
/* Decodes the next window of pieces on the team's threads (u->nready of them; 0: the stream
 * decoder decodes the next piece, and says why it failed, if it did). */
int unpack_pieces_window(unpack *u);

/* ---- unpack_ahead.c ---- */

/* Starts the reader thread; without one (no memory, no thread) the counting thread decodes. */
void unpack_ahead_start(unpack *u);
void unpack_ahead_stop(unpack *u);
/* Decoded bytes from the reader thread's ring, in order, then its end or its error. */
int unpack_ahead_read(unpack *u, uint8_t *dst, size_t n, size_t *got);

/* ---- unpack.c ---- */

/* The decoded text: the bytes read to recognise an archive first. */
int unpack_text_read(unpack *u, uint8_t *dst, size_t n, size_t *got);

/* ---- unpack_archive.c ---- */

/* Opens the archive whose first decoded bytes are u->dhead (a tar or a zip). 0, ENOMEM or
 * INPUT_UNPACK (u->why). */
int unpack_archive_open(unpack *u);
void unpack_archive_close(unpack *u);
/* Up to n bytes of the members' text, one newline between two members. */
int unpack_member_read(unpack *u, uint8_t *dst, size_t n, size_t *got);

#endif
