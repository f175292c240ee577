/* zip_directory.c - a zip's central directory and end record: read first from a regular file (so
 * that directories and links are known before their bytes), else read at the end of the members,
 * which it must list, in order, with the same names, methods, CRC-32s and sizes. */
#include "zip_internal.h"

#include "base/status.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t zip_digest_add(uint64_t d, const cd_entry *e)
{
    const uint64_t v[] = {e->offset, e->name_hash, e->crc, e->method, e->flags, e->csize, e->usize};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        d = (d ^ v[i]) * 1099511628211ull;
    return d;
}

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
    zip_zip64_values(p + 46 + nlen, xlen, v, 3);
    e->name = p + 46;
    e->name_len = nlen;
    e->name_hash = zip_name_hash(p + 46, nlen);
    e->kind = kind_of(le16(p + 4), le32(p + 38), p + 46, nlen);
    return 0;
}

int zip_cd_next(zip_reader *z, uint64_t offset)
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
            return zip_bad(z, "damaged zip archive (its central directory and the member at offset "
                          "%llu differ)", (unsigned long long)offset);
        return 0;
    }
    return zip_bad(z, "damaged zip archive (the member at offset %llu is not in the central "
                  "directory)", (unsigned long long)offset);
}

int zip_find_directory(zip_reader *z)
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
                return zip_bad(z, "damaged zip archive (its zip64 end record)");
            entries = le64(r64 + 32);
            size = le64(r64 + 40);
            at = le64(r64 + 48);
            end = where;
        }
        if (at > end || size > end - at || (entries == 0) != (size == 0))
            return zip_bad(z, "damaged zip archive (its end record)");
        z->cd_next = at;
        z->cd_end = at + size;
        return 0;
    }
    return zip_bad(z, "damaged zip archive (no end record: cut short?)");
}

int zip_directory(zip_reader *z)
{
    uint64_t start = z->off, entries = 0, digest = 0;
    int err;
    while (!(err = zip_need(z, 4, "its central directory")) &&
           memcmp(z->buf + z->pos, "PK\1\2", 4) == 0) {
        cd_entry e;
        size_t want = 46;
        while (!(err = zip_need(z, want, "its central directory")) &&
               cd_parse(z->buf + z->pos, zip_avail(z), &e) < 0)
            want = e.len;
        if (err)
            return err;
        if (e.kind != REGULAR && e.usize && z->fd < 0) { /* read as text: too late to skip */
            size_t k = e.name_len < 255 ? e.name_len : 255;
            memcpy(z->name, e.name, k);
            z->name[k] = '\0';
            z->in_member = 1;
            return zip_bad(z, "%s (the zip says so only at its end, too late for a pipe or a "
                          "compressed zip: count the zip as a file)",
                       e.kind == LINK ? "a symbolic link" : "a directory");
        }
        entries++;
        digest = zip_digest_add(digest, &e);
        zip_take(z, e.len);
    }
    if (err)
        return err;
    uint64_t size = z->off - start, listed = 0, at = 0, listed_size = 0;
    const uint8_t *p = z->buf + z->pos;
    if (memcmp(p, "PK\6\6", 4) == 0) { /* zip64: its end record and that record's locator */
        if ((err = zip_need(z, 56, "its zip64 end record")))
            return err;
        p = z->buf + z->pos;
        uint64_t len = le64(p + 4);
        listed = le64(p + 32);
        listed_size = le64(p + 40);
        at = le64(p + 48);
        if (len < 44 || len > ZBUF - 12 || (err = zip_need(z, 12 + (size_t)len + 20, "its end")))
            return err ? err : zip_bad(z, "damaged zip archive (its zip64 end record)");
        zip_take(z, 12 + (size_t)len);
        if (memcmp(z->buf + z->pos, "PK\6\7", 4) != 0)
            return zip_bad(z, "damaged zip archive (no zip64 end locator)");
        zip_take(z, 20);
        if ((err = zip_need(z, 4, "its end")))
            return err;
        p = z->buf + z->pos;
    }
    if (memcmp(p, "PK\5\6", 4) != 0)
        return zip_bad(z, "damaged zip archive (no end record after the central directory)");
    if ((err = zip_need(z, 22, "its end record")) ||
        (err = zip_need(z, 22 + le16(z->buf + z->pos + 20), "its comment")))
        return err;
    p = z->buf + z->pos;
    if (le16(p + 10) != 0xffff)
        listed = le16(p + 10);
    if (le32(p + 16) != 0xffffffffu)
        at = le32(p + 16);
    if (le32(p + 12) != 0xffffffffu)
        listed_size = le32(p + 12);
    zip_take(z, 22 + le16(p + 20));
    if (entries != z->members)
        return zip_bad(z, "damaged zip archive (its central directory lists %llu members, %llu "
                      "found)", (unsigned long long)entries, (unsigned long long)z->members);
    if (listed != entries || at != start || listed_size != size || digest != z->digest)
        return zip_bad(z, "damaged zip archive (its central directory and its members differ)");
    if ((err = zip_fill_to(z, 1)))
        return err;
    if (zip_avail(z))
        return zip_bad(z, "damaged zip archive (bytes after its end)");
    z->done = 1;
    return 0;
}
