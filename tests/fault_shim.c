/* fault_shim.c - an LD_PRELOAD library that injects read faults into one input, for tests/faults.py.
 *
 * Only descriptors whose /proc/self/fd link contains WT_FAULT_PATH are touched (a path, or "pipe:"
 * for standard input from a pipe): hwloc's own reads of /sys stay clean. Variables (all optional):
 *   WT_FAULT_SHORT=N      read/pread return at most N bytes per call (short reads)
 *   WT_FAULT_EINTR=K      every K-th call fails with EINTR before doing anything
 *   WT_FAULT_EIO_AT=B     a call whose byte range passes offset B fails with EIO (read: offset B of
 *                         the bytes read so far, since a pipe has no offset)
 *   WT_FAULT_EIO_AFTER=B  a call fails with EIO once more than B bytes were read from the file in
 *                         all (counting every call): a file read again, as --max-memory's passes
 *                         do, fails in a later reading only
 *   WT_FAULT_RESIZE_AT=B, WT_FAULT_RESIZE_TO=S
 *                         the first pread whose range passes offset B first truncates the file to
 *                         S bytes (smaller or larger): the file changes size during the run
 *   WT_FAULT_FLIP_AT=B    inside an OpenMP parallel region (omp_in_parallel), a pread that covers
 *                         offset B reads a space there: the parallel path sees other bytes than
 *                         the serial one, so --verify must find the difference (exit 3)
 * Counters are atomic: the program's OpenMP threads call pread at the same time. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t (*read_fn)(int, void *, size_t);
typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);

static atomic_ulong calls;      /* faulted-file calls, for WT_FAULT_EINTR */
static atomic_ullong streamed;  /* bytes read() so far from faulted streams */
static atomic_ullong total;     /* bytes read from faulted files, for WT_FAULT_EIO_AFTER */
static atomic_int resized;

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *s = getenv(name);
    return s && *s ? strtoull(s, NULL, 10) : dflt;
}

/* The file behind fd, if it is the one to fault; path gets its name. */
static int targeted(int fd, char *path, size_t cap)
{
    const char *want = getenv("WT_FAULT_PATH");
    if (!want || !*want)
        return 0;
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, cap - 1);
    if (n < 0)
        return 0;
    path[n] = '\0';
    return strstr(path, want) != NULL;
}

/* Common faults: 0 to go on with *n bytes, or -1 with errno set. */
static int inject(uint64_t off, size_t *n)
{
    uint64_t k = env_u64("WT_FAULT_EINTR", 0);
    if (k && (atomic_fetch_add(&calls, 1) + 1) % k == 0) {
        errno = EINTR;
        return -1;
    }
    uint64_t eio = env_u64("WT_FAULT_EIO_AT", UINT64_MAX);
    if (*n && (off + *n > eio || atomic_load(&total) + *n > env_u64("WT_FAULT_EIO_AFTER",
                                                                        UINT64_MAX))) {
        errno = EIO;
        return -1;
    }
    uint64_t most = env_u64("WT_FAULT_SHORT", 0);
    if (most && *n > most)
        *n = (size_t)most;
    return 0;
}

/* Whether the caller is in an active OpenMP parallel region: the program's own libgomp is asked,
 * if it has one (the shim itself does not link OpenMP). */
static int in_parallel(void)
{
    static int (*omp_in_parallel)(void);
    if (!omp_in_parallel)
        *(void **)&omp_in_parallel = dlsym(RTLD_DEFAULT, "omp_in_parallel");
    return omp_in_parallel && omp_in_parallel();
}

static ssize_t faulty_pread(int fd, void *buf, size_t n, off_t off)
{
    static pread_fn real;
    if (!real)
        real = (pread_fn)dlsym(RTLD_NEXT, "pread");
    char path[PATH_MAX];
    if (!targeted(fd, path, sizeof path))
        return real(fd, buf, n, off);
    uint64_t at = env_u64("WT_FAULT_RESIZE_AT", UINT64_MAX);
    if (n && (uint64_t)off + n > at && atomic_exchange(&resized, 1) == 0) {
        if (truncate(path, (off_t)env_u64("WT_FAULT_RESIZE_TO", 0)) < 0)
            perror("fault_shim: truncate");
    }
    if (inject((uint64_t)off, &n) < 0)
        return -1;
    ssize_t r = real(fd, buf, n, off);
    if (r > 0)
        atomic_fetch_add(&total, (unsigned long long)r);
    uint64_t flip = env_u64("WT_FAULT_FLIP_AT", UINT64_MAX);
    if (r > 0 && flip >= (uint64_t)off && flip < (uint64_t)off + (uint64_t)r && in_parallel())
        ((char *)buf)[flip - (uint64_t)off] = ' ';
    return r;
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    return faulty_pread(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
    return faulty_pread(fd, buf, n, off);
}

ssize_t read(int fd, void *buf, size_t n)
{
    static read_fn real;
    if (!real)
        real = (read_fn)dlsym(RTLD_NEXT, "read");
    char path[PATH_MAX];
    if (!targeted(fd, path, sizeof path))
        return real(fd, buf, n);
    if (inject(atomic_load(&streamed), &n) < 0)
        return -1;
    ssize_t r = real(fd, buf, n);
    if (r > 0) {
        atomic_fetch_add(&streamed, (unsigned long long)r);
        atomic_fetch_add(&total, (unsigned long long)r);
    }
    return r;
}
