/* unpack_ahead.c - the reader thread: compressed data that does not come in pieces (a gzip file
 * of one member, xz, bzip2, a zstd file of one frame) is decoded by a thread of its own into a
 * ring of slots while the team counts what it decoded before. */
#include "unpack_internal.h"

#include "base/status.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* The CPUs a reader thread may run on: the process's, before the team pinned its threads (a
 * reader made by thread 0 would share thread 0's core, and wait while the team counts). */
static cpu_set_t reader_cpus;
static int have_reader_cpus;

void unpack_keep_cpus(void)
{
    have_reader_cpus = sched_getaffinity(0, sizeof reader_cpus, &reader_cpus) == 0;
}

static void *ahead_run(void *arg)
{
    unpack *u = arg;
    ahead *a = u->ahead;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        while (a->filled - a->taken == AHEAD_SLOTS && !a->stop)
            pthread_cond_wait(&a->cond, &a->lock);
        int stop = a->stop;
        pthread_mutex_unlock(&a->lock);
        if (stop)
            return NULL;
        /* The slot is the thread's until it is counted as filled. */
        uint8_t *slot = a->buf + (size_t)(a->filled % AHEAD_SLOTS) * AHEAD_SLOT;
        size_t have = 0, got = 1;
        int err = 0;
        while (have < AHEAD_SLOT && got && !err) {
            err = unpack_decode(u, slot + have, AHEAD_SLOT - have, &got);
            have += err ? 0 : got;
        }
        pthread_mutex_lock(&a->lock);
        a->len[a->filled % AHEAD_SLOTS] = have;
        a->filled++;
        a->err = err;
        a->end = err || !got;
        pthread_cond_broadcast(&a->cond);
        pthread_mutex_unlock(&a->lock);
        if (err || !got)
            return NULL;
    }
}

void unpack_ahead_start(unpack *u)
{
    ahead *a = calloc(1, sizeof *a);
    if (!a)
        return;
    a->buf = malloc((size_t)AHEAD_SLOTS * AHEAD_SLOT);
    a->wake = eventfd(0, EFD_CLOEXEC);
    if (a->buf && a->wake >= 0 && pthread_mutex_init(&a->lock, NULL) == 0) {
        pthread_attr_t attr;
        if (pthread_cond_init(&a->cond, NULL) == 0 && pthread_attr_init(&attr) == 0) {
            if (have_reader_cpus)
                pthread_attr_setaffinity_np(&attr, sizeof reader_cpus, &reader_cpus);
            u->ahead = a;
            int err = pthread_create(&a->thread, &attr, ahead_run, u);
            pthread_attr_destroy(&attr);
            if (err == 0)
                return;
            u->ahead = NULL;
            pthread_cond_destroy(&a->cond);
        }
        pthread_mutex_destroy(&a->lock);
    }
    if (a->wake >= 0)
        close(a->wake);
    free(a->buf);
    free(a);
}

void unpack_ahead_stop(unpack *u)
{
    ahead *a = u->ahead;
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->stop = 1;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->lock);
    uint64_t one = 1;
    if (write(a->wake, &one, sizeof one) < 0) {
        ; /* an eventfd's counter does not overflow at 1 */
    }
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->cond);
    pthread_mutex_destroy(&a->lock);
    close(a->wake);
    free(a->buf);
    free(a);
    u->ahead = NULL;
}

int unpack_ahead_read(unpack *u, uint8_t *dst, size_t n, size_t *got)
{
    ahead *a = u->ahead;
    *got = 0;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        while (a->taken == a->filled && !a->end)
            pthread_cond_wait(&a->cond, &a->lock);
        if (a->taken == a->filled) {
            int err = a->err;
            pthread_mutex_unlock(&a->lock);
            if (err == INPUT_UNPACK) /* the thread has stopped: its reason stays */
                memcpy(u->why, u->dwhy, sizeof u->why);
            return err;
        }
        size_t slot = a->taken % AHEAD_SLOTS, len = a->len[slot];
        pthread_mutex_unlock(&a->lock);
        size_t k = len - a->pos < n ? len - a->pos : n;
        memcpy(dst, a->buf + slot * AHEAD_SLOT + a->pos, k);
        a->pos += k;
        if (a->pos == len) {
            pthread_mutex_lock(&a->lock);
            a->taken++;
            a->pos = 0;
            pthread_cond_broadcast(&a->cond);
            pthread_mutex_unlock(&a->lock);
        }
        if (k) {
            *got = k;
            return 0;
        }
    }
}
