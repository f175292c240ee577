/* count.c - the parallel and serial drivers: the same kernel over the same chunk table. */
#include "count.h"

#include "base/chunks.h"
#include "io/mapio.h"
#include "progress.h"
#include "base/timer.h"
#include "topo.h"
#include "io/unpack.h"

#include <errno.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* One window of the chunk table, and where its bytes come from. */
typedef struct {
    const count_setup *s;
    const input *in;
    const chunk *t;
    const uint8_t *mem; /* a stream batch holding the window's bytes (kernel context included) */
    uint64_t mem_offset;
    uint64_t mem_end; /* the offset after the batch's bytes in memory (its read-ahead included) */
    int mem_eof;      /* the stream ends there */
    uint64_t *rows;     /* --per-chunk: entry i counts into rows[i * nwords ...]; NULL: counts */
    const mapping *map; /* --io mmap: blocks away from the file's ends are counted in place */
} window;

/* The bytes a block is read with after it: the kernel's, or the sink's. */
static size_t setup_tail(const count_setup *s)
{
    return s->sink ? s->sink->tail : kernel_tail(s->words);
}

/* One block to its counter: the kernel, counting into acc (uint64_t counts), or the sink, whose
 * state acc is. */
static int feed(const window *w, const uint8_t *p, size_t n, uint64_t off, uint64_t end,
                int eof, void *acc)
{
    if (!w->s->sink) {
        w->s->kern->count(w->s->words, p, n, acc);
        return kernel_words_undecided() ? INPUT_WORDS_UNDECIDED : 0;
    }
    count_block b = {.p = p, .len = n, .offset = off, .after = (size_t)(end - off - n),
                     .last = eof, .in = w->mem ? NULL : w->in};
    return w->s->sink->block(acc, &b);
}

static int count_entry(const window *w, const chunk *c, uint8_t *buf, void *acc)
{
    const wordlist *words = w->s->words;
    kernel_fn count = w->s->kern->count;
    if (w->mem) {
        int err = feed(w, w->mem + (c->offset - w->mem_offset), (size_t)c->length, c->offset,
                       w->mem_end, w->mem_eof, acc);
        progress_add(w->s->progress, c->length);
        return err;
    }
    for (uint64_t off = c->offset, end = c->offset + c->length; off < end; off += COUNT_BLOCK) {
        size_t n = end - off < COUNT_BLOCK ? (size_t)(end - off) : COUNT_BLOCK;
        /* The block holding a multiple of INPUT_AHEAD_STEP starts the read of a step further on:
         * exactly one thread does it, whatever the schedule (cold cache: docs/DESIGN.md). */
        uint64_t step = (off + n - 1) / INPUT_AHEAD_STEP * INPUT_AHEAD_STEP;
        if (step >= off)
            input_read_ahead(w->in, step + INPUT_AHEAD_DIST, INPUT_AHEAD_STEP);
        int done = w->s->sink ? 0 : mapping_count(w->map, off, n, kernel_tail(words), count,
                                                   words, acc);
        if (done != 0 && done != 1)
            return done; /* INPUT_CHANGED (negative) or an errno such as EIO (positive) */
        if (kernel_words_undecided())
            return INPUT_WORDS_UNDECIDED;
        if (done) {
            progress_add(w->s->progress, n);
            continue;
        }
        size_t tail = setup_tail(w->s);
        int err = input_read_block(w->in, off, n, tail, buf);
        if (!err) { /* past the input's end, the tail is whitespace */
            uint64_t end = off + n + tail > w->in->size ? w->in->size : off + n + tail;
            err = feed(w, buf, n, off, end, off + n + tail > w->in->size, acc);
        }
        if (err)
            return err;
        progress_add(w->s->progress, n);
    }
    return 0;
}

static uint8_t *window_buffer(const window *w)
{
    if (w->mem)
        return NULL;
    uint64_t block = w->s->chunk_size < COUNT_BLOCK ? w->s->chunk_size : COUNT_BLOCK;
    return block_alloc((size_t)block, setup_tail(w->s));
}

static int count_parallel(const void *ctx, size_t first, size_t last, uint64_t *counts)
{
    const window *w = ctx;
    const size_t nwords = w->s->words->n;
    int err = 0;

    /* No OpenMP array reduction: its private copies live on each thread's stack (8 bytes a word,
     * 128 KiB for 16,384 words), which a small OMP_STACKSIZE or `ulimit -s` turns into SIGSEGV.
     * Each thread's counters are on the heap instead, added up under a lock at the end. */
#pragma omp parallel num_threads(w->s->threads)
    {
        /* Each thread allocates and first-touches its own buffer: it stays in that core's cache
         * and, on a NUMA node, in that core's memory. */
        team_place_enter(w->s->place); /* first: the buffer below is touched where it counts */
        uint8_t *buf = window_buffer(w);
        const count_sink *sink = w->s->sink;
        uint64_t *mine = sink ? NULL : calloc(nwords ? nwords : 1, sizeof *mine);
        void *state = sink ? sink->open(sink->ctx, omp_get_thread_num()) : mine;
        if ((!buf && !w->mem) || !state) {
#pragma omp atomic write
            err = ENOMEM;
        }
#pragma omp for schedule(runtime)
        for (size_t i = first; i < last; i++) {
            int failed;
#pragma omp atomic read
            failed = err;
            if (failed)
                continue; /* an OpenMP loop cannot break: the rest of the team skips */
            int e = count_entry(w, &w->t[i], buf, w->rows ? w->rows + i * nwords : state);
            team_place_seen(w->s->place);
            if (w->s->progress && omp_get_thread_num() == 0)
                progress_tick(w->s->progress); /* thread 0 only: no lock, no shared clock */
            if (e) {
#pragma omp atomic write
                err = e;
            }
        }
        if (mine && !w->rows) {
#pragma omp critical(count_parallel_sum)
            for (size_t k = 0; k < nwords; k++)
                counts[k] += mine[k];
        }
        if (sink && state)
            sink->close(sink->ctx, state);
        free(mine);
        block_free(buf);
    }
    return err;
}

static int count_serial(const void *ctx, size_t first, size_t last, uint64_t *counts)
{
    const window *w = ctx;
    const count_sink *sink = w->s->sink;
    uint8_t *buf = window_buffer(w);
    void *state = sink ? sink->open(sink->ctx, -1) : counts;
    int err = (!buf && !w->mem) || !state ? ENOMEM : 0;
    const size_t nwords = w->s->words->n;
    for (size_t i = first; i < last && !err; i++) {
        err = count_entry(w, &w->t[i], buf, w->rows ? w->rows + i * nwords : state);
        progress_tick(w->s->progress);
    }
    if (sink && state)
        sink->close(sink->ctx, state);
    block_free(buf);
    return err;
}

/* Counts the m entries of a window by the paths the mode asks for, adding to counts[]. With
 * rows (--per-chunk), the reported path counts entry by entry into rows[], summed afterwards. */
static int count_window(const window *w, size_t m, uint64_t *counts, uint64_t *scratch,
                        uint64_t *rows, count_stats *st)
{
    const size_t nwords = w->s->words->n;
    uint64_t *par = scratch, *ser = scratch + nwords;
    memset(scratch, 0, 2 * nwords * sizeof *scratch);
    window by_entry = *w; /* the reported path's view: only it fills rows[] */
    by_entry.rows = rows;
    if (rows)
        memset(rows, 0, m * nwords * sizeof *rows);
    int err = 0;
    if (w->s->mode & COUNT_PARALLEL) {
        double t0 = timer_now();
        err = count_parallel(&by_entry, 0, m, par);
        st->parallel_seconds += timer_now() - t0;
    }
    if (!err && (w->s->mode & COUNT_SERIAL)) {
        double t0 = timer_now();
        err = count_serial(w->s->mode == COUNT_SERIAL ? &by_entry : w, 0, m, ser);
        st->serial_seconds += timer_now() - t0;
    }
    if (err)
        return err;
    uint64_t *result = (w->s->mode & COUNT_PARALLEL) ? par : ser;
    for (size_t i = 0; rows && i < m; i++)
        for (size_t k = 0; k < nwords; k++)
            result[k] += rows[i * nwords + k];
    if (w->s->mode == COUNT_VERIFY && !st->mismatch && memcmp(par, ser, nwords * sizeof *par) != 0) {
        st->mismatch = 1;
        err = verify_find_difference(count_parallel, count_serial, w, 0, m, nwords, &st->where);
        if (st->where.found) {
            st->where_chunk = w->t[st->where.entry].index;
            st->where_offset = w->t[st->where.entry].offset;
        }
    }
    for (size_t i = 0; i < nwords; i++)
        counts[i] += result[i];
    return err;
}

/* --per-chunk: the chunk being summed, whose pieces may come in several windows (a pipe). */
typedef struct {
    chunk c;
    uint64_t *sum;
    int have;
} pending_chunk;

/* 0, or INPUT_STOPPED: the rows' output failed, and counting on would be for nothing. */
static int per_chunk_flush(const count_setup *s, const input *in, pending_chunk *pc)
{
    int stop = pc->have && s->per_chunk(s->per_chunk_ctx, in->name, &pc->c, pc->sum) < 0;
    pc->have = 0;
    return stop ? INPUT_STOPPED : 0;
}

static int per_chunk_rows(const count_setup *s, const input *in, const chunk *t, size_t m,
                          const uint64_t *rows, pending_chunk *pc)
{
    const size_t nwords = s->words->n;
    for (size_t i = 0; i < m; i++) {
        if (pc->have && pc->c.index != t[i].index && per_chunk_flush(s, in, pc))
            return INPUT_STOPPED;
        if (!pc->have) {
            pc->c = t[i];
            pc->have = 1;
            memset(pc->sum, 0, nwords * sizeof *pc->sum);
        } else {
            pc->c.length += t[i].length;
        }
        for (size_t k = 0; k < nwords; k++)
            pc->sum[k] += rows[i * nwords + k];
    }
    return 0;
}

void count_waited(double *parallel, double *serial, int mode, double wall)
{
    double waited = wall - *parallel - *serial;
    if (waited > 0)
        *(mode & COUNT_PARALLEL ? parallel : serial) += waited;
}

/* One input's walk over its chunk table, a window at a time. */
typedef struct {
    window w;
    chunk *table;
    size_t wmax;        /* entries a window may have */
    uint64_t *scratch;  /* the two paths' counts of a window */
    uint64_t *rows;     /* --per-chunk: a window's rows */
    pending_chunk pc;
    uint64_t *counts;
    count_stats *st;
} walk;

/* Counts the chunks of bytes [from, to) (chunks cut at `piece` bytes at most). */
static int walk_range(walk *k, uint64_t from, uint64_t to, uint64_t piece)
{
    const count_setup *s = k->w.s;
    int err = 0;
    while (from < to && !err) {
        size_t m = chunks_fill(k->table, k->wmax, from, to, s->chunk_size, piece);
        err = count_window(&k->w, m, k->counts, k->scratch, k->rows, k->st);
        if (!err && k->rows)
            err = per_chunk_rows(s, k->w.in, k->table, m, k->rows, &k->pc);
        from = k->table[m - 1].offset + k->table[m - 1].length;
    }
    return err;
}

/* A stream, batch by batch: each batch is a chunk table of its own, cut into COUNT_BLOCK
 * pieces so that every thread gets work. */
static int walk_stream(walk *k, const input *in)
{
    const count_setup *s = k->w.s;
    const count_sink *sink = s->sink;
    /* A reader thread decoding ahead takes a core of the team's: decoding is the slower, and
     * a second counting thread would spin at every batch, taking CPU time from the reader. */
    count_setup rest = *s;
    rest.threads -= unpack_reads_ahead(in->unpack);
    k->w.s = &rest;
    double t0 = timer_now();
    stream batches = {0};
    int err = stream_init(&batches, stream_batch_bytes(s->threads), setup_tail(s));
    progress_begin(s->progress, in->name, 0, s->mode == COUNT_VERIFY ? 2 : 1);
    if (in->packed)
        progress_packed(s->progress, in);
    while (!err && !(err = stream_next(&batches, in)) && batches.len) {
        k->w.mem = batches.p;
        k->w.mem_offset = batches.offset;
        k->w.mem_end = batches.offset + batches.have;
        k->w.mem_eof = batches.eof;
        if (sink && sink->batch)
            err = sink->batch(sink->ctx, &batches, 0);
        if (!err)
            err = walk_range(k, batches.offset, batches.offset + batches.len, COUNT_BLOCK);
        if (!err && sink && sink->batch)
            err = sink->batch(sink->ctx, &batches, 1);
        /* not the newlines between members */
        k->st->bytes = batches.offset + batches.len - input_added_bytes(in);
    }
    unpack_describe(in->unpack, k->st->decoded, sizeof k->st->decoded);
    stream_free(&batches);
    count_waited(&k->st->parallel_seconds, &k->st->serial_seconds, s->mode, timer_now() - t0);
    k->st->packed_bytes = input_packed_bytes(in);
    k->w.s = s;
    return err;
}

int count_input(const count_setup *s, const input *in, uint64_t *counts, count_stats *st)
{
    const size_t nwords = s->words->n;
    mapping map = {0};
    memset(st, 0, sizeof *st);
    if (s->io == IO_MMAP)
        mapping_open(&map, in);
    walk k = {.table = malloc(CHUNK_TABLE_WINDOW * sizeof *k.table),
              .scratch = malloc((2 * nwords + 1) * sizeof *k.scratch), /* never malloc(0) */
              .wmax = CHUNK_TABLE_WINDOW, .counts = counts, .st = st};
    k.w = (window){.s = s, .in = in, .t = k.table, .map = &map};
    int err = (k.table && k.scratch) ? 0 : ENOMEM;
    /* --per-chunk keeps one row of counters per entry of a window: smaller windows for long word
     * lists, so the rows never take more than COUNT_ROWS_BYTES. */
    if (s->per_chunk) {
        k.wmax = COUNT_ROWS_BYTES / (nwords * sizeof *k.rows);
        k.wmax = k.wmax < 1 ? 1 : k.wmax > CHUNK_TABLE_WINDOW ? CHUNK_TABLE_WINDOW : k.wmax;
        k.rows = malloc(k.wmax * nwords * sizeof *k.rows);
        k.pc.sum = malloc(nwords * sizeof *k.pc.sum);
        if (!k.rows || !k.pc.sum)
            err = ENOMEM;
    }
    int began = 0; /* progress shown for this input */
    if (!err && s->parts > 1 && !in->seekable && !in->packed)
        err = INPUT_NOT_SHARED;
    /* A compressed input cannot be cut at byte offsets: the first share counts it whole, as a
     * stream, and the others count nothing (ranks_combine adds them up). */
    st->whole = s->parts > 1 && in->packed;
    if (err || (st->whole && s->part != 0)) {
        ;
    } else if (in->seekable) {
        uint64_t from = 0, to = in->size;
        if (s->parts > 1)
            chunks_share_bytes(in->size, s->chunk_size, (uint64_t)s->part, (uint64_t)s->parts,
                               &from, &to);
        progress_begin(s->progress, in->name, to - from, s->mode == COUNT_VERIFY ? 2 : 1);
        began = 1;
        err = walk_range(&k, from, to, s->chunk_size);
        st->bytes = in->size;
    } else {
        began = 1;
        err = walk_stream(&k, in);
    }
    if (!err && began) /* a file changed meanwhile; a compressed one that grew while decoded */
        err = input_check_unchanged(in);
    if (!err && k.rows)
        err = per_chunk_flush(s, in, &k.pc);
    if (began)
        progress_end(s->progress);
    free(k.rows);
    free(k.pc.sum);
    mapping_close(&map);
    free(k.table);
    free(k.scratch);
    return err;
}

/* count_files: opens f for counting, if it is a regular file of plain text (then 1, with *in
 * open); anything else is left to count_input (deferred) or has failed (then 0). */
static int open_regular(const count_setup *s, table_file *f, input *in)
{
    struct stat sb;
    if (input_kind(f->name, &sb) != INPUT_KIND_FILE) {
        f->deferred = 1;
        return 0;
    }
    int err = input_open(in, f->name, &s->inputs);
    if (err == INPUT_UNPACK) { /* compressed, its start damaged: count_input says why */
        f->deferred = 1;
        return 0;
    }
    if (err) {
        f->err = err;
        return 0;
    }
    if (!in->seekable || in->packed) {
        input_close(in);
        f->deferred = 1;
        return 0;
    }
    return 1;
}

/* The first step of count_files: every file opened by the thread that takes it, and counted
 * there whole when it is one chunk (the most common input in a directory of many). Returns the
 * number of files left for the shared table. */
static size_t count_small_files(const count_setup *s, table_file *f, size_t m, uint64_t *counts)
{
    const size_t nwords = s->words->n;
    const mapping none = {0};
    size_t big = 0;
#pragma omp parallel num_threads(s->threads) reduction(+ : big)
    {
        team_place_enter(s->place);
        window w = {.s = s, .map = &none};
        uint8_t *buf = window_buffer(&w);
        const uint64_t small = s->chunk_size < COUNT_BLOCK ? s->chunk_size : COUNT_BLOCK;
#pragma omp for schedule(dynamic)
        for (size_t j = 0; j < m; j++) {
            if (s->parts > 1 && j % (size_t)s->parts != (size_t)s->part)
                continue; /* another rank's file: ranks_files_kinds tells this one about it */
            uint64_t *sum = counts + j * nwords;
            uint64_t size = 0;
            int err = !buf ? ENOMEM
                           : input_read_small(f[j].name, small, setup_tail(s), buf, &size,
                                              &s->inputs);
            if (err != INPUT_NOT_SMALL) {
                /* The whole file is in buf, whitespace after it. */
                f[j].err = err ? err : feed(&w, buf, (size_t)size, 0, size, 1, sum);
                f[j].size = f[j].st.bytes = size;
                team_place_seen(s->place);
                continue;
            }
            input in;
            if (!open_regular(s, &f[j], &in))
                continue;
            f[j].size = f[j].st.bytes = in.size;
            if (in.size > s->chunk_size) {
                big++;
            } else {
                w.in = &in;
                chunk whole = {.index = 0, .offset = 0, .length = in.size};
                err = in.size ? count_entry(&w, &whole, buf, sum) : 0;
                f[j].err = err ? err : input_check_unchanged(&in);
            }
            input_close(&in);
            team_place_seen(s->place);
        }
        block_free(buf);
    }
    return big;
}

/* A thread's open file in the shared table: opened again by each thread that counts a chunk of
 * it, and checked to be the file the first step saw. */
typedef struct {
    input in;
    table_file *f; /* NULL: none open */
} open_file;

/* A file's first error is the one reported: the size check after a read that failed because
 * the file shrank would say less than the read did. */
static void file_failed(table_file *f, int err)
{
    int none = 0;
    if (err)
        atomic_compare_exchange_strong(&f->err, &none, err);
}

static void close_file(open_file *o)
{
    if (!o->f)
        return;
    file_failed(o->f, input_check_unchanged(&o->in));
    input_close(&o->in);
    o->f = NULL;
}

static int switch_file(const count_setup *s, open_file *o, table_file *f, int same_rank)
{
    if (o->f == f)
        return 0;
    close_file(o);
    int err = input_open(&o->in, f->name, &s->inputs);
    if (err)
        return err;
    o->f = f;
    if (o->in.seekable && !o->in.packed && o->in.size == f->size)
        return 0;
    return same_rank ? INPUT_CHANGED : INPUT_RANKS_DIFFER; /* not the file another rank saw */
}

/* The second step: the chunks of every bigger file in tables of up to CHUNK_TABLE_WINDOW
 * entries, each counted by the whole team; a chunk's counts are added to its file's. */
static int count_big_files(const count_setup *s, table_file *f, size_t m, uint64_t *counts)
{
    const size_t nwords = s->words->n;
    chunk *t = malloc(CHUNK_TABLE_WINDOW * sizeof *t);
    size_t *owner = malloc(CHUNK_TABLE_WINDOW * sizeof *owner); /* each entry's file */
    int err = t && owner ? 0 : ENOMEM;
    const mapping none = {0};
    size_t j = 0;
    uint64_t resume = 0; /* where file j goes on when the last window ended inside it */
    while (!err && j < m) {
        size_t n = 0; /* the next window: entries from file j's byte `resume` on */
        for (; j < m && n < CHUNK_TABLE_WINDOW; j++) {
            if (f[j].deferred || f[j].err || f[j].size <= s->chunk_size)
                continue;
            size_t k = chunks_fill(t + n, CHUNK_TABLE_WINDOW - n, resume, f[j].size,
                                   s->chunk_size, s->chunk_size);
            for (size_t e = n; e < n + k; e++)
                owner[e] = j;
            n += k;
            resume = t[n - 1].offset + t[n - 1].length;
            if (resume < f[j].size)
                break; /* the window is full: file j goes on in the next one */
            resume = 0;
        }
        if (n == 0)
            break;
        size_t first = 0, end = n;
        if (s->parts > 1) { /* this rank's share of the window */
            uint64_t a, b;
            chunks_share(n, (uint64_t)s->part, (uint64_t)s->parts, &a, &b);
            first = (size_t)a;
            end = (size_t)b;
        }
#pragma omp parallel num_threads(s->threads)
        {
            team_place_enter(s->place);
            window w = {.s = s, .map = &none};
            uint8_t *buf = window_buffer(&w);
            uint64_t *mine = calloc(nwords ? nwords : 1, sizeof *mine);
            open_file o = {.f = NULL};
#pragma omp for schedule(runtime)
            for (size_t i = first; i < end; i++) {
                table_file *of = &f[owner[i]];
                int e = atomic_load(&of->err);
                if (e)
                    continue; /* the file has failed: its other chunks are not counted */
                e = !buf || !mine ? ENOMEM
                                  : switch_file(s, &o, of, s->parts <= 1 ||
                                                            owner[i] % (size_t)s->parts ==
                                                                (size_t)s->part);
                if (!e) {
                    w.in = &o.in;
                    memset(mine, 0, nwords * sizeof *mine);
                    e = count_entry(&w, &t[i], buf, mine);
                }
                if (e) {
                    file_failed(of, e);
                    continue;
                }
                uint64_t *sum = counts + owner[i] * nwords;
                for (size_t k = 0; k < nwords; k++)
                    if (mine[k]) {
#pragma omp atomic
                        sum[k] += mine[k];
                    }
                team_place_seen(s->place);
            }
            close_file(&o);
            free(mine);
            block_free(buf);
        }
    }
    free(owner);
    free(t);
    return err;
}

void count_files(const count_setup *s, table_file *f, size_t m, uint64_t *counts)
{
    memset(counts, 0, m * s->words->n * sizeof *counts);
    double start = timer_now();
    size_t counted = 0;
    size_t big = count_small_files(s, f, m, counts);
    if (s->parts > 1) { /* every rank must build the same table of the bigger files */
        s->ranks->files_kinds(f, m);
        big = 0;
        for (size_t j = 0; j < m; j++)
            big += !f[j].deferred && !f[j].err && f[j].size > s->chunk_size;
    }
    int err = big ? count_big_files(s, f, m, counts) : 0;
    for (size_t j = 0; j < m; j++) {
        if (err && !f[j].deferred && !f[j].err && f[j].size > s->chunk_size)
            f[j].err = err;
        counted += !f[j].deferred;
    }
    /* The team's time, shared out among the files it counted. */
    double each = (timer_now() - start) / (double)(counted ? counted : 1);
    for (size_t j = 0; j < m; j++)
        if (!f[j].deferred)
            f[j].st.parallel_seconds = each;
}
