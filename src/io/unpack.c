/* unpack.c - compressed inputs and archives as a stream of text: the decoders (zlib, libzstd,
 * liblzma, libbz2, each checking its format's checksums) under libarchive's tar reader and the
 * zip reader of zip.c.
 * libarchive's own gzip filter does not check the CRC-32 and length of a member, so a damaged
 * gzip file could be counted: the decoders here are the libraries' own (docs/BENCHMARKS.md).
 *
 * With more than one thread, the decoding keeps pace with the counting (docs/BENCHMARKS.md):
 * - pieces: formats cut into pieces that decode on their own (BGZF blocks, zstd frames that say
 *   their size) are decoded a window at a time, every piece of the window by one of the team's
 *   threads, straight into its place in the window. A piece that is not of that kind, or that
 *   fails, is decoded by the stream decoder, so its text or its error is the stream's.
 * - ahead: other compressed data is decoded by a reader thread into a ring of slots while the
 *   team counts what it decoded before. */
#include "unpack.h"

#include "base/status.h"
#include "base/quote.h"
#include "zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <bzlib.h>
#include <errno.h>
#include <libdeflate.h>
#include <lzma.h>
#include <omp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_decompressBound: a frame's text without its size */
#include <zstd.h>
#include <zstd_errors.h>

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
static const char *const filter_name[] = {"", "gzip", "zstd", "xz", "bzip2"};

char input_unpack_reason[320];

/* The CPUs a reader thread may run on: the process's, before the team pinned its threads (a
 * reader made by thread 0 would share thread 0's core, and wait while the team counts). */
static cpu_set_t reader_cpus;
static int have_reader_cpus;

void unpack_keep_cpus(void)
{
    have_reader_cpus = sched_getaffinity(0, sizeof reader_cpus, &reader_cpus) == 0;
}

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
     * from the archive reader; input_unpack_reason is set from them when an error is returned. */
    char dwhy[sizeof input_unpack_reason], why[sizeof input_unpack_reason];
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

/* ---- recognising formats by their first bytes ---- */

/* A zstd skippable frame (magic 184D2A50..5F), as pzstd writes before each frame: 4 bytes. */
static int skippable(const uint8_t *h)
{
    return (h[0] & 0xf0) == 0x50 && memcmp(h + 1, "\x2a\x4d\x18", 3) == 0;
}

static int filter_of(const uint8_t *h, size_t n)
{
    if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
        return GZIP;
    if (n >= 4 && (memcmp(h, "\x28\xb5\x2f\xfd", 4) == 0 || skippable(h)))
        return ZSTD;
    if (n >= 6 && memcmp(h, "\xfd" "7zXZ\0", 6) == 0)
        return XZ;
    /* bzip2's first block's magic too, or the end-of-stream magic of an empty stream (more
     * streams may follow it): a text that starts with "BZh9" is still text. */
    if (n >= 10 && memcmp(h, "BZh", 3) == 0 && h[3] >= '1' && h[3] <= '9' &&
        (memcmp(h + 4, "1AY&SY", 6) == 0 || memcmp(h + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0))
        return BZIP2;
    return RAW;
}

/* A tar header: a checksum that holds, with "ustar" at 257 (POSIX) or without (v7 tar). Text can
 * hold "ustar" at 257 (as in "mustard"): the checksum tells them apart. The checksum field (octal, at
 * 148, 8 bytes) is the sum of the header's 512 bytes with the field itself read as spaces; old tars
 * summed signed bytes. */
static int is_tar(const uint8_t *h, size_t n)
{
    if (n < 512)
        return 0;
    unsigned long want = 0;
    size_t i = 148;
    while (i < 156 && h[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++, digits++)
        want = want * 8 + (unsigned long)(h[i] - '0');
    if (digits == 0 || (i < 156 && h[i] != ' ' && h[i] != '\0'))
        return 0;
    unsigned long sum = 0;
    long ssum = 0;
    for (i = 0; i < 512; i++) {
        uint8_t c = i >= 148 && i < 156 ? ' ' : h[i];
        sum += c;
        ssum += (signed char)c;
    }
    return sum == want || (unsigned long)ssum == want;
}

/* A zip: its first member's header, or the end record of a zip without members. */
static int is_zip(const uint8_t *h, size_t n)
{
    return n >= 4 && (memcmp(h, "PK\x03\x04", 4) == 0 || memcmp(h, "PK\x05\x06", 4) == 0);
}

static int is_archive(const uint8_t *h, size_t n)
{
    return is_zip(h, n) || is_tar(h, n);
}

static int all_nul(const uint8_t *h, size_t n)
{
    return n && h[0] == 0 && memcmp(h, h + 1, n - 1) == 0;
}

/* An empty tar is only its end, blocks of NULs: 2 to 20 (tar's record of 10,240 bytes), and
 * nothing else; a longer run of NULs (a sparse file) is text. */
static int is_empty_tar(const uint8_t *h, size_t n)
{
    return n >= 1024 && n <= EMPTY_TAR_MAX && n % 512 == 0 && all_nul(h, n);
}

int unpack_recognises(const uint8_t *head, size_t n, uint64_t size)
{
    return filter_of(head, n) != RAW || is_archive(head, n) || (n == size && is_empty_tar(head, n));
}

/* ---- errors ---- */

static int damaged(unpack *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start just above initialised it
    vsnprintf(u->dwhy, sizeof u->dwhy, fmt, ap);
    va_end(ap);
    return INPUT_UNPACK;
}

/* ---- the compressed bytes ---- */

/* Bytes read ahead to recognise a format, handed on first: 0 when none are left. */
static size_t replay(const uint8_t *buf, size_t len, size_t *pos, uint8_t *dst, size_t n)
{
    size_t k = len - *pos < n ? len - *pos : n;
    memcpy(dst, buf + *pos, k);
    *pos += k;
    return k;
}

/* A reader thread waits for a pipe's bytes in poll, not read, so that unpack_close can wake it
 * (a pipe whose writer neither writes nor closes would otherwise hold the close up). */
static int wait_readable(const unpack *u)
{
    if (!u->ahead)
        return 0;
    struct pollfd fds[2] = {{.fd = u->fd, .events = POLLIN}, {.fd = u->ahead->wake, .events = POLLIN}};
    while (poll(fds, 2, -1) < 0)
        if (errno != EINTR)
            return errno;
    return fds[1].revents ? ECANCELED : 0;
}

static int raw_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    *got = replay(u->head, u->head_len, &u->head_pos, dst, n);
    int err = *got || u->fd_ended ? 0 : wait_readable(u);
    if (!err && !*got && !u->fd_ended) {
        err = read_some(u->fd, dst, n, got);
        u->fd_ended = !err && *got == 0;
    }
    atomic_fetch_add_explicit(&u->consumed, *got, memory_order_relaxed);
    return err;
}

/* Reads compressed bytes after the unread ones until there are `want` or the input ends. */
static int top_up(unpack *u, size_t want)
{
    if (u->avail >= want || u->eof)
        return 0;
    if (u->avail) /* next is NULL before the first read */
        memmove(u->in, u->next, u->avail);
    u->next = u->in;
    while (u->avail < want && !u->eof) {
        size_t got;
        int err = raw_read(u, u->in + u->avail, u->incap - u->avail, &got);
        if (err)
            return err;
        u->avail += got;
        u->eof = got == 0;
    }
    return 0;
}

static int fill(unpack *u)
{
    return u->avail ? 0 : top_up(u, 1);
}

/* ---- one decoding step of each format: out bytes into dst, u->ended at a member's end ---- */

static int step_gzip(unpack *u, uint8_t *dst, size_t n, size_t *out)
{
    if (u->ended) { /* another member follows (pigz, bgzip, cat a.gz b.gz) */
        if (!u->avail)
            return 0;
        inflateReset(&u->z);
        u->ended = 0;
    }
    u->z.next_in = (Bytef *)u->next;
    u->z.avail_in = (uInt)u->avail;
    u->z.next_out = dst;
    u->z.avail_out = (uInt)n;
    int r = inflate(&u->z, Z_NO_FLUSH);
    u->next = u->z.next_in;
    u->avail = u->z.avail_in;
    *out = n - u->z.avail_out;
    if (r == Z_STREAM_END) {
        u->ended = 1;
        u->streamed++;
    } else if (r == Z_MEM_ERROR) {
        return ENOMEM;
    } else if (r != Z_OK && r != Z_BUF_ERROR) {
        return damaged(u, "damaged gzip data (%s)", u->z.msg ? u->z.msg : "inflate failed");
    }
    return 0;
}

static int step_zstd(unpack *u, uint8_t *dst, size_t n, size_t *out)
{
    ZSTD_inBuffer ib = {u->next, u->avail, 0};
    ZSTD_outBuffer ob = {dst, n, 0};
    size_t r = ZSTD_decompressStream(u->zd, &ob, &ib);
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge)
            return damaged(u, "zstd data needs a window over %u MiB (zstd --long or --ultra); "
                           "decompress it first", 1u << (ZSTD_WINDOW_LOG_MAX - 20));
        if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
            return ENOMEM;
        return damaged(u, "damaged zstd data (%s)", ZSTD_getErrorName(r));
    }
    if (ib.pos || ob.pos) { /* a call with nothing to do says what a new frame needs */
        u->ended = r == 0; /* a frame ends here; another may follow */
        u->streamed += r == 0;
    }
    u->next += ib.pos;
    u->avail -= ib.pos;
    *out = ob.pos;
    return 0;
}

static int step_xz(unpack *u, uint8_t *dst, size_t n, size_t *out)
{
    if (u->ended)
        return 0;
    u->xz.next_in = u->next;
    u->xz.avail_in = u->avail;
    u->xz.next_out = dst;
    u->xz.avail_out = n;
    lzma_ret r = lzma_code(&u->xz, u->eof ? LZMA_FINISH : LZMA_RUN);
    u->next = u->xz.next_in;
    u->avail = u->xz.avail_in;
    *out = n - u->xz.avail_out;
    if (r == LZMA_STREAM_END)
        u->ended = 1;
    else if (r == LZMA_MEM_ERROR)
        return ENOMEM;
    else if (r == LZMA_MEMLIMIT_ERROR)
        return damaged(u, "xz data needs more than %u MiB to decode; decompress it first",
                       XZ_MEMLIMIT >> 20);
    else if (r != LZMA_OK && r != LZMA_BUF_ERROR)
        return damaged(u, "damaged xz data (%s)", r == LZMA_DATA_ERROR ? "corrupt data"
                       : r == LZMA_FORMAT_ERROR ? "not xz data" : r == LZMA_OPTIONS_ERROR
                       ? "unsupported options" : "liblzma failed");
    return 0;
}

static int step_bzip2(unpack *u, uint8_t *dst, size_t n, size_t *out)
{
    if (u->ended) { /* another stream follows (pbzip2, cat a.bz2 b.bz2) */
        if (!u->avail)
            return 0;
        BZ2_bzDecompressEnd(&u->bz);
        memset(&u->bz, 0, sizeof u->bz);
        if (BZ2_bzDecompressInit(&u->bz, 0, 0) != BZ_OK) {
            u->ready = 0;
            return ENOMEM;
        }
        u->ended = 0;
    }
    u->bz.next_in = (char *)(uintptr_t)u->next;
    u->bz.avail_in = (unsigned)u->avail;
    u->bz.next_out = (char *)dst;
    u->bz.avail_out = (unsigned)n;
    int r = BZ2_bzDecompress(&u->bz);
    u->next = (const uint8_t *)u->bz.next_in;
    u->avail = u->bz.avail_in;
    *out = n - u->bz.avail_out;
    if (r == BZ_STREAM_END)
        u->ended = 1;
    else if (r == BZ_MEM_ERROR)
        return ENOMEM;
    else if (r != BZ_OK)
        return damaged(u, "damaged bzip2 data (%s)", r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data"
                                                  : r == BZ_DATA_ERROR ? "corrupt data, or a "
                                                  "wrong CRC" : "libbz2 failed");
    return 0;
}

/* ---- pieces decoded in parallel ---- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A BGZF block's size: a gzip member whose extra field holds the subfield 'BC' with the member's
 * size less one (SAM/BAM specification, §4.1). 0: not such a member, or not all of its header in
 * p[0..n). */
static size_t bgzf_size(const uint8_t *p, size_t n)
{
    if (n < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || !(p[3] & 4))
        return 0;
    size_t end = 12 + ((size_t)p[10] | (size_t)p[11] << 8);
    for (size_t i = 12; i + 4 <= end && end <= n;) {
        size_t len = (size_t)p[i + 2] | (size_t)p[i + 3] << 8;
        if (p[i] == 'B' && p[i + 1] == 'C' && len == 2 && i + 6 <= end) {
            size_t size = ((size_t)p[i + 4] | (size_t)p[i + 5] << 8) + 1;
            return size >= end + 8 ? size : 0; /* room for the trailer: CRC-32 and length */
        }
        i += 4 + len;
    }
    return 0;
}

/* The extent of the piece at p[0..n) and the length of its text; 0: not a piece that decodes on
 * its own (or not all of it is in p[0..n)). */
static size_t piece_at(const unpack *u, const uint8_t *p, size_t n, size_t *out_len)
{
    if (u->pieces == GZIP) {
        size_t size = bgzf_size(p, n);
        if (!size || size > n)
            return 0;
        *out_len = le32(p + size - 4); /* the member's length; its decoder checks it */
        return size;
    }
    size_t size = ZSTD_findFrameCompressedSize(p, n);
    if (ZSTD_isError(size))
        return 0;
    /* The frame's size, or without it (pzstd's frames) its blocks' most: 0 for a skippable one. */
    unsigned long long text = ZSTD_decompressBound(p, size);
    if (text == ZSTD_CONTENTSIZE_ERROR || text > u->outcap)
        return 0;
    *out_len = (size_t)text;
    return size;
}

/* Finds the whole pieces at the start of the unread input whose text fits in the window. */
static size_t pieces_find(unpack *u)
{
    size_t k = 0, in = 0, out = 0, len = 0, size;
    while (k < PIECES_MAX && (size = piece_at(u, u->next + in, u->avail - in, &len)) &&
           len <= u->outcap - out) {
        u->table[k++] = (piece){.in_off = in, .in_len = size, .out_off = out, .out_len = len};
        in += size;
        out += len;
    }
    return k;
}

static int piece_decode(unpack *u, piece *pc)
{
    int t = omp_get_thread_num();
    if (!u->dec[t]) /* each thread's own, made where it runs */
        u->dec[t] = u->pieces == GZIP ? (void *)libdeflate_alloc_decompressor()
                                      : (void *)ZSTD_createDCtx();
    if (!u->dec[t])
        return 1;
    const uint8_t *src = u->next + pc->in_off;
    uint8_t *dst = u->out + pc->out_off;
    if (u->pieces == GZIP) { /* the CRC-32 and length checked */
        /* ... and the member must fill the block its header claims: a block size past the
         * member's end would have the bytes after it skipped, uncounted. */
        size_t used = 0;
        return libdeflate_gzip_decompress_ex(u->dec[t], src, pc->in_len, dst, pc->out_len, &used,
                                             &pc->got) != LIBDEFLATE_SUCCESS ||
               used != pc->in_len || pc->got != pc->out_len;
    }
    pc->got = ZSTD_decompressDCtx(u->dec[t], dst, pc->out_len, src, pc->in_len);
    return ZSTD_isError(pc->got) != 0; /* the frame's checksum and size checked */
}

/* Decodes a window of pieces on the team's threads. The window ends before the first piece that
 * failed: the stream decoder decodes that one next, and says why it failed. A window of no piece
 * leaves the next one to the stream decoder too. */
static int pieces_window(unpack *u)
{
    u->nready = u->cur = u->cur_pos = 0;
    int err = top_up(u, u->incap);
    if (err)
        return err;
    size_t k = pieces_find(u);
    if (k == 0)
        return 0;
#pragma omp parallel for num_threads(u->threads) schedule(dynamic)
    for (size_t i = 0; i < k; i++)
        u->table[i].bad = piece_decode(u, &u->table[i]);
    size_t good = 0;
    while (good < k && !u->table[good].bad)
        good++;
    u->must_stream = good < k;
    u->nready = good;
    u->windows |= good > 0;
    for (size_t i = 0; i < good; i++) /* pzstd's skippable frames are not counted */
        u->parallel += u->pieces == GZIP || !skippable(u->next + u->table[i].in_off);
    if (good) {
        const piece *last = &u->table[good - 1];
        u->next += last->in_off + last->in_len;
        u->avail -= last->in_off + last->in_len;
    }
    return 0;
}

/* Decoded bytes: up to n into dst, *got 0 at the end of the input. */
static int decode(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    *got = 0;
    if (u->filter == RAW)
        return raw_read(u, dst, n, got);
    if (n > (1u << 30))
        n = 1u << 30; /* the libraries count in unsigned int */
    int stalls = 0;
    while (!u->done) {
        /* Between pieces, the next ones are decoded a window at a time if they can be. */
        for (; u->cur < u->nready; u->cur++, u->cur_pos = 0) {
            const piece *pc = &u->table[u->cur];
            *got = replay(u->out + pc->out_off, pc->got, &u->cur_pos, dst, n);
            if (*got)
                return 0;
        }
        if (u->pieces && (u->ended || !u->begun) && !u->must_stream) {
            int err = pieces_window(u);
            if (err)
                return err;
            if (u->nready)
                continue;
        }
        int err = fill(u);
        if (err)
            return err;
        size_t before = u->avail, out = 0;
        switch (u->filter) {
        case GZIP: err = step_gzip(u, dst, n, &out); break;
        case ZSTD: err = step_zstd(u, dst, n, &out); break;
        case XZ: err = step_xz(u, dst, n, &out); break;
        default: err = step_bzip2(u, dst, n, &out); break;
        }
        if (err)
            return err;
        if (u->avail != before || out) {
            u->begun = 1;
            u->must_stream = 0;
        }
        if (out) {
            *got = out;
            return 0;
        }
        if (u->avail == before && u->avail == 0 && u->eof) { /* nothing more will come */
            if (!u->ended && (u->begun || !u->windows))
                return damaged(u, "truncated %s data (it ends inside a %s)", filter_name[u->filter],
                               u->filter == ZSTD ? "frame" : u->filter == GZIP ? "member"
                                                                             : "stream");
            u->done = 1;
        } else if (u->avail == before && u->avail && ++stalls > 2) {
            return damaged(u, "damaged %s data (the decoder makes no progress)",
                           filter_name[u->filter]);
        }
    }
    return 0;
}

/* ---- the reader thread ---- */

static void *ahead_run(void *arg)
{
    unpack *u = arg;
    ahead *a = u->ahead;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        while (a->filled - a->taken == AHEAD_SLOTS && !a->stop)
            pthread_cond_wait(&a->cond, &a->lock);
        int stop = a->stop;
        pthread_mutex_unlock(&a->lock);
        if (stop)
            return NULL;
        /* The slot is the thread's until it is counted as filled. */
        uint8_t *slot = a->buf + (size_t)(a->filled % AHEAD_SLOTS) * AHEAD_SLOT;
        size_t have = 0, got = 1;
        int err = 0;
        while (have < AHEAD_SLOT && got && !err) {
            err = decode(u, slot + have, AHEAD_SLOT - have, &got);
            have += err ? 0 : got;
        }
        pthread_mutex_lock(&a->lock);
        a->len[a->filled % AHEAD_SLOTS] = have;
        a->filled++;
        a->err = err;
        a->end = err || !got;
        pthread_cond_broadcast(&a->cond);
        pthread_mutex_unlock(&a->lock);
        if (err || !got)
            return NULL;
    }
}

/* Starts the reader thread; without one (no memory, no thread) the counting thread decodes. */
static void ahead_start(unpack *u)
{
    ahead *a = calloc(1, sizeof *a);
    if (!a)
        return;
    a->buf = malloc((size_t)AHEAD_SLOTS * AHEAD_SLOT);
    a->wake = eventfd(0, EFD_CLOEXEC);
    if (a->buf && a->wake >= 0 && pthread_mutex_init(&a->lock, NULL) == 0) {
        pthread_attr_t attr;
        if (pthread_cond_init(&a->cond, NULL) == 0 && pthread_attr_init(&attr) == 0) {
            if (have_reader_cpus)
                pthread_attr_setaffinity_np(&attr, sizeof reader_cpus, &reader_cpus);
            u->ahead = a;
            int err = pthread_create(&a->thread, &attr, ahead_run, u);
            pthread_attr_destroy(&attr);
            if (err == 0)
                return;
            u->ahead = NULL;
            pthread_cond_destroy(&a->cond);
        }
        pthread_mutex_destroy(&a->lock);
    }
    if (a->wake >= 0)
        close(a->wake);
    free(a->buf);
    free(a);
}

static void ahead_stop(unpack *u)
{
    ahead *a = u->ahead;
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->stop = 1;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->lock);
    uint64_t one = 1;
    if (write(a->wake, &one, sizeof one) < 0) {
        ; /* an eventfd's counter does not overflow at 1 */
    }
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->cond);
    pthread_mutex_destroy(&a->lock);
    close(a->wake);
    free(a->buf);
    free(a);
    u->ahead = NULL;
}

/* Decoded bytes from the reader thread's ring, in order, then its end or its error. */
static int ahead_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    ahead *a = u->ahead;
    *got = 0;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        while (a->taken == a->filled && !a->end)
            pthread_cond_wait(&a->cond, &a->lock);
        if (a->taken == a->filled) {
            int err = a->err;
            pthread_mutex_unlock(&a->lock);
            if (err == INPUT_UNPACK) /* the thread has stopped: its reason stays */
                memcpy(u->why, u->dwhy, sizeof u->why);
            return err;
        }
        size_t slot = a->taken % AHEAD_SLOTS, len = a->len[slot];
        pthread_mutex_unlock(&a->lock);
        size_t k = len - a->pos < n ? len - a->pos : n;
        memcpy(dst, a->buf + slot * AHEAD_SLOT + a->pos, k);
        a->pos += k;
        if (a->pos == len) {
            pthread_mutex_lock(&a->lock);
            a->taken++;
            a->pos = 0;
            pthread_cond_broadcast(&a->cond);
            pthread_mutex_unlock(&a->lock);
        }
        if (k) {
            *got = k;
            return 0;
        }
    }
}

/* The decoded text: from the reader thread if there is one. */
static int source_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    if (u->ahead)
        return ahead_read(u, dst, n, got);
    int err = decode(u, dst, n, got);
    if (err == INPUT_UNPACK)
        memcpy(u->why, u->dwhy, sizeof u->why);
    return err;
}

/* The decoded text: the bytes read to recognise an archive first. */
static int text_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    *got = replay(u->dhead, u->dhead_len, &u->dhead_pos, dst, n);
    return *got ? 0 : source_read(u, dst, n, got);
}

/* ---- archives: libarchive reads the decoded bytes ---- */

static la_ssize_t archive_source(struct archive *a, void *ctx, const void **buf)
{
    unpack *u = ctx;
    size_t got;
    int err = text_read(u, u->abuf, ARCHIVE_BUF, &got);
    if (err) {
        u->source_err = err;
        archive_set_error(a, EIO, "read failed");
        return -1;
    }
    *buf = u->abuf;
    return (la_ssize_t)got;
}

/* An archive's error, naming the member being read (NULL: between members): err is an errno value
 * (one between members is reported as such), or INPUT_UNPACK with its reason in why, or in u->why
 * when why is NULL (the decoder's, below the archive). */
static int member_failed(unpack *u, const char *member, int err, const char *why)
{
    if (err != INPUT_UNPACK && (err < 0 || err == ENOMEM || !member))
        return err;
    char text[sizeof u->why];
    snprintf(text, sizeof text, "%s", err != INPUT_UNPACK ? strerror(err) : why ? why : u->why);
    if (member)
        snprintf(u->why, sizeof u->why, "member %.120s: %.190s", quote_name(1, member), text);
    else
        snprintf(u->why, sizeof u->why, "%s", text);
    return INPUT_UNPACK;
}

/* The error of a failed libarchive read (a tar). */
static int archive_failed(unpack *u, const char *member)
{
    if (u->source_err)
        return member_failed(u, member, u->source_err, NULL);
    char why[sizeof u->why];
    snprintf(why, sizeof why, "damaged %s archive (%s)", archive_format_name(u->ar) ?
             archive_format_name(u->ar) : "tar", archive_error_string(u->ar) ?
             archive_error_string(u->ar) : "libarchive failed");
    return member_failed(u, member, INPUT_UNPACK, why);
}

static int zip_failed(unpack *u, int err)
{
    const char *own = zip_reason(u->zip);
    return err ? member_failed(u, zip_member(u->zip), err, err == INPUT_UNPACK && *own ? own : NULL)
               : 0;
}

/* The next regular member: *name NULL after the last one. */
static int next_member(unpack *u, const char **name)
{
    *name = NULL;
    if (u->zip)
        return zip_failed(u, zip_next(u->zip, name));
    for (;;) {
        int r = archive_read_next_header(u->ar, &u->entry);
        if (r == ARCHIVE_EOF) {
            /* The tar ends before its compressed stream does (its padding, the gzip trailer
             * with its CRC): decode the rest, so a damaged or truncated end, or junk after it,
             * is an error as for a compressed file that is no archive. */
            uint8_t rest[4096];
            size_t left;
            int err = 0;
            while (u->filter != RAW && !(err = text_read(u, rest, sizeof rest, &left)) && left)
                ;
            return err;
        }
        /* RETRY is a damaged header (a tar's checksum): libarchive would go on at the next
         * header it can read, and the members between would be missing from the count. */
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            return archive_failed(u, NULL);
        if (archive_entry_filetype(u->entry) == AE_IFREG) { /* not directories, links, devices */
            *name = archive_entry_pathname(u->entry);
            return 0;
        }
    }
}

static int member_data(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    if (u->zip)
        return zip_failed(u, zip_read(u->zip, dst, n, got));
    la_ssize_t r = archive_read_data(u->ar, dst, n);
    if (r < 0)
        return archive_failed(u, archive_entry_pathname(u->entry));
    *got = (size_t)r;
    return 0;
}

static int member_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    *got = 0;
    while (!u->finished) {
        if (!u->in_member) {
            const char *name;
            int err = next_member(u, &name);
            if (err)
                return err;
            if (!name) {
                u->finished = 1;
                break;
            }
            u->in_member = 1;
            if (u->members++ > 0) {
                dst[0] = '\n'; /* each member is its own token stream */
                u->separators++;
                *got = 1;
                return 0;
            }
        }
        int err = member_data(u, dst, n, got);
        if (err || *got)
            return err;
        u->in_member = 0;
    }
    return 0;
}

static int zip_text(void *ctx, uint8_t *dst, size_t n, size_t *got)
{
    return text_read(ctx, dst, n, got);
}

/* A regular file read from its start, with no decoder between: a zip's end can be read first. */
static int whole_file(const unpack *u)
{
    struct stat st;
    return u->filter == RAW && fstat(u->fd, &st) == 0 && S_ISREG(st.st_mode) &&
           lseek(u->fd, 0, SEEK_CUR) == (off_t)u->head_len;
}

/* ---- the reader ---- */

static int decoder_init(unpack *u)
{
    switch (u->filter) {
    case GZIP:
        if (inflateInit2(&u->z, 15 + 16) != Z_OK) /* 16: gzip only, its CRC-32 checked */
            return ENOMEM;
        break;
    case ZSTD:
        u->zd = ZSTD_createDStream();
        if (!u->zd || ZSTD_isError(ZSTD_DCtx_setParameter(u->zd, ZSTD_d_windowLogMax,
                                                          ZSTD_WINDOW_LOG_MAX)))
            return ENOMEM;
        break;
    case XZ:
        if (lzma_stream_decoder(&u->xz, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
            return ENOMEM;
        break;
    case BZIP2:
        if (BZ2_bzDecompressInit(&u->bz, 0, 0) != BZ_OK)
            return ENOMEM;
        break;
    default:
        return 0;
    }
    u->ready = 1;
    return 0;
}

/* Which pieces of this input can be decoded in parallel, judged by its first one. */
static int pieces_of(const uint8_t *head, size_t n, int filter)
{
    if (filter == GZIP)
        return bgzf_size(head, n) ? GZIP : 0;
    if (filter != ZSTD)
        return 0;
    if (skippable(head)) /* pzstd's first */
        return ZSTD;
    unsigned long long text = ZSTD_getFrameContentSize(head, n);
    return text != ZSTD_CONTENTSIZE_UNKNOWN && text != ZSTD_CONTENTSIZE_ERROR &&
           text <= FRAMES_OUT ? ZSTD : 0;
}

/* The decoders for pieces, or a reader thread, when there are threads for them. */
static int helpers_init(unpack *u, int threads)
{
    u->threads = threads;
    u->incap = INBUF;
    if (threads > 1 && u->filter != RAW)
        u->pieces = pieces_of(u->head, u->head_len, u->filter);
    if (u->pieces) {
        u->incap = u->pieces == GZIP ? BGZF_IN : FRAMES_IN;
        u->outcap = u->pieces == GZIP ? BGZF_OUT : FRAMES_OUT;
        u->out = malloc(u->outcap);
        u->table = malloc(PIECES_MAX * sizeof *u->table);
        u->dec = calloc((size_t)threads, sizeof *u->dec);
        if (!u->out || !u->table || !u->dec)
            return ENOMEM;
    }
    u->in = u->filter != RAW ? malloc(u->incap) : NULL;
    if (u->filter != RAW && !u->in)
        return ENOMEM;
    int err = decoder_init(u);
    if (!err && threads > 1 && u->filter != RAW && !u->pieces)
        ahead_start(u);
    return err;
}

static int open_reader(unpack *u, int fd, const uint8_t *head, size_t n, int threads)
{
    u->fd = fd;
    u->fd_ended = n < UNPACK_HEAD;
    u->filter = filter_of(head, n);
    u->head_len = n < UNPACK_HEAD ? n : UNPACK_HEAD;
    memcpy(u->head, head, u->head_len);
    u->xz = (lzma_stream)LZMA_STREAM_INIT;
    int err = helpers_init(u, threads);
    /* The decoded start, to recognise an archive (a plain or compressed tar, a zip); past 512
     * NULs, up to an empty tar's end. */
    size_t want = UNPACK_HEAD;
    while (!err && u->dhead_len < want) {
        size_t got;
        err = source_read(u, u->dhead + u->dhead_len, want - u->dhead_len, &got);
        if (got == 0)
            break;
        u->dhead_len += got;
        if (u->dhead_len == UNPACK_HEAD && all_nul(u->dhead, UNPACK_HEAD))
            want = sizeof u->dhead;
    }
    if (!err && is_empty_tar(u->dhead, u->dhead_len)) {
        u->dhead_len = 0; /* no member: nothing to count */
        return 0;
    }
    if (err || !is_archive(u->dhead, u->dhead_len))
        return err;
    if (is_zip(u->dhead, u->dhead_len))
        return zip_failed(u, zip_open(&u->zip, zip_text, u, whole_file(u) ? u->fd : -1));
    u->abuf = malloc(ARCHIVE_BUF);
    u->ar = archive_read_new();
    if (!u->abuf || !u->ar)
        return ENOMEM;
    /* Only tar: libarchive's other formats (mtree, raw) would take plain text for one. */
    archive_read_support_format_tar(u->ar);
    if (archive_read_open(u->ar, u, NULL, archive_source, NULL) != ARCHIVE_OK)
        return archive_failed(u, NULL);
    return 0;
}

int unpack_open(unpack **out, int fd, const uint8_t *head, size_t n, int threads)
{
    unpack *u = calloc(1, sizeof *u);
    *out = u;
    if (!u)
        return ENOMEM;
    int err = open_reader(u, fd, head, n, threads);
    if (err == INPUT_UNPACK)
        memcpy(input_unpack_reason, u->why, sizeof input_unpack_reason);
    return err;
}

int unpack_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    int err = u->ar || u->zip ? member_read(u, dst, n, got) : text_read(u, dst, n, got);
    if (err == INPUT_UNPACK)
        memcpy(input_unpack_reason, u->why, sizeof input_unpack_reason);
    return err;
}

uint64_t unpack_consumed(const unpack *u)
{
    return u ? atomic_load_explicit(&u->consumed, memory_order_relaxed) : 0;
}

int unpack_reads_ahead(const unpack *u)
{
    return u && u->ahead;
}

void unpack_describe(const unpack *u, char *buf, size_t n)
{
    if (!u || u->filter == RAW) {
        snprintf(buf, n, "%s", "");
    } else if (u->pieces) {
        int bgzf = u->pieces == GZIP;
        int k = snprintf(buf, n, "%s: %llu %s%s decoded in parallel by %d threads",
                         bgzf ? "gzip (BGZF)" : "zstd", (unsigned long long)u->parallel,
                         bgzf ? "block" : "frame", u->parallel == 1 ? "" : "s", u->threads);
        if (u->streamed && k > 0 && (size_t)k < n)
            snprintf(buf + k, n - (size_t)k, ", %llu %s%s as a stream",
                     (unsigned long long)u->streamed, bgzf ? "member" : "frame",
                     u->streamed == 1 ? "" : "s");
    } else {
        snprintf(buf, n, "%s: decoded by %s", filter_name[u->filter],
                 u->threads > 1 ? "a reader thread ahead of the counting" : "the counting thread");
    }
}

uint64_t unpack_separators(const unpack *u)
{
    return u ? u->separators : 0;
}

void unpack_close(unpack *u)
{
    if (!u)
        return;
    ahead_stop(u); /* first: the thread uses all below */
    for (int t = 0; u->dec && t < u->threads; t++) {
        if (u->pieces == GZIP)
            libdeflate_free_decompressor(u->dec[t]);
        else
            ZSTD_freeDCtx(u->dec[t]);
    }
    free(u->dec);
    free(u->table);
    free(u->out);
    if (u->ar)
        archive_read_free(u->ar);
    zip_close(u->zip);
    if (u->ready) {
        if (u->filter == GZIP)
            inflateEnd(&u->z);
        else if (u->filter == XZ)
            lzma_end(&u->xz);
        else if (u->filter == BZIP2)
            BZ2_bzDecompressEnd(&u->bz);
    }
    ZSTD_freeDStream(u->zd);
    free(u->abuf);
    free(u->in);
    free(u);
}

const char *unpack_libraries(void)
{
    static char text[256];
    snprintf(text, sizeof text, "zlib %s, libdeflate %s, libzstd %s, liblzma %s, libbz2 %.*s, %s",
             zlibVersion(), LIBDEFLATE_VERSION_STRING, ZSTD_versionString(), lzma_version_string(),
             (int)strcspn(BZ2_bzlibVersion(), ","), BZ2_bzlibVersion(), archive_version_string());
    return text;
}
