/* input.c - opening inputs and reading them: pread for files, batches for streams (compressed
 * inputs and archives decoded by unpack.c). */
#include "input.h"

#include "kernels/kernel.h"
#include "unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <unistd.h>

#define STR(x) #x
#define XSTR(x) STR(x) /* a number macro as a string literal */

/* File systems whose regular files report a size that is not their content's: procfs says 0,
 * sysfs 4096, and FUSE files (lxcfs's /proc in containers, sshfs) may say either; a file there is
 * read as a stream, to its end. */
static int size_is_made_up(int fd, const struct stat *st)
{
    static const long made_up[] = {
        0x9fa0,     /* proc */
        0x62656572, /* sysfs */
        0x64626720, /* debugfs */
        0x74726163, /* tracefs */
        0x73636673, /* securityfs */
        0x62656570, /* configfs */
        0x27e0eb,   /* cgroup */
        0x63677270, /* cgroup2 */
        0x65735546, /* fuse */
    };
    struct statfs fs;
    if (fstatfs(fd, &fs) == 0)
        for (size_t i = 0; i < sizeof made_up / sizeof *made_up; i++)
            if ((long)fs.f_type == made_up[i])
                return 1;
    /* Elsewhere a size of 0 is checked: a byte at offset 0 means the size was wrong. */
    uint8_t byte;
    return st->st_size == 0 && pread(fd, &byte, 1, 0) == 1;
}

/* Threads that may decode this input: none besides the caller inside a parallel region (small
 * files counted a whole file per thread). */
static int decode_threads(const input_settings *how)
{
    return omp_in_parallel() ? 1 : how->threads;
}

/* Whether a regular file is compressed or an archive: its first bytes, never its name (all of a
 * small file's: an empty tar is NULs and nothing else). */
static int open_packed(input *in, const input_settings *how)
{
    /* The whole of a small file is read from the heap: 10 KiB more on the stack would not fit the
     * small stacks the tool promises to run in (ulimit -s 32), least of all under a sanitizer. */
    uint8_t small[UNPACK_HEAD], *head = small;
    size_t want = UNPACK_HEAD;
    if (in->size > UNPACK_HEAD && in->size <= UNPACK_EMPTY_TAR_MAX) {
        want = (size_t)in->size;
        if (!(head = malloc(want)))
            return ENOMEM;
    }
    ssize_t n = pread(in->fd, head, want, 0);
    int packed = n > 0 && unpack_recognises(head, (size_t)n, in->size);
    if (n > UNPACK_HEAD)
        n = UNPACK_HEAD;
    int err = 0;
    /* The reader takes the head as read: the file is read on from there. */
    if (packed && lseek(in->fd, n, SEEK_SET) < 0)
        err = errno;
    else if (packed) {
        in->packed = 1;
        in->seekable = 0; /* still regular: its size is checked once it is decoded */
        in->packed_size = in->size;
        in->size = 0;
        err = unpack_open(&in->unpack, in->fd, head, (size_t)n, decode_threads(how));
    }
    if (head != small)
        free(head);
    return err;
}

/* A stream's first bytes are read to recognise a compressed stream; the reader hands them on. */
static int open_stream(input *in, const input_settings *how)
{
    uint8_t head[UNPACK_HEAD];
    size_t n = 0, got = 1;
    while (n < sizeof head && got) {
        int err = read_some(in->fd, head + n, sizeof head - n, &got);
        if (err)
            return err;
        n += got;
    }
    in->packed = unpack_recognises(head, n, UINT64_MAX);
    return unpack_open(&in->unpack, in->fd, head, n, decode_threads(how));
}

int input_kind(const char *path, struct stat *st)
{
    if (strcmp(path, "-") == 0)
        return fstat(STDIN_FILENO, st) == 0 && S_ISREG(st->st_mode) &&
                       lseek(STDIN_FILENO, 0, SEEK_CUR) == 0
                   ? INPUT_KIND_STDIN_FILE
                   : INPUT_KIND_STREAM;
    if (stat(path, st) != 0 || S_ISDIR(st->st_mode))
        return INPUT_KIND_OTHER;
    return S_ISREG(st->st_mode) ? INPUT_KIND_FILE : INPUT_KIND_STREAM;
}

int input_open(input *in, const char *path, const input_settings *how)
{
    struct stat st;
    memset(in, 0, sizeof *in);
    in->name = path;
    if (strcmp(path, "-") == 0) {
        in->fd = STDIN_FILENO;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0)
            return errno;
    }
    if (fstat(in->fd, &st) < 0) {
        int err = errno;
        input_close(in);
        return err;
    }
    if (S_ISDIR(st.st_mode)) {
        input_close(in);
        return EISDIR;
    }
    /* Standard input redirected from a file is read in place too, but only from its start: one
     * that a previous reader left part-way ("(head -1 >/dev/null; wordtally) < F") holds the
     * bytes from its offset on, so it is streamed like a pipe. */
    in->seekable = S_ISREG(st.st_mode) &&
                   (in->fd != STDIN_FILENO || lseek(in->fd, 0, SEEK_CUR) == 0) &&
                   !size_is_made_up(in->fd, &st);
    in->regular = in->seekable;
    if (in->seekable) {
        in->size = (uint64_t)st.st_size;
        in->mtime_s = (int64_t)st.st_mtim.tv_sec;
        in->mtime_ns = (int64_t)st.st_mtim.tv_nsec;
        /* Chunks are read in order by the team, so the file is read front to back overall. */
        posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    int err = !how->decompress ? 0 : in->seekable ? open_packed(in, how) : open_stream(in, how);
    if (err)
        input_close(in);
    return err;
}

int input_read(const input *in, uint8_t *dst, size_t n, size_t *got)
{
    return in->unpack ? unpack_read(in->unpack, dst, n, got) : read_some(in->fd, dst, n, got);
}

uint64_t input_packed_bytes(const input *in)
{
    return in->packed ? unpack_consumed(in->unpack) : 0;
}

uint64_t input_added_bytes(const input *in)
{
    return unpack_separators(in->unpack);
}

void input_close(input *in)
{
    if (in->unpack)
        snprintf(in->why, sizeof in->why, "%s", unpack_reason(in->unpack));
    unpack_close(in->unpack);
    in->unpack = NULL;
    if (in->fd > STDIN_FILENO)
        close(in->fd);
    else if (in->fd == STDIN_FILENO && in->seekable)
        lseek(in->fd, (off_t)in->size, SEEK_SET); /* consumed, as a read would leave it: a
                                                     second "-" is then empty, as with a pipe */
    in->fd = -1;
}


const char *input_strerror(int err)
{
    if (err == INPUT_CHANGED)
        return "file changed size while being counted";
    if (err == INPUT_MODIFIED)
        return "file was written to while being counted";
    if (err == INPUT_NOT_SHARED)
        return "not a regular file: MPI ranks can only share regular files";
    if (err == INPUT_RANKS_DIFFER)
        return "not the same size on every MPI rank (is it the same file on every node?)";
    if (err == INPUT_UNPACK)
        return "damaged compressed data or archive";
    if (err == INPUT_TOKEN_TOO_LONG)
        return "a token longer than --max-memory allows (a thread's table holds at most "
               "--max-memory / (2 x threads) bytes)";
    if (err == INPUT_STOPPED)
        return "counting stopped: standard output failed";
    if (err == INPUT_WORDS_UNDECIDED) /* SPEC §8: the kernel's context, in bytes */
        return "--tokens=words cannot place word boundaries beside a run of combining marks or "
               "format characters that fills its " XSTR(KERNEL_BEFORE) " bytes of context";
    return strerror(err);
}

const char *input_error(const input *in, int err)
{
    return err == INPUT_UNPACK && in->why[0] ? in->why : input_strerror(err);
}

/* Reads exactly n bytes at off, or fails: a short file here means it shrank. */
static int pread_full(int fd, uint8_t *dst, size_t n, uint64_t off)
{
    while (n > 0) {
        ssize_t r = pread(fd, dst, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (r == 0)
            return INPUT_CHANGED;
        dst += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

int input_read_at(const input *in, uint64_t off, size_t n, uint8_t *dst)
{
    return pread_full(in->fd, dst, n, off);
}

int input_read_block(const input *in, uint64_t off, size_t len, size_t tail, uint8_t *p)
{
    uint64_t end = off + len + tail;
    if (end > in->size)
        end = in->size;
    /* The context before: KERNEL_BEFORE bytes, whitespace before the start of the input. */
    size_t before = off < KERNEL_BEFORE ? (size_t)off : KERNEL_BEFORE;
    memset(p - KERNEL_BEFORE, ' ', KERNEL_BEFORE - before);
    int err = pread_full(in->fd, p - before, (size_t)(end - off + before), off - before);
    if (err)
        return err;
    memset(p + (end - off), ' ', (size_t)(off + len + tail - end));
    return 0;
}

int input_read_small(const char *path, uint64_t max, size_t tail, uint8_t *p, uint64_t *size,
                     const input_settings *how)
{
    struct stat st;
    /* stat first: opening a fifo blocks until it has a writer, and reading its first bytes would
     * take them from the count that follows. The sizes procfs and sysfs make up (0, 4096) go
     * the general way, which checks the file system (size_is_made_up). */
    if (input_kind(path, &st) != INPUT_KIND_FILE || st.st_size == 0 || st.st_size == 4096 ||
        (uint64_t)st.st_size > max)
        return INPUT_NOT_SMALL;
    input in = {.name = path, .seekable = 1, .regular = 1, .size = (uint64_t)st.st_size,
                .mtime_s = (int64_t)st.st_mtim.tv_sec, .mtime_ns = (int64_t)st.st_mtim.tv_nsec};
    in.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in.fd < 0)
        return errno;
    int err = input_read_block(&in, 0, (size_t)in.size, tail, p);
    if (!err && how->decompress &&
        unpack_recognises(p, in.size < UNPACK_HEAD ? (size_t)in.size : UNPACK_HEAD, in.size))
        err = INPUT_NOT_SMALL;
    if (!err) /* also a file replaced between stat and open: its size or time differ */
        err = input_check_unchanged(&in);
    close(in.fd);
    *size = in.size;
    return err;
}

/* Whether the byte at off is in the page cache: a read that must not wait (RWF_NOWAIT) returns it
 * only then. Where the kernel or the file system cannot tell, it counts as not cached. */
static int cached(int fd, uint64_t off)
{
#ifdef RWF_NOWAIT
    char byte;
    struct iovec v = {.iov_base = &byte, .iov_len = 1};
    return preadv2(fd, &v, 1, (off_t)off, RWF_NOWAIT) == 1;
#else
    (void)fd, (void)off;
    return 0;
#endif
}

void input_read_ahead(const input *in, uint64_t off, uint64_t len)
{
    if (!in->seekable || off >= in->size)
        return;
    len = len < in->size - off ? len : in->size - off;
    /* The range's first and last bytes cached: a warm file (or one the kernel's own read-ahead
     * has reached). WILLNEED would then only look up every page of the range: 40 us per 8 MiB,
     * 5 ms of system time per GB counted, against about 1 us a read here. A range cached only in
     * part between its ends still reads at the count's own pace. */
    if (!cached(in->fd, off) || !cached(in->fd, off + len - 1))
        posix_fadvise(in->fd, (off_t)off, (off_t)len, POSIX_FADV_WILLNEED);
}

void input_limit(input *in, uint64_t n)
{
    in->cut += in->size - n;
    in->size = n;
}

int input_check_unchanged(const input *in)
{
    struct stat st;
    if (!in->regular)
        return 0;
    if (fstat(in->fd, &st) < 0)
        return errno;
    if ((uint64_t)st.st_size != (in->packed ? in->packed_size : in->size + in->cut))
        return INPUT_CHANGED;
    if ((int64_t)st.st_mtim.tv_sec != in->mtime_s || (int64_t)st.st_mtim.tv_nsec != in->mtime_ns)
        return INPUT_MODIFIED; /* the bytes counted may mix old and new contents */
    return 0;
}

/* p is 64-byte aligned (a cache line, and the vector kernels' block): their main loads never
 * straddle two lines. The context before p takes BLOCK_LEAD bytes: KERNEL_BEFORE, KERNEL_PAD more,
 * rounded up to a multiple of 64. */
#define BLOCK_LEAD ((KERNEL_BEFORE + KERNEL_PAD + 63) / 64 * 64)

/* zero_all: zero the whole buffer; otherwise only the lead, and the caller initialises what the
 * kernel will read (a stream batch: a large buffer must not be paged in before data arrives). */
static uint8_t *buffer_alloc(size_t block, size_t tail, int zero_all)
{
    void *buf;
    size_t size = BLOCK_LEAD + block + tail + KERNEL_PAD;
    if (posix_memalign(&buf, 64, size))
        return NULL;
    memset(buf, 0, zero_all ? size : BLOCK_LEAD);
    // cppcheck-suppress memleak ; block_free steps back from p to the allocation's start
    return (uint8_t *)buf + BLOCK_LEAD;
}

uint8_t *block_alloc(size_t block, size_t tail)
{
    return buffer_alloc(block, tail, 1);
}

// cppcheck-suppress constParameter ; it frees through p
void block_free(uint8_t *p)
{
    if (p)
        free(p - BLOCK_LEAD);
}

int stream_init(stream *s, size_t batch, size_t tail)
{
    memset(s, 0, sizeof *s);
    s->batch = batch;
    s->tail = tail;
    s->p = buffer_alloc(batch, tail, 0);
    if (!s->p)
        return ENOMEM;
    memset(s->p - KERNEL_BEFORE, ' ', KERNEL_BEFORE);
    return 0;
}

int stream_next(stream *s, const input *in)
{
    /* The last KERNEL_BEFORE bytes before the next batch (of this one, and of the context before
     * it when this one is shorter) become its context before, and the read-ahead its first bytes. */
    if (s->len) {
        uint8_t last[2 * KERNEL_BEFORE];
        size_t n = s->len < KERNEL_BEFORE ? s->len : KERNEL_BEFORE;
        memcpy(last, s->p - KERNEL_BEFORE, KERNEL_BEFORE);
        memcpy(last + KERNEL_BEFORE, s->p + s->len - n, n);
        memcpy(s->p - KERNEL_BEFORE, last + n, KERNEL_BEFORE);
        memmove(s->p, s->p + s->len, s->have - s->len);
        s->have -= s->len;
        s->offset += s->len;
    }
    size_t want = s->batch + s->tail;
    while (!s->eof && s->have < want) {
        size_t got = 0;
        int err = input_read(in, s->p + s->have, want - s->have, &got);
        if (err) {
            s->len = 0;
            return err;
        }
        s->eof = got == 0;
        s->have += got;
    }
    s->len = s->have < s->batch ? s->have : s->batch;
    /* The kernel reads the tail after the batch (whitespace past the end of the stream) and
     * KERNEL_PAD bytes more: set those, and leave the rest of a large, mostly empty batch
     * untouched, so memory follows the data, not the batch size. */
    size_t end = s->len + s->tail + KERNEL_PAD;
    if (s->have < end)
        memset(s->p + s->have, ' ', end - s->have);
    return 0;
}

void stream_free(stream *s)
{
    block_free(s->p);
    s->p = NULL;
}
