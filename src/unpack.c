/* unpack.c - compressed inputs and archives as a stream of text: the decoders (zlib, libzstd,
 * liblzma, libbz2, each checking its format's checksums) under libarchive's tar and zip readers.
 * libarchive's own gzip filter does not check the CRC-32 and length of a member, so a damaged
 * gzip file could be counted: the decoders here are the libraries' own (docs/BENCHMARKS.md). */
#include "unpack.h"

#include "input.h"
#include "quote.h"

#include <archive.h>
#include <archive_entry.h>
#include <bzlib.h>
#include <errno.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#define INBUF (256u << 10)     /* compressed bytes read at a time */
#define ARCHIVE_BUF (256u << 10)
/* Memory bound (SPEC §6): a zstd frame may ask for a window of up to 2 GiB, an xz stream for a
 * dictionary of up to 1.5 GiB; larger than these is an input error, not an allocation. */
#define ZSTD_WINDOW_LOG_MAX 26 /* 64 MiB: zstd -19 uses 8 MiB, --ultra -22 128 MiB */
#define XZ_MEMLIMIT (72u << 20) /* xz -9's 64 MiB dictionary and the decoder's state */

enum { RAW, GZIP, ZSTD, XZ, BZIP2 };
static const char *const filter_name[] = {"", "gzip", "zstd", "xz", "bzip2"};

char input_unpack_reason[320];

struct unpack {
    int fd;
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
    uint8_t dhead[UNPACK_HEAD]; /* decoded bytes read to recognise an archive, handed on first */
    size_t dhead_len, dhead_pos;
    struct archive *ar;
    struct archive_entry *entry;
    uint8_t *abuf;
    int source_err; /* an error below libarchive, while it read */
    int in_member, members, finished;
    uint64_t separators;
};

/* ---- recognising formats by their first bytes ---- */

static int filter_of(const uint8_t *h, size_t n)
{
    if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
        return GZIP;
    /* A zstd frame, or a skippable frame (magic 184D2A50..5F, as pzstd writes first). */
    if (n >= 4 && (memcmp(h, "\x28\xb5\x2f\xfd", 4) == 0 ||
                   ((h[0] & 0xf0) == 0x50 && memcmp(h + 1, "\x2a\x4d\x18", 3) == 0)))
        return ZSTD;
    if (n >= 6 && memcmp(h, "\xfd" "7zXZ\0", 6) == 0)
        return XZ;
    /* bzip2's first block's magic too: a text that starts with "BZh9" is still text. */
    if (n >= 10 && memcmp(h, "BZh", 3) == 0 && memcmp(h + 4, "1AY&SY", 6) == 0)
        return BZIP2;
    return RAW;
}

/* A tar header: "ustar" at 257 and a checksum that holds. Text can hold "ustar" at 257 (as in
 * "mustard"): the checksum tells them apart. The checksum field (octal, at 148, 8 bytes) is the sum
 * of the header's 512 bytes with the field itself read as spaces; old tars summed signed bytes. */
static int is_tar(const uint8_t *h, size_t n)
{
    if (n < 512 || memcmp(h + 257, "ustar", 5) != 0)
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

static int is_archive(const uint8_t *h, size_t n)
{
    return (n >= 4 && memcmp(h, "PK\x03\x04", 4) == 0) || is_tar(h, n);
}

int unpack_recognises(const uint8_t *head, size_t n)
{
    return filter_of(head, n) != RAW || is_archive(head, n);
}

/* ---- errors ---- */

static int damaged(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start just above initialised it
    vsnprintf(input_unpack_reason, sizeof input_unpack_reason, fmt, ap);
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

static int raw_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    *got = replay(u->head, u->head_len, &u->head_pos, dst, n);
    return *got ? 0 : input_read_fd(u->fd, dst, n, got);
}

static int fill(unpack *u)
{
    if (u->avail || u->eof)
        return 0;
    size_t got;
    int err = raw_read(u, u->in, INBUF, &got);
    u->next = u->in;
    u->avail = got;
    u->eof = got == 0;
    return err;
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
    if (r == Z_STREAM_END)
        u->ended = 1;
    else if (r == Z_MEM_ERROR)
        return ENOMEM;
    else if (r != Z_OK && r != Z_BUF_ERROR)
        return damaged("damaged gzip data (%s)", u->z.msg ? u->z.msg : "inflate failed");
    return 0;
}

static int step_zstd(unpack *u, uint8_t *dst, size_t n, size_t *out)
{
    ZSTD_inBuffer ib = {u->next, u->avail, 0};
    ZSTD_outBuffer ob = {dst, n, 0};
    size_t r = ZSTD_decompressStream(u->zd, &ob, &ib);
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge)
            return damaged("zstd data needs a window over %u MiB (zstd --long or --ultra); "
                           "decompress it first", 1u << (ZSTD_WINDOW_LOG_MAX - 20));
        if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
            return ENOMEM;
        return damaged("damaged zstd data (%s)", ZSTD_getErrorName(r));
    }
    if (ib.pos || ob.pos) /* a call with nothing to do says what a new frame needs */
        u->ended = r == 0; /* a frame ends here; another may follow */
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
        return damaged("xz data needs more than %u MiB to decode; decompress it first",
                       XZ_MEMLIMIT >> 20);
    else if (r != LZMA_OK && r != LZMA_BUF_ERROR)
        return damaged("damaged xz data (%s)", r == LZMA_DATA_ERROR ? "corrupt data"
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
        return damaged("damaged bzip2 data (%s)", r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data"
                                                  : r == BZ_DATA_ERROR ? "corrupt data, or a "
                                                  "wrong CRC" : "libbz2 failed");
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
        if (out) {
            *got = out;
            return 0;
        }
        if (u->avail == before && u->avail == 0 && u->eof) { /* nothing more will come */
            if (!u->ended)
                return damaged("truncated %s data (it ends inside a %s)", filter_name[u->filter],
                               u->filter == ZSTD ? "frame" : u->filter == GZIP ? "member"
                                                                             : "stream");
            u->done = 1;
        } else if (u->avail == before && u->avail && ++stalls > 2) {
            return damaged("damaged %s data (the decoder makes no progress)",
                           filter_name[u->filter]);
        }
    }
    return 0;
}

/* The decoded text: the bytes read to recognise an archive first. */
static int text_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    *got = replay(u->dhead, u->dhead_len, &u->dhead_pos, dst, n);
    return *got ? 0 : decode(u, dst, n, got);
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

/* The error of a failed archive read, naming the member being read (NULL: between members). */
static int archive_failed(unpack *u, const char *member)
{
    int err = u->source_err;
    char why[sizeof input_unpack_reason];
    if (err == INPUT_UNPACK)
        snprintf(why, sizeof why, "%s", input_unpack_reason);
    else if (err)
        snprintf(why, sizeof why, "%s", strerror(err));
    else
        snprintf(why, sizeof why, "damaged %s archive (%s)", archive_format_name(u->ar) ?
                 archive_format_name(u->ar) : "tar or zip", archive_error_string(u->ar) ?
                 archive_error_string(u->ar) : "libarchive failed");
    if (err && err != INPUT_UNPACK && !member)
        return err; /* an I/O error, reported as such */
    if (member)
        snprintf(input_unpack_reason, sizeof input_unpack_reason, "member %.120s: %.190s",
                 quote_name(1, member), why);
    else
        snprintf(input_unpack_reason, sizeof input_unpack_reason, "%s", why);
    return INPUT_UNPACK;
}

static int member_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    *got = 0;
    while (!u->finished) {
        if (!u->in_member) {
            int r = archive_read_next_header(u->ar, &u->entry);
            if (r == ARCHIVE_EOF) {
                /* The archive ends before its compressed stream does (a tar's padding, the
                 * gzip trailer with its CRC): decode the rest, so a damaged or truncated end,
                 * or junk after it, is an error as for a compressed file that is no archive. */
                uint8_t rest[4096];
                size_t left;
                int err = 0;
                while (u->filter != RAW && !(err = text_read(u, rest, sizeof rest, &left)) && left)
                    ;
                if (err)
                    return err;
                u->finished = 1;
                break;
            }
            if (r < ARCHIVE_WARN)
                return archive_failed(u, NULL);
            if (archive_entry_filetype(u->entry) != AE_IFREG)
                continue; /* directories, links, devices: no text of their own */
            u->in_member = 1;
            if (u->members++ > 0) {
                dst[0] = '\n'; /* each member is its own token stream */
                u->separators++;
                *got = 1;
                return 0;
            }
        }
        la_ssize_t r = archive_read_data(u->ar, dst, n);
        if (r > 0) {
            *got = (size_t)r;
            return 0;
        }
        if (r < 0)
            return archive_failed(u, archive_entry_pathname(u->entry));
        u->in_member = 0;
    }
    return 0;
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

int unpack_open(unpack **out, int fd, const uint8_t *head, size_t n)
{
    unpack *u = calloc(1, sizeof *u);
    *out = u;
    if (!u)
        return ENOMEM;
    u->fd = fd;
    u->filter = filter_of(head, n);
    u->head_len = n < UNPACK_HEAD ? n : UNPACK_HEAD;
    memcpy(u->head, head, u->head_len);
    u->in = u->filter != RAW ? malloc(INBUF) : NULL;
    if (u->filter != RAW && !u->in)
        return ENOMEM;
    u->xz = (lzma_stream)LZMA_STREAM_INIT;
    int err = decoder_init(u);
    /* The decoded start, to recognise an archive (a plain or compressed tar, a zip). */
    while (!err && u->dhead_len < UNPACK_HEAD) {
        size_t got;
        err = decode(u, u->dhead + u->dhead_len, UNPACK_HEAD - u->dhead_len, &got);
        if (got == 0)
            break;
        u->dhead_len += got;
    }
    if (err || !is_archive(u->dhead, u->dhead_len))
        return err;
    u->abuf = malloc(ARCHIVE_BUF);
    u->ar = archive_read_new();
    if (!u->abuf || !u->ar)
        return ENOMEM;
    /* Only these two: libarchive's other formats (mtree, raw) would take plain text for one. */
    archive_read_support_format_tar(u->ar);
    archive_read_support_format_zip(u->ar);
    if (archive_read_open(u->ar, u, NULL, archive_source, NULL) != ARCHIVE_OK)
        return archive_failed(u, NULL);
    return 0;
}

int unpack_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    return u->ar ? member_read(u, dst, n, got) : text_read(u, dst, n, got);
}

uint64_t unpack_separators(const unpack *u)
{
    return u ? u->separators : 0;
}

void unpack_close(unpack *u)
{
    if (!u)
        return;
    if (u->ar)
        archive_read_free(u->ar);
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
    snprintf(text, sizeof text, "zlib %s, libzstd %s, liblzma %s, libbz2 %.*s, %s", zlibVersion(),
             ZSTD_versionString(), lzma_version_string(),
             (int)strcspn(BZ2_bzlibVersion(), ","), BZ2_bzlibVersion(), archive_version_string());
    return text;
}
