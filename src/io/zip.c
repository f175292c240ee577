/* zip.c - zip archives as a stream of members (zip.h); their central directory and end record
 * are zip_directory.c's. Not libarchive's reader: version 3.6 refuses valid zips (an empty LZMA
 * member; bzip2 and LZMA members followed by a data descriptor, as a zip written to a pipe has
 * them), reads links as text when it streams, and reads on without a central directory. Here each member's local header says how to decode it, and the central
 * directory at the end must list the same members, in the same order, with the same names,
 * methods, CRC-32s and sizes. */
#include "zip_internal.h"

#include "base/status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t zip_name_hash(const uint8_t *p, size_t n) /* FNV-1a */
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

int zip_bad(zip_reader *z, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start just above initialised it
    vsnprintf(z->why, sizeof z->why, fmt, ap);
    va_end(ap);
    return INPUT_UNPACK;
}

/* ---- the archive's bytes ---- */

int zip_fill_to(zip_reader *z, size_t k)
{
    if (z->len - z->pos >= k)
        return 0;
    memmove(z->buf, z->buf + z->pos, z->len - z->pos);
    z->len -= z->pos;
    z->pos = 0;
    while (z->len < k && !z->eof) {
        size_t got;
        int err = z->src(z->ctx, z->buf + z->len, ZBUF - z->len, &got);
        if (err)
            return err;
        z->len += got;
        z->eof = got == 0;
    }
    return 0;
}



int zip_need(zip_reader *z, size_t k, const char *what)
{
    int err = zip_fill_to(z, k);
    if (!err && zip_avail(z) < k)
        err = zip_bad(z, "truncated zip archive (it ends inside %s)", what);
    return err;
}

void zip_zip64_values(const uint8_t *x, size_t n, uint64_t *v[], int nv)
{
    for (size_t i = 0; i + 4 <= n;) {
        size_t len = le16(x + i + 2);
        if (le16(x + i) == 1) {
            size_t at = i + 4;
            for (int k = 0; k < nv; k++)
                if (*v[k] == 0xffffffffu && at + 8 <= i + 4 + len && at + 8 <= n) {
                    *v[k] = le64(x + at);
                    at += 8;
                }
            return;
        }
        i += 4 + len;
    }
}

/* ---- members ---- */

static void decoder_end(zip_reader *z)
{
    if (z->dec == DEFLATE)
        inflateEnd(&z->z);
    else if (z->dec == BZIP2)
        BZ2_bzDecompressEnd(&z->bz);
    else if (z->dec == LZMA)
        lzma_end(&z->xz);
    z->dec = 0;
}

/* LZMA in a zip: a version (2 bytes), the size of the properties (2) and the properties (5). */
static int lzma_begin(zip_reader *z)
{
    if (z->csize < 9)
        return zip_bad(z, "damaged LZMA data (shorter than its header)");
    int err = zip_need(z, 4, "a member's LZMA header");
    if (err)
        return err;
    size_t psize = le16(z->buf + z->pos + 2);
    if (psize != 5)
        return zip_bad(z, "damaged LZMA data (its header)");
    if ((err = zip_need(z, 9, "a member's LZMA header")))
        return err;
    lzma_filter f[2] = {{.id = LZMA_FILTER_LZMA1}, {.id = LZMA_VLI_UNKNOWN}};
    if (lzma_properties_decode(&f[0], NULL, z->buf + z->pos + 4, 5) != LZMA_OK)
        return zip_bad(z, "damaged LZMA data (its properties)");
    uint32_t dict = ((lzma_options_lzma *)f[0].options)->dict_size;
    lzma_ret r = dict > LZMA_DICT_MAX ? LZMA_MEMLIMIT_ERROR : lzma_raw_decoder(&z->xz, f);
    free(f[0].options);
    if (r == LZMA_MEMLIMIT_ERROR)
        return zip_bad(z, "LZMA data needs more than %u MiB to decode; unzip it first",
                   LZMA_DICT_MAX >> 20);
    if (r != LZMA_OK)
        return ENOMEM;
    zip_take(z, 9);
    z->cin = 9;
    z->dec = LZMA;
    return 0;
}

static int local_header(zip_reader *z)
{
    int err = zip_need(z, 30, "a member's header");
    if (err)
        return err;
    const uint8_t *p = z->buf + z->pos;
    size_t nlen = le16(p + 26), xlen = le16(p + 28);
    if ((err = zip_need(z, 30 + nlen + xlen, "a member's header")))
        return err;
    p = z->buf + z->pos;
    z->flags = le16(p + 6);
    z->method = le16(p + 8);
    z->want_crc = le32(p + 14);
    z->csize = le32(p + 18);
    z->usize = le32(p + 22);
    uint64_t *v[] = {&z->usize, &z->csize};
    z->zip64 = z->csize == 0xffffffffu || z->usize == 0xffffffffu;
    zip_zip64_values(p + 30 + nlen, xlen, v, 2);
    memcpy(z->name, p + 30, nlen);
    z->name[nlen] = '\0';
    z->name_hash = zip_name_hash(p + 30, nlen);
    z->kind = nlen && p[30 + nlen - 1] == '/' ? DIRECTORY : REGULAR;
    z->offset = z->off;
    z->in_member = 1;
    zip_take(z, 30 + nlen + xlen);
    z->have_cd = z->fd >= 0;
    if (z->have_cd) {
        if ((err = zip_cd_next(z, z->offset)))
            return err;
        z->kind = z->cd.kind;
    }
    if (z->flags & 0x41 || z->method == 99)
        return zip_bad(z, "encrypted: not supported");
    if (z->flags & 0x20)
        return zip_bad(z, "patched data: not supported");
    if (z->method != STORED && z->method != DEFLATE && z->method != BZIP2 && z->method != LZMA)
        return zip_bad(z, "compression method %u%s: not supported", z->method,
                   z->method == 9 ? " (Deflate64)" : z->method == 93 ? " (zstd)"
                   : z->method == 95 ? " (xz)" : z->method == 98 ? " (PPMd)" : "");
    if (z->flags & 8) { /* sizes and CRC-32 in a descriptor after the data, or from the directory */
        z->csize = z->have_cd ? z->cd.csize : UINT64_MAX;
        z->usize = z->have_cd ? z->cd.usize : UINT64_MAX;
    }
    z->cin = z->uout = 0;
    z->crc = (uint32_t)crc32(0, NULL, 0);
    z->ended = 0;
    z->in_data = 1;
    if (z->method == DEFLATE) {
        memset(&z->z, 0, sizeof z->z);
        if (inflateInit2(&z->z, -15) != Z_OK)
            return ENOMEM;
        z->dec = DEFLATE;
    } else if (z->method == BZIP2) {
        memset(&z->bz, 0, sizeof z->bz);
        if (BZ2_bzDecompressInit(&z->bz, 0, 0) != BZ_OK)
            return ENOMEM;
        z->dec = BZIP2;
    } else if (z->method == LZMA) {
        z->xz = (lzma_stream)LZMA_STREAM_INIT;
        return lzma_begin(z);
    }
    return 0;
}

/* Stored data whose size only its descriptor says (a zip written to a pipe): up to the
 * descriptor's signature followed by the CRC-32 and sizes of the bytes before it. */
static size_t stored_scan(zip_reader *z, int *at_end)
{
    const uint8_t *p = z->buf + z->pos;
    size_t n = zip_avail(z);
    const uint8_t *sig = memmem(p, n, "PK\7\10", 4);
    *at_end = 0;
    if (sig != p)
        return sig ? (size_t)(sig - p) : n > 3 ? n - 3 : 0; /* 3 bytes may start a signature */
    if (n >= 16 && le32(p + 4) == z->crc &&
        ((le32(p + 8) == (uint32_t)z->cin && le32(p + 12) == (uint32_t)z->cin) ||
         (n >= 24 && le64(p + 8) == z->cin && le64(p + 16) == z->cin)))
        *at_end = 1;
    return *at_end ? 0 : n >= 24 || z->eof ? 1 : 0;
}

/* One decoding step of the member's data: up to n bytes into dst. */
static int step(zip_reader *z, uint8_t *dst, size_t n, size_t *out)
{
    *out = 0;
    uint64_t left = z->csize - z->cin; /* UINT64_MAX - cin: not known */
    if (left == 0 && (z->method == STORED || (z->method == LZMA && !(z->flags & 2) &&
                                              z->uout == z->usize))) {
        z->ended = 1;
        return 0;
    }
    if (left && !zip_avail(z)) {
        int err = zip_fill_to(z, 1);
        if (err)
            return err;
    }
    size_t in = zip_avail(z) < left ? zip_avail(z) : (size_t)left;
    if (n > UINT32_MAX)
        n = UINT32_MAX; /* the libraries count in unsigned int */
    size_t used = 0;
    int end = 0, fail = 0;
    if (z->method == STORED) {
        size_t k = in < n ? in : n;
        if (z->csize == UINT64_MAX) { /* not known: the descriptor ends the data */
            int err = zip_fill_to(z, 24);
            if (err)
                return err;
            k = stored_scan(z, &end);
            k = k < n ? k : n;
        }
        memcpy(dst, z->buf + z->pos, k);
        used = *out = k;
    } else if (z->method == DEFLATE) {
        z->z.next_in = z->buf + z->pos;
        z->z.avail_in = (uInt)(in < UINT32_MAX ? in : UINT32_MAX);
        z->z.next_out = dst;
        z->z.avail_out = (uInt)n;
        int r = inflate(&z->z, Z_NO_FLUSH);
        used = (size_t)(z->z.next_in - (z->buf + z->pos));
        *out = n - z->z.avail_out;
        end = r == Z_STREAM_END;
        if (r == Z_MEM_ERROR)
            return ENOMEM;
        fail = r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR;
    } else if (z->method == BZIP2) {
        z->bz.next_in = (char *)(z->buf + z->pos);
        z->bz.avail_in = (unsigned)(in < UINT32_MAX ? in : UINT32_MAX);
        z->bz.next_out = (char *)dst;
        z->bz.avail_out = (unsigned)n;
        int r = BZ2_bzDecompress(&z->bz);
        used = (size_t)((uint8_t *)z->bz.next_in - (z->buf + z->pos));
        *out = n - z->bz.avail_out;
        end = r == BZ_STREAM_END;
        if (r == BZ_MEM_ERROR)
            return ENOMEM;
        fail = r != BZ_OK && r != BZ_STREAM_END;
    } else {
        z->xz.next_in = z->buf + z->pos;
        z->xz.avail_in = in;
        z->xz.next_out = dst;
        /* Without an end marker, the data ends at the member's size. */
        z->xz.avail_out = !(z->flags & 2) && z->usize - z->uout < n ? (size_t)(z->usize - z->uout) : n;
        lzma_ret r = lzma_code(&z->xz, LZMA_RUN);
        used = (size_t)(z->xz.next_in - (z->buf + z->pos));
        *out = (size_t)(z->xz.next_out - dst);
        end = r == LZMA_STREAM_END;
        if (r == LZMA_MEM_ERROR)
            return ENOMEM;
        fail = r != LZMA_OK && r != LZMA_STREAM_END && r != LZMA_BUF_ERROR;
    }
    if (fail)
        return zip_bad(z, "damaged %s data", z->method == DEFLATE ? "deflate" : z->method == BZIP2
                                                                              ? "bzip2" : "LZMA");
    z->crc = (uint32_t)crc32(z->crc, dst, (uInt)*out);
    zip_take(z, used);
    z->cin += used;
    z->uout += *out;
    z->ended = end || (z->method == LZMA && !(z->flags & 2) && z->uout == z->usize);
    if (!z->ended && !used && !*out) /* no progress: the data, or the archive, ends too soon */
        return left == 0 ? zip_bad(z, "damaged zip data (it ends inside its compressed stream)")
               : z->eof ? zip_bad(z, "truncated zip archive (it ends inside a member's data)")
               : zip_bad(z, "damaged zip data (the decoder makes no progress)");
    return 0;
}

/* After a member's data: its descriptor, and the CRC-32 and sizes checked. */
static int member_end(zip_reader *z)
{
    uint64_t csize = z->csize, usize = z->usize;
    uint32_t crc = z->want_crc;
    if (z->flags & 8) {
        int err = zip_fill_to(z, 24);
        if (err)
            return err;
        const uint8_t *p = z->buf + z->pos;
        size_t sig = zip_avail(z) >= 4 && memcmp(p, "PK\7\10", 4) == 0 ? 4 : 0;
        size_t len = sig + 4 + (z->zip64 ? 16 : 8);
        if (zip_avail(z) < len)
            return zip_bad(z, "truncated zip archive (it ends inside a data descriptor)");
        crc = le32(p + sig);
        csize = z->zip64 ? le64(p + sig + 4) : le32(p + sig + 4);
        usize = z->zip64 ? le64(p + sig + 12) : le32(p + sig + 8);
        zip_take(z, len);
    }
    if (z->have_cd && (crc != z->cd.crc || csize != z->cd.csize || usize != z->cd.usize))
        return zip_bad(z, "damaged zip archive (its central directory and the member differ)");
    decoder_end(z);
    z->in_data = 0;
    if (z->crc != crc)
        return zip_bad(z, "damaged zip data (incorrect CRC-32)");
    if (z->cin != csize || z->uout != usize)
        return zip_bad(z, "damaged zip data (incorrect length)");
    z->members++;
    cd_entry mine = {.offset = z->offset, .name_hash = z->name_hash, .crc = z->crc,
                     .method = z->method, .flags = z->flags & FLAGS_SAME, .csize = z->cin,
                     .usize = z->uout};
    z->digest = zip_digest_add(z->digest, &mine);
    return 0;
}

int zip_read(zip_reader *z, uint8_t *dst, size_t n, size_t *got)
{
    *got = 0;
    while (z->in_data && !*got) {
        int err = z->ended ? member_end(z) : step(z, dst, n, got);
        if (err)
            return err;
    }
    return 0;
}

int zip_next(zip_reader *z, const char **name)
{
    *name = NULL;
    while (!z->done) {
        if (z->in_data) { /* a member that is not counted (or not read to its end) */
            uint8_t skip[4096];
            size_t got;
            int err = zip_read(z, skip, sizeof skip, &got);
            if (err)
                return err;
            continue;
        }
        z->in_member = 0;
        int err = zip_need(z, 4, "its members, before its central directory");
        if (err)
            return err;
        const uint8_t *p = z->buf + z->pos;
        if (memcmp(p, "PK\3\4", 4) != 0) {
            if (memcmp(p, "PK\1\2", 4) == 0 || memcmp(p, "PK\6\6", 4) == 0 ||
                memcmp(p, "PK\5\6", 4) == 0)
                return zip_directory(z);
            return zip_bad(z, "damaged zip archive (no member header at offset %llu)",
                       (unsigned long long)z->off);
        }
        if ((err = local_header(z)))
            return err;
        if (z->kind == REGULAR) {
            *name = z->name;
            return 0;
        }
    }
    return 0;
}

/* ---- opening ---- */

int zip_open(zip_reader **out, zip_source src, void *ctx, int fd)
{
    zip_reader *z = calloc(1, sizeof *z);
    *out = z;
    if (!z)
        return ENOMEM;
    z->src = src;
    z->ctx = ctx;
    z->fd = fd;
    z->buf = malloc(ZBUF);
    z->name = malloc(65536);
    z->cdbuf = fd >= 0 ? malloc(HEADER_MAX) : NULL;
    if (!z->buf || !z->name || (fd >= 0 && !z->cdbuf))
        return ENOMEM;
    return fd >= 0 ? zip_find_directory(z) : 0;
}

void zip_close(zip_reader *z)
{
    if (!z)
        return;
    decoder_end(z);
    free(z->buf);
    free(z->name);
    free(z->cdbuf);
    free(z);
}

const char *zip_reason(const zip_reader *z)
{
    return z->why;
}

const char *zip_member(const zip_reader *z)
{
    return z->in_member ? z->name : NULL;
}
