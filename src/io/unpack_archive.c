/* unpack_archive.c - archives read from the decoded text: a tar by libarchive's tar reader, a
 * zip by zip.c; regular members one after the other, one newline between two (a token never runs
 * from one member into the next), errors naming the member. */
#include "unpack_internal.h"

#include "archive_lib.h"

#include "base/quote.h"
#include "base/status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static la_ssize_t archive_source(struct archive *a, void *ctx, const void **buf)
{
    unpack *u = ctx;
    size_t got;
    int err = unpack_text_read(u, u->abuf, ARCHIVE_BUF, &got);
    if (err) {
        u->source_err = err;
        u->al->set_error(a, EIO, "read failed");
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
    snprintf(why, sizeof why, "damaged %s archive (%s)", u->al->format_name(u->ar) ?
             u->al->format_name(u->ar) : "tar", u->al->error_string(u->ar) ?
             u->al->error_string(u->ar) : "libarchive failed");
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
        int r = u->al->read_next_header(u->ar, &u->entry);
        if (r == ARCHIVE_EOF) {
            /* The tar ends before its compressed stream does (its padding, the gzip trailer
             * with its CRC): decode the rest, so a damaged or truncated end, or junk after it,
             * is an error as for a compressed file that is no archive. */
            uint8_t rest[4096];
            size_t left;
            int err = 0;
            while (u->filter != RAW && !(err = unpack_text_read(u, rest, sizeof rest, &left)) &&
                   left)
                ;
            return err;
        }
        /* RETRY is a damaged header (a tar's checksum): libarchive would go on at the next
         * header it can read, and the members between would be missing from the count. */
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            return archive_failed(u, NULL);
        if (u->al->entry_filetype(u->entry) == AE_IFREG) { /* not directories, links, devices */
            *name = u->al->entry_pathname(u->entry);
            return 0;
        }
    }
}

static int member_data(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    if (u->zip)
        return zip_failed(u, zip_read(u->zip, dst, n, got));
    la_ssize_t r = u->al->read_data(u->ar, dst, n);
    if (r < 0)
        return archive_failed(u, u->al->entry_pathname(u->entry));
    *got = (size_t)r;
    return 0;
}

int unpack_member_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
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
    return unpack_text_read(ctx, dst, n, got);
}

/* A regular file read from its start, with no decoder between: a zip's end can be read first. */
static int whole_file(const unpack *u)
{
    struct stat st;
    return u->filter == RAW && fstat(u->fd, &st) == 0 && S_ISREG(st.st_mode) &&
           lseek(u->fd, 0, SEEK_CUR) == (off_t)u->head_len;
}

int unpack_archive_open(unpack *u)
{
    if (unpack_is_zip(u->dhead, u->dhead_len))
        return zip_failed(u, zip_open(&u->zip, zip_text, u, whole_file(u) ? u->fd : -1));
    const char *why;
    if (!(u->al = archive_lib_get(&why))) {
        char text[sizeof u->why];
        snprintf(text, sizeof text, "a tar needs libarchive, which could not be loaded (%s)", why);
        return member_failed(u, NULL, INPUT_UNPACK, text);
    }
    u->abuf = malloc(ARCHIVE_BUF);
    u->ar = u->al->read_new();
    if (!u->abuf || !u->ar)
        return ENOMEM;
    /* Only tar: libarchive's other formats (mtree, raw) would take plain text for one. */
    u->al->read_support_format_tar(u->ar);
    if (u->al->read_open(u->ar, u, NULL, archive_source, NULL) != ARCHIVE_OK)
        return archive_failed(u, NULL);
    return 0;
}

void unpack_archive_close(unpack *u)
{
    if (u->ar)
        u->al->read_free(u->ar);
    zip_close(u->zip);
    free(u->abuf);
}
