/* unpack.c - compressed inputs and archives as a stream of text (unpack.h): the reader that
 * recognises the input, sets up the decoding (unpack_internal.h lists the files that do each part)
 * and hands on the text, an archive's member after member.
 *
 * With more than one thread, the decoding keeps pace with the counting (docs/BENCHMARKS.md):
 * - pieces: formats cut into pieces that decode on their own (BGZF blocks, zstd frames that say
 *   their size) are decoded a window at a time, every piece of the window by one of the team's
 *   threads, straight into its place in the window. A piece that is not of that kind, or that
 *   fails, is decoded by the stream decoder, so its text or its error is the stream's.
 * - ahead: other compressed data is decoded by a reader thread into a ring of slots while the
 *   team counts what it decoded before. */
#include "unpack_internal.h"

#include "archive_lib.h"

#include "base/status.h"

#include <errno.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The decoded text: from the reader thread if there is one. */
static int source_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    if (u->ahead)
        return unpack_ahead_read(u, dst, n, got);
    int err = unpack_decode(u, dst, n, got);
    if (err == INPUT_UNPACK)
        memcpy(u->why, u->dwhy, sizeof u->why);
    return err;
}

int unpack_text_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    *got = unpack_replay(u->dhead, u->dhead_len, &u->dhead_pos, dst, n);
    return *got ? 0 : source_read(u, dst, n, got);
}

/* The decoders for pieces, or a reader thread, when there are threads for them. */
static int helpers_init(unpack *u, int threads)
{
    u->threads = threads;
    u->incap = INBUF;
    int err = unpack_pieces_init(u);
    if (err)
        return err;
    u->in = u->filter != RAW ? malloc(u->incap) : NULL;
    if (u->filter != RAW && !u->in)
        return ENOMEM;
    err = unpack_decoder_init(u);
    if (!err && threads > 1 && u->filter != RAW && !u->pieces)
        unpack_ahead_start(u);
    return err;
}

static int open_reader(unpack *u, int fd, const uint8_t *head, size_t n, int threads)
{
    u->fd = fd;
    u->fd_ended = n < UNPACK_HEAD;
    u->filter = unpack_filter_of(head, n);
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
        if (u->dhead_len == UNPACK_HEAD && unpack_all_nul(u->dhead, UNPACK_HEAD))
            want = sizeof u->dhead;
    }
    if (!err && unpack_is_empty_tar(u->dhead, u->dhead_len)) {
        u->dhead_len = 0; /* no member: nothing to count */
        return 0;
    }
    if (err || !unpack_is_archive(u->dhead, u->dhead_len))
        return err;
    return unpack_archive_open(u);
}

int unpack_open(unpack **out, int fd, const uint8_t *head, size_t n, int threads)
{
    unpack *u = calloc(1, sizeof *u);
    *out = u;
    if (!u)
        return ENOMEM;
    return open_reader(u, fd, head, n, threads);
}

int unpack_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    return u->ar || u->zip ? unpack_member_read(u, dst, n, got) : unpack_text_read(u, dst, n, got);
}

const char *unpack_reason(const unpack *u)
{
    return u->why;
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
        snprintf(buf, n, "%s: decoded by %s", unpack_filter_name[u->filter],
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
    unpack_ahead_stop(u); /* first: the thread uses all below */
    unpack_pieces_free(u);
    unpack_archive_close(u);
    unpack_decoder_end(u);
    free(u->in);
    free(u);
}

const char *unpack_libraries(void)
{
    static char text[256];
    const char *why;
    const archive_lib *al = archive_lib_get(&why);
    snprintf(text, sizeof text, "zlib %s, libdeflate %s, libzstd %s, liblzma %s, libbz2 %.*s, %s%s",
             zlibVersion(), LIBDEFLATE_VERSION_STRING, ZSTD_versionString(), lzma_version_string(),
             (int)strcspn(BZ2_bzlibVersion(), ","), BZ2_bzlibVersion(),
             al ? al->version_string() : "libarchive not loaded: ", al ? "" : why);
    return text;
}