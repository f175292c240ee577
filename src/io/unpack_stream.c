/* unpack_stream.c - the compressed bytes of the input and the stream decoders: zlib for gzip,
 * libzstd, liblzma and libbz2, each checking its format's checksums (libarchive's own gzip filter
 * does not check the CRC-32 and length of a member, so a damaged gzip file could be counted:
 * docs/BENCHMARKS.md). Between pieces that decode on their own, unpack_pieces.c decodes those. */
#include "unpack_internal.h"

#include "base/status.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zstd_errors.h>

const char *const unpack_filter_name[] = {"", "gzip", "zstd", "xz", "bzip2"};

static int damaged(unpack *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start just above initialised it
    vsnprintf(u->dwhy, sizeof u->dwhy, fmt, ap);
    va_end(ap);
    return INPUT_UNPACK;
}

size_t unpack_replay(const uint8_t *buf, size_t len, size_t *pos, uint8_t *dst, size_t n)
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
    *got = unpack_replay(u->head, u->head_len, &u->head_pos, dst, n);
    int err = *got || u->fd_ended ? 0 : wait_readable(u);
    if (!err && !*got && !u->fd_ended) {
        err = read_some(u->fd, dst, n, got);
        u->fd_ended = !err && *got == 0;
    }
    atomic_fetch_add_explicit(&u->consumed, *got, memory_order_relaxed);
    return err;
}

int unpack_top_up(unpack *u, size_t want)
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
    return u->avail ? 0 : unpack_top_up(u, 1);
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

int unpack_decoder_init(unpack *u)
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

void unpack_decoder_end(unpack *u)
{
    if (u->ready) {
        if (u->filter == GZIP)
            inflateEnd(&u->z);
        else if (u->filter == XZ)
            lzma_end(&u->xz);
        else if (u->filter == BZIP2)
            BZ2_bzDecompressEnd(&u->bz);
    }
    ZSTD_freeDStream(u->zd);
}

int unpack_decode(unpack *u, uint8_t *dst, size_t n, size_t *got)
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
            *got = unpack_replay(u->out + pc->out_off, pc->got, &u->cur_pos, dst, n);
            if (*got)
                return 0;
        }
        if (u->pieces && (u->ended || !u->begun) && !u->must_stream) {
            int err = unpack_pieces_window(u);
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
                return damaged(u, "truncated %s data (it ends inside a %s)",
                               unpack_filter_name[u->filter], u->filter == ZSTD ? "frame"
                                                              : u->filter == GZIP ? "member"
                                                                                  : "stream");
            u->done = 1;
        } else if (u->avail == before && u->avail && ++stalls > 2) {
            return damaged(u, "damaged %s data (the decoder makes no progress)",
                           unpack_filter_name[u->filter]);
        }
    }
    return 0;
}
