/* mapio.c - a file counted through one mapping, with SIGBUS turned into an input error. */
#include "mapio.h"

#include "pages.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The jump target of the thread now counting mapped bytes, or NULL. */
static _Thread_local sigjmp_buf *guard;

static void on_sigbus(int sig, siginfo_t *info, void *ctx)
{
    (void)info, (void)ctx;
    if (guard)
        siglongjmp(*guard, 1); /* the kernel holds no lock and no resource: leaving it is safe */
    signal(sig, SIG_DFL);      /* not ours: die as we would have without this handler */
    raise(sig);
}

static void install_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

void mapping_open(mapping *m, const input *in)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    memset(m, 0, sizeof *m);
    if (!in->seekable || in->size == 0)
        return;
    void *p = mmap(NULL, (size_t)in->size, PROT_READ, MAP_SHARED, in->fd, 0);
    if (p == MAP_FAILED)
        return;
    pthread_once(&once, install_handler);
    m->base = p;
    m->size = in->size;
    m->fd = in->fd;
}

void mapping_close(mapping *m)
{
    if (m->base)
        munmap((void *)m->base, (size_t)m->size);
    m->base = NULL;
}

int mapping_count(const mapping *m, uint64_t off, size_t len, size_t tail, kernel_fn count,
                  const wordlist *w, uint64_t *counts)
{
    /* The file itself must hold the context: KERNEL_BEFORE + KERNEL_PAD bytes before, tail +
     * KERNEL_PAD after (the first and last blocks are read with pread, which supplies whitespace
     * past the ends). */
    if (!m->base || off < KERNEL_BEFORE + KERNEL_PAD || off + len + tail + KERNEL_PAD > m->size)
        return 0;
    const uint8_t *p = m->base + off;
#ifdef MADV_POPULATE_READ
    /* One call maps the block's pages (fewer faults); it fails, without a signal, on pages past
     * a shrunken end: then pread reads the block and reports the change. The start is rounded
     * down to the system's page (4 KiB, or 16 or 64 KiB on some AArch64 kernels): an address
     * that is not a page's start fails with EINVAL, which is taken as "cannot prefault". */
    uintptr_t a = (uintptr_t)(p - KERNEL_BEFORE) & ~(uintptr_t)(page_size() - 1);
    if (madvise((void *)a, (size_t)((uintptr_t)(p + len + tail) - a), MADV_POPULATE_READ) < 0 &&
        errno != EINVAL)
        return 0;
#endif
    sigjmp_buf here;
    if (sigsetjmp(here, 1)) { /* 1: restore the signal mask, SIGBUS unblocked again */
        guard = NULL;
        /* SIGBUS means the pages are gone (the file shrank) or could not be read (I/O error). */
        struct stat st;
        if (fstat(m->fd, &st) == 0 && (uint64_t)st.st_size < off + len + tail)
            return INPUT_CHANGED;
        return EIO; /* never 1, which means "counted" */
    }
    guard = &here;
    count(w, p, len, counts);
    guard = NULL;
    return 1;
}
