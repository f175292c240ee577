/* zip.c - zip archives as a stream of members (zip.h). Not libarchive's reader: version 3.6
 * refuses valid zips (an empty LZMA member; bzip2 and LZMA members followed by a data descriptor,
 * as a zip written to a pipe has them), reads links as text when it streams, and reads on without
 * a central directory. Here each member's local header says how to decode it, and the central
 * directory at the end must list the same members, in the same order, with the same names,
 * methods, CRC-32s and sizes. */
#include "zip.h"

#include "base/status.h"

#include <bzlib.h>
#include <errno.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define ZBUF (256u << 10) /* holds any header: 46 bytes and three fields of up to 64 KiB */
#define HEADER_MAX (46u + 3u * 65535u)
#define LZMA_DICT_MAX (64u << 20) /* as xz's bound (unpack.c): more is an error, not memory */

enum { STORED = 0, DEFLATE = 8, BZIP2 = 12, LZMA = 14 };
enum { REGULAR, DIRECTORY, LINK };
/* General purpose flags: encrypted (bit 0), patched data (5), strong encryption (6). */
#define FLAGS_SAME 0x61u

/* One member as the central directory lists it. */
typedef struct {
    uint64_t offset, csize, usize, name_hash;
    uint32_t crc;
    unsigned method, flags; /* flags: only those both headers must agree on (FLAGS_SAME) */
    int kind;
    size_t len; /* the header's bytes */
    const uint8_t *name;
    size_t name_len;
} cd_entry;

struct zip_reader {
    zip_source src;
    void *ctx;
    uint8_t *buf; /* the archive's bytes: buf[pos..len) not yet taken */
    size_t pos, len;
    int eof, done;
    uint64_t off; /* the archive's offset of buf[pos] */
    /* The member being read. */
    char *name;
    int in_member, in_data, ended, kind, zip64;
    unsigned flags, method;
    uint64_t offset, csize, usize, cin, uout, name_hash;
    uint32_t crc, want_crc;
    int have_cd; /* the central directory's entry for it (cd) was read first */
    cd_entry cd;
    z_stream z;
    bz_stream bz;
    lzma_stream xz;
    int dec; /* the decoder set up: its method */
    /* Every member so far, for the central directory at the end: their count and a digest of
     * their offsets, names and CRC-32s in order. */
    uint64_t members, digest;
    /* The central directory read first (a regular file): its entries at [cd_next, cd_end). */
    int fd;
    uint64_t cd_next, cd_end;
    uint8_t *cdbuf;
    char why[200];
};

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint64_t name_hash(const uint8_t *p, size_t n) /* FNV-1a */
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

/* A member as both its header and the central directory describe it, into a digest of all. */
static uint64_t digest_add(uint64_t d, const cd_entry *e)
{
    const uint64_t v[] = {e->offset, e->name_hash, e->crc, e->method, e->flags, e->csize, e->usize};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        d = (d ^ v[i]) * 1099511628211ull;
    return d;
}

static int bad(zip_reader *z, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start just above initialised it
    vsnprintf(z->why, sizeof z->why, fmt, ap);
    va_end(ap);
    return INPUT_UNPACK;
}

/* ---- the archive's bytes ---- */

/* Makes k bytes available at buf[pos] unless the archive ends first (the caller checks). */
static int fill_to(zip_reader *z, size_t k)
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

static size_t avail(const zip_reader *z)
{
    return z->len - z->pos;
}

static void take(zip_reader *z, size_t k)
{
    z->pos += k;
    z->off += k;
}

/* fill_to, and a truncated archive if the bytes are not there. */
static int need(zip_reader *z, size_t k, const char *what)
{
    int err = fill_to(z, k);
    if (!err && avail(z) < k)
        err = bad(z, "truncated zip archive (it ends inside %s)", what);
    return err;
}

/* ---- headers ---- */

/* A member is text unless it is a directory or a symbolic link. Other Unix types are text too:
 * Info-ZIP gives a member it read from standard input the mode of that pipe (a FIFO), and a type
 * that no file has (0170000) says nothing about the bytes either. */
static int kind_of(unsigned made_by, uint32_t external, const uint8_t *name, size_t len)
{
    if (len && name[len - 1] == '/')
        return DIRECTORY;
    unsigned host = made_by >> 8;
    if (host == 3 || host == 19) { /* Unix, OS X: the file's mode in the high half */
        uint32_t type = (external >> 16) & 0170000;
        if (type == 0040000)
            return DIRECTORY;
        if (type == 0120000)
            return LINK;
        return REGULAR;
    }
    return external & 0x10 ? DIRECTORY : REGULAR; /* MS-DOS attributes */
}

/* The zip64 extended information field (0x0001) of an extra field: the 8-byte values of the
 * fields that are 0xFFFFFFFF, in order. */
static void zip64_values(const uint8_t *x, size_t n, uint64_t *v[], int nv)
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

/* A central directory entry at p[0..n): 0, or -1 when it is not whole in p (e->len: needed). */
static int cd_parse(const uint8_t *p, size_t n, cd_entry *e)
{
    if (n < 46)
        return (e->len = 46), -1;
    size_t nlen = le16(p + 28), xlen = le16(p + 30), clen = le16(p + 32);
    e->len = 46 + nlen + xlen + clen;
    if (n < e->len)
        return -1;
    e->crc = le32(p + 16);
    e->method = le16(p + 10);
    e->flags = le16(p + 8) & FLAGS_SAME;
    e->csize = le32(p + 20);
    e->usize = le32(p + 24);
    e->offset = le32(p + 42);
    uint64_t *v[] = {&e->usize, &e->csize, &e->offset};
    zip64_values(p + 46 + nlen, xlen, v, 3);
    e->name = p + 46;
    e->name_len = nlen;
    e->name_hash = name_hash(p + 46, nlen);
    e->kind = kind_of(le16(p + 4), le32(p + 38), p + 46, nlen);
    return 0;
}

/* With the central directory read first: its next entry, which must be the member at offset. */
static int cd_next(zip_reader *z, uint64_t offset)
{
    cd_entry *e = &z->cd;
    e->len = 0;
    while (z->cd_next < z->cd_end) {
        size_t want = e->len ? e->len : 46;
        if (want > HEADER_MAX || z->cd_next + want > z->cd_end)
            break;
        ssize_t r = pread(z->fd, z->cdbuf, want, (off_t)z->cd_next);
        if (r < 0)
            return errno;
        if ((size_t)r < want)
            return INPUT_CHANGED; /* the file is shorter than when its end was read */
        if (memcmp(z->cdbuf, "PK\1\2", 4) != 0)
            break;
        if (cd_parse(z->cdbuf, want, e) < 0)
            continue; /* now with its whole length */
        z->cd_next += e->len;
        if (e->offset != offset || e->name_hash != z->name_hash || e->method != z->method ||
            e->flags != (z->flags & FLAGS_SAME))
            return bad(z, "damaged zip archive (its central directory and the member at offset "
                          "%llu differ)", (unsigned long long)offset);
        return 0;
    }
    return bad(z, "damaged zip archive (the member at offset %llu is not in the central "
                  "directory)", (unsigned long long)offset);
}

/* The end record of a regular file: where its central directory is. */
static int find_directory(zip_reader *z)
{
    struct stat st;
    if (fstat(z->fd, &st) < 0)
        return errno;
    size_t tail = st.st_size < 22 + 65535 + 20 ? (size_t)st.st_size : 22 + 65535 + 20;
    uint8_t *t = z->cdbuf; /* HEADER_MAX bytes: room for the tail */
    ssize_t r = pread(z->fd, t, tail, (off_t)((uint64_t)st.st_size - tail));
    if (r < 0)
        return errno;
    if ((size_t)r < tail)
        return INPUT_CHANGED;
    for (size_t i = tail >= 22 ? tail - 22 + 1 : 0; i-- > 0;) {
        if (memcmp(t + i, "PK\5\6", 4) != 0 || i + 22 + le16(t + i + 20) != tail)
            continue;
        uint64_t entries = le16(t + i + 10), size = le32(t + i + 12), at = le32(t + i + 16);
        uint64_t end = (uint64_t)st.st_size - tail + i;
        if (i >= 20 && memcmp(t + i - 20, "PK\6\7", 4) == 0) { /* zip64: its own end record */
            uint8_t r64[56];
            uint64_t where = le64(t + i - 20 + 8);
            if (pread(z->fd, r64, sizeof r64, (off_t)where) != (ssize_t)sizeof r64 ||
                memcmp(r64, "PK\6\6", 4) != 0)
                return bad(z, "damaged zip archive (its zip64 end record)");
            entries = le64(r64 + 32);
            size = le64(r64 + 40);
            at = le64(r64 + 48);
            end = where;
        }
        if (at > end || size > end - at || (entries == 0) != (size == 0))
            return bad(z, "damaged zip archive (its end record)");
        z->cd_next = at;
        z->cd_end = at + size;
        return 0;
    }
    return bad(z, "damaged zip archive (no end record: cut short?)");
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
        return bad(z, "damaged LZMA data (shorter than its header)");
    int err = need(z, 4, "a member's LZMA header");
    if (err)
        return err;
    size_t psize = le16(z->buf + z->pos + 2);
    if (psize != 5)
        return bad(z, "damaged LZMA data (its header)");
    if ((err = need(z, 9, "a member's LZMA header")))
        return err;
    lzma_filter f[2] = {{.id = LZMA_FILTER_LZMA1}, {.id = LZMA_VLI_UNKNOWN}};
    if (lzma_properties_decode(&f[0], NULL, z->buf + z->pos + 4, 5) != LZMA_OK)
        return bad(z, "damaged LZMA data (its properties)");
    uint32_t dict = ((lzma_options_lzma *)f[0].options)->dict_size;
    lzma_ret r = dict > LZMA_DICT_MAX ? LZMA_MEMLIMIT_ERROR : lzma_raw_decoder(&z->xz, f);
    free(f[0].options);
    if (r == LZMA_MEMLIMIT_ERROR)
        return bad(z, "LZMA data needs more than %u MiB to decode; unzip it first",
                   LZMA_DICT_MAX >> 20);
    if (r != LZMA_OK)
        return ENOMEM;
    take(z, 9);
    z->cin = 9;
    z->dec = LZMA;
    return 0;
}

static int local_header(zip_reader *z)
{
    int err = need(z, 30, "a member's header");
    if (err)
        return err;
    const uint8_t *p = z->buf + z->pos;
    size_t nlen = le16(p + 26), xlen = le16(p + 28);
    if ((err = need(z, 30 + nlen + xlen, "a member's header")))
        return err;
    p = z->buf + z->pos;
    z->flags = le16(p + 6);
    z->method = le16(p + 8);
    z->want_crc = le32(p + 14);
    z->csize = le32(p + 18);
    z->usize = le32(p + 22);
    uint64_t *v[] = {&z->usize, &z->csize};
    z->zip64 = z->csize == 0xffffffffu || z->usize == 0xffffffffu;
    zip64_values(p + 30 + nlen, xlen, v, 2);
    memcpy(z->name, p + 30, nlen);
    z->name[nlen] = '\0';
    z->name_hash = name_hash(p + 30, nlen);
    z->kind = nlen && p[30 + nlen - 1] == '/' ? DIRECTORY : REGULAR;
    z->offset = z->off;
    z->in_member = 1;
    take(z, 30 + nlen + xlen);
    z->have_cd = z->fd >= 0;
    if (z->have_cd) {
        if ((err = cd_next(z, z->offset)))
            return err;
        z->kind = z->cd.kind;
    }
    if (z->flags & 0x41 || z->method == 99)
        return bad(z, "encrypted: not supported");
    if (z->flags & 0x20)
        return bad(z, "patched data: not supported");
    if (z->method != STORED && z->method != DEFLATE && z->method != BZIP2 && z->method != LZMA)
        return bad(z, "compression method %u%s: not supported", z->method,
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
    size_t n = avail(z);
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
    if (left && !avail(z)) {
        int err = fill_to(z, 1);
        if (err)
            return err;
    }
    size_t in = avail(z) < left ? avail(z) : (size_t)left;
    if (n > UINT32_MAX)
        n = UINT32_MAX; /* the libraries count in unsigned int */
    size_t used = 0;
    int end = 0, fail = 0;
    if (z->method == STORED) {
        size_t k = in < n ? in : n;
        if (z->csize == UINT64_MAX) { /* not known: the descriptor ends the data */
            int err = fill_to(z, 24);
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
        return bad(z, "damaged %s data", z->method == DEFLATE ? "deflate" : z->method == BZIP2
                                                                              ? "bzip2" : "LZMA");
    z->crc = (uint32_t)crc32(z->crc, dst, (uInt)*out);
    take(z, used);
    z->cin += used;
    z->uout += *out;
    z->ended = end || (z->method == LZMA && !(z->flags & 2) && z->uout == z->usize);
    if (!z->ended && !used && !*out) /* no progress: the data, or the archive, ends too soon */
        return left == 0 ? bad(z, "damaged zip data (it ends inside its compressed stream)")
               : z->eof ? bad(z, "truncated zip archive (it ends inside a member's data)")
               : bad(z, "damaged zip data (the decoder makes no progress)");
    return 0;
}

/* After a member's data: its descriptor, and the CRC-32 and sizes checked. */
static int member_end(zip_reader *z)
{
    uint64_t csize = z->csize, usize = z->usize;
    uint32_t crc = z->want_crc;
    if (z->flags & 8) {
        int err = fill_to(z, 24);
        if (err)
            return err;
        const uint8_t *p = z->buf + z->pos;
        size_t sig = avail(z) >= 4 && memcmp(p, "PK\7\10", 4) == 0 ? 4 : 0;
        size_t len = sig + 4 + (z->zip64 ? 16 : 8);
        if (avail(z) < len)
            return bad(z, "truncated zip archive (it ends inside a data descriptor)");
        crc = le32(p + sig);
        csize = z->zip64 ? le64(p + sig + 4) : le32(p + sig + 4);
        usize = z->zip64 ? le64(p + sig + 12) : le32(p + sig + 8);
        take(z, len);
    }
    if (z->have_cd && (crc != z->cd.crc || csize != z->cd.csize || usize != z->cd.usize))
        return bad(z, "damaged zip archive (its central directory and the member differ)");
    decoder_end(z);
    z->in_data = 0;
    if (z->crc != crc)
        return bad(z, "damaged zip data (incorrect CRC-32)");
    if (z->cin != csize || z->uout != usize)
        return bad(z, "damaged zip data (incorrect length)");
    z->members++;
    cd_entry mine = {.offset = z->offset, .name_hash = z->name_hash, .crc = z->crc,
                     .method = z->method, .flags = z->flags & FLAGS_SAME, .csize = z->cin,
                     .usize = z->uout};
    z->digest = digest_add(z->digest, &mine);
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

/* ---- the end: the central directory and the end record ---- */

static int directory(zip_reader *z)
{
    uint64_t start = z->off, entries = 0, digest = 0;
    int err;
    while (!(err = need(z, 4, "its central directory")) &&
           memcmp(z->buf + z->pos, "PK\1\2", 4) == 0) {
        cd_entry e;
        size_t want = 46;
        while (!(err = need(z, want, "its central directory")) &&
               cd_parse(z->buf + z->pos, avail(z), &e) < 0)
            want = e.len;
        if (err)
            return err;
        if (e.kind != REGULAR && e.usize && z->fd < 0) { /* read as text: too late to skip */
            size_t k = e.name_len < 255 ? e.name_len : 255;
            memcpy(z->name, e.name, k);
            z->name[k] = '\0';
            z->in_member = 1;
            return bad(z, "%s (the zip says so only at its end, too late for a pipe or a "
                          "compressed zip: count the zip as a file)",
                       e.kind == LINK ? "a symbolic link" : "a directory");
        }
        entries++;
        digest = digest_add(digest, &e);
        take(z, e.len);
    }
    if (err)
        return err;
    uint64_t size = z->off - start, listed = 0, at = 0, listed_size = 0;
    const uint8_t *p = z->buf + z->pos;
    if (memcmp(p, "PK\6\6", 4) == 0) { /* zip64: its end record and that record's locator */
        if ((err = need(z, 56, "its zip64 end record")))
            return err;
        p = z->buf + z->pos;
        uint64_t len = le64(p + 4);
        listed = le64(p + 32);
        listed_size = le64(p + 40);
        at = le64(p + 48);
        if (len < 44 || len > ZBUF - 12 || (err = need(z, 12 + (size_t)len + 20, "its end")))
            return err ? err : bad(z, "damaged zip archive (its zip64 end record)");
        take(z, 12 + (size_t)len);
        if (memcmp(z->buf + z->pos, "PK\6\7", 4) != 0)
            return bad(z, "damaged zip archive (no zip64 end locator)");
        take(z, 20);
        if ((err = need(z, 4, "its end")))
            return err;
        p = z->buf + z->pos;
    }
    if (memcmp(p, "PK\5\6", 4) != 0)
        return bad(z, "damaged zip archive (no end record after the central directory)");
    if ((err = need(z, 22, "its end record")) || (err = need(z, 22 + le16(z->buf + z->pos + 20),
                                                        "its comment")))
        return err;
    p = z->buf + z->pos;
    if (le16(p + 10) != 0xffff)
        listed = le16(p + 10);
    if (le32(p + 16) != 0xffffffffu)
        at = le32(p + 16);
    if (le32(p + 12) != 0xffffffffu)
        listed_size = le32(p + 12);
    take(z, 22 + le16(p + 20));
    if (entries != z->members)
        return bad(z, "damaged zip archive (its central directory lists %llu members, %llu "
                      "found)", (unsigned long long)entries, (unsigned long long)z->members);
    if (listed != entries || at != start || listed_size != size || digest != z->digest)
        return bad(z, "damaged zip archive (its central directory and its members differ)");
    if ((err = fill_to(z, 1)))
        return err;
    if (avail(z))
        return bad(z, "damaged zip archive (bytes after its end)");
    z->done = 1;
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
        int err = need(z, 4, "its members, before its central directory");
        if (err)
            return err;
        const uint8_t *p = z->buf + z->pos;
        if (memcmp(p, "PK\3\4", 4) != 0) {
            if (memcmp(p, "PK\1\2", 4) == 0 || memcmp(p, "PK\6\6", 4) == 0 ||
                memcmp(p, "PK\5\6", 4) == 0)
                return directory(z);
            return bad(z, "damaged zip archive (no member header at offset %llu)",
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
    return fd >= 0 ? find_directory(z) : 0;
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
