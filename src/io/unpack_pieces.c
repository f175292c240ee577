/* unpack_pieces.c - formats cut into pieces that decode on their own (BGZF blocks, zstd frames
 * that say their size), decoded a window at a time with more than one thread: every piece of the
 * window by one of the team's threads, straight into its place in the window. A piece that is not
 * of that kind, or that fails, is left to the stream decoder (unpack_stream.c), so its text or its
 * error is the stream's. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_decompressBound: a frame's text without its size */
#include "unpack_internal.h"

#include <errno.h>
#include <libdeflate.h>
#include <omp.h>
#include <stdlib.h>

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

/* The window ends before the first piece that failed: the stream decoder decodes that one next,
 * and says why it failed. A window of no piece leaves the next one to the stream decoder too. */
int unpack_pieces_window(unpack *u)
{
    u->nready = u->cur = u->cur_pos = 0;
    int err = unpack_top_up(u, u->incap);
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
        u->parallel += u->pieces == GZIP || !unpack_skippable(u->next + u->table[i].in_off);
    if (good) {
        const piece *last = &u->table[good - 1];
        u->next += last->in_off + last->in_len;
        u->avail -= last->in_off + last->in_len;
    }
    return 0;
}

/* Which pieces of this input can be decoded in parallel, judged by its first one. */
static int pieces_of(const uint8_t *head, size_t n, int filter)
{
    if (filter == GZIP)
        return bgzf_size(head, n) ? GZIP : 0;
    if (filter != ZSTD)
        return 0;
    if (unpack_skippable(head)) /* pzstd's first */
        return ZSTD;
    unsigned long long text = ZSTD_getFrameContentSize(head, n);
    return text != ZSTD_CONTENTSIZE_UNKNOWN && text != ZSTD_CONTENTSIZE_ERROR &&
           text <= FRAMES_OUT ? ZSTD : 0;
}

int unpack_pieces_init(unpack *u)
{
    if (u->threads > 1 && u->filter != RAW)
        u->pieces = pieces_of(u->head, u->head_len, u->filter);
    if (!u->pieces)
        return 0;
    u->incap = u->pieces == GZIP ? BGZF_IN : FRAMES_IN;
    u->outcap = u->pieces == GZIP ? BGZF_OUT : FRAMES_OUT;
    u->out = malloc(u->outcap);
    u->table = malloc(PIECES_MAX * sizeof *u->table);
    u->dec = calloc((size_t)u->threads, sizeof *u->dec);
    return u->out && u->table && u->dec ? 0 : ENOMEM;
}

void unpack_pieces_free(unpack *u)
{
    for (int t = 0; u->dec && t < u->threads; t++) {
        if (u->pieces == GZIP)
            libdeflate_free_decompressor(u->dec[t]);
        else
            ZSTD_freeDCtx(u->dec[t]);
    }
    free(u->dec);
    free(u->table);
    free(u->out);
}
