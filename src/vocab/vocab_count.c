/* vocab_count.c - every token of an input into per-thread vocabulary tables: the chunk table
 * shared by the team (a token belongs to the chunk holding its first byte), tokens found 64 bytes
 * at a time from whitespace bit masks, hashed and looked up in batches (the table slots are
 * prefetched first: most of a large vocabulary is not in cache). */
#include "vocab_count.h"

#include "base/chunks.h"
#include "base/words.h"
#include "engine/count.h"
#include "base/timer.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define PAD 128        /* readable bytes after a window's tail: mask words read past it */
#define BATCH 32       /* tokens hashed and prefetched before their look-ups */

/* ---- whitespace (SPEC §1) ---- */

/* The first byte of a UTF-8 whitespace sequence (words.h's class 2). */
static inline int is_lead(uint8_t c)
{
    return ws_class[ENC_UTF8][c] == 2;
}

/* Is q[0] whitespace or inside a whitespace sequence? Reads q[-2..2]. */
static inline int covered_at(const uint8_t *q, int utf8)
{
    if (ws_class[utf8 ? ENC_UTF8 : ENC_LATIN1][q[0]] == 1)
        return 1;
    return utf8 && (utf8_ws_multi(q) || utf8_ws_multi(q - 1) >= 2 || utf8_ws_multi(q - 2) == 3);
}

uint64_t vocab_ws_mask(const uint8_t *q, int utf8)
{
    uint64_t m = 0, lead = 0;
#if defined(__SSE2__)
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(q + 16 * k));
        __m128i a = _mm_sub_epi8(x, _mm_set1_epi8(0x09)); /* 09-0D: a <= 4, unsigned */
        __m128i b = _mm_sub_epi8(x, _mm_set1_epi8(0x1C)); /* 1C-20: b <= 4 */
        __m128i ws = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(4)), a),
                                  _mm_cmpeq_epi8(_mm_min_epu8(b, _mm_set1_epi8(4)), b));
        __m128i l;
        if (utf8) {
            __m128i c = _mm_sub_epi8(x, _mm_set1_epi8((char)0xE1)); /* E1-E3: c <= 2 */
            l = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC2)),
                             _mm_cmpeq_epi8(_mm_min_epu8(c, _mm_set1_epi8(2)), c));
            lead |= (uint64_t)(uint16_t)_mm_movemask_epi8(l) << (16 * k);
        } else {
            l = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0x85)),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xA0)));
            ws = _mm_or_si128(ws, l);
        }
        m |= (uint64_t)(uint16_t)_mm_movemask_epi8(ws) << (16 * k);
    }
#else
    for (int i = 0; i < 64; i++) {
        m |= (uint64_t)(ws_class[utf8 ? ENC_UTF8 : ENC_LATIN1][q[i]] == 1) << i;
        lead |= (uint64_t)(utf8 && is_lead(q[i])) << i;
    }
#endif
    if (!utf8)
        return m;
    if (is_lead(q[-1]) || is_lead(q[-2])) { /* a sequence that started before q */
        unsigned l2 = utf8_ws_multi(q - 2), l1 = utf8_ws_multi(q - 1);
        m |= (uint64_t)(l2 == 3 || l1 >= 2) | (uint64_t)(l1 == 3) << 1;
    }
    while (lead) {
        int j = __builtin_ctzll(lead);
        lead &= lead - 1;
        unsigned l = utf8_ws_multi(q + j);
        if (l)
            m |= ((1ULL << l) - 1) << j; /* bits past 63 fall off: the next word sees them */
    }
    return m;
}

/* ---- a window of bytes and the search for (non-)whitespace in it ---- */

typedef struct {
    const uint8_t *p;  /* the byte at offset x is p[x - base]; p is 64-byte aligned */
    uint64_t base;
    uint64_t limit;    /* positions below it are decided: bytes up to limit + 2 are known */
    int utf8;
    uint64_t word;     /* the cached mask word: its index, and its bits */
    uint64_t bits;
} window;

static inline uint64_t mask_word(window *w, uint64_t k)
{
    if (k != w->word) {
        w->word = k;
        w->bits = vocab_ws_mask(w->p + 64 * k, w->utf8);
    }
    return w->bits;
}

/* The first position in [x, end) whose whitespace bit is `ws`, or end. */
static inline uint64_t find(window *w, uint64_t x, uint64_t end, int ws)
{
    while (x < end) {
        uint64_t rel = x - w->base, k = rel / 64;
        uint64_t m = mask_word(w, k);
        m = (ws ? m : ~m) >> (rel % 64);
        if (m) {
            x += (uint64_t)__builtin_ctzll(m);
            return x < end ? x : end;
        }
        x = w->base + 64 * (k + 1);
    }
    return end;
}

static void window_set(window *w, const uint8_t *p, uint64_t base, uint64_t have_end, int eof,
                       int utf8)
{
    w->p = p;
    w->base = base;
    /* At the end of the input the padding is whitespace, and position have_end is decided. */
    w->limit = eof ? have_end + 1 : have_end - 2;
    w->utf8 = utf8;
    w->word = UINT64_MAX;
}

/* ---- a thread's worker: its table, buffer, long key and look-up batch ---- */

typedef struct {
    vocab_table *t;
    uint8_t *buf;      /* VOCAB_LEAD + VOCAB_BLOCK + VOCAB_TAIL + PAD bytes; blocks at buf + LEAD */
    vocab_longkey lk;
    /* The batch: a short token as its words a, b; a long one by its bytes p (a = 0). */
    const uint8_t *tp[BATCH];
    uint64_t ta[BATCH], tb[BATCH], tn[BATCH], th[BATCH];
    int nb;
    int err;
} worker;

static void flush(worker *w, int fold)
{
    for (int i = 0; i < w->nb; i++) {
        int e = w->tn[i] <= VOCAB_INLINE
                    ? vocab_bump_short(w->t, w->ta[i], w->tb[i], w->tn[i], w->th[i], 1)
                    : vocab_bump(w->t, w->tp[i], w->tn[i], w->th[i], 1, fold);
        if (e < 0)
            w->err = ENOMEM;
    }
    w->nb = 0;
}

static inline void emit(worker *w, const vocab_setup *s, const uint8_t *tok, uint64_t n)
{
    uint64_t h, a = 0, b = 0;
    if (n <= VOCAB_INLINE) {
        vocab_words(tok, n, s->fold, &a, &b);
        h = vocab_hash_short(a, b, n);
    } else {
        h = vocab_hash(tok, n, s->fold);
    }
    if (s->parts > 1 && vocab_partition(h, s->parts) != s->part)
        return;
    __builtin_prefetch(w->t->slot ? vocab_slot_addr(w->t, h) : w->t);
    int i = w->nb;
    w->tp[i] = tok;
    w->ta[i] = a;
    w->tb[i] = b;
    w->tn[i] = n;
    w->th[i] = h;
    if (++w->nb == BATCH)
        flush(w, s->fold);
}

/* Counts the tokens that start in [from, to) and end before the window's limit. Returns the
 * start of the one that does not end there (it goes on past the window), or -1. */
static int64_t scan(worker *w, const vocab_setup *s, window *win, uint64_t from, uint64_t to)
{
    uint64_t x = from;
    if (!covered_at(win->p + (from - 1 - win->base), s->utf8))
        x = find(win, from, win->limit, 1); /* the rest of a token that started before */
    int64_t open = -1;
    for (;;) {
        x = find(win, x, to, 0);
        if (x >= to)
            break;
        uint64_t e = find(win, x + 1, win->limit, 1);
        if (e == win->limit) {
            open = (int64_t)x;
            break;
        }
        emit(w, s, win->p + (x - win->base), e - x);
        x = e;
    }
    flush(w, s->fold);
    return open;
}

/* A token longer than a thread's table may grow (the budget) fits in no pass: the input fails at
 * once instead of holding the token whole, or retrying in ever finer passes. */
static int too_long(const vocab_setup *s, const vocab_longkey *k, uint64_t more)
{
    return s->budget && k->len + more > s->budget;
}

/* The long key built: counted if its partition is this pass's. */
static void long_done(worker *w, const vocab_setup *s, vocab_table *t)
{
    uint64_t h = vocab_longkey_hash(&w->lk);
    if (s->parts > 1 && vocab_partition(h, s->parts) != s->part)
        w->lk.len = 0;
    else if (vocab_longkey_add(t, &w->lk, h) < 0)
        w->err = ENOMEM;
}

static uint8_t *worker_buffer(void)
{
    void *b;
    size_t size = VOCAB_LEAD + VOCAB_BLOCK + VOCAB_TAIL + PAD;
    if (posix_memalign(&b, 64, size))
        return NULL;
    memset(b, ' ', size);
    return b;
}

/* Reads the window of [off, off + n) of a file: VOCAB_LEAD bytes before, VOCAB_TAIL after. */
static int read_window(const input *in, uint64_t off, uint64_t n, uint8_t *buf, window *win,
                       int utf8)
{
    uint8_t *p = buf + VOCAB_LEAD;
    uint64_t lo = off >= VOCAB_LEAD ? off - VOCAB_LEAD : 0;
    uint64_t hi = off + n + VOCAB_TAIL < in->size ? off + n + VOCAB_TAIL : in->size;
    memset(buf, ' ', (size_t)(VOCAB_LEAD - (off - lo))); /* before the input: whitespace */
    int err = input_read_at(in, lo, (size_t)(hi - lo), p - (off - lo));
    if (err)
        return err;
    memset(p + (hi - off), ' ', (size_t)(off + n + VOCAB_TAIL + PAD - hi));
    window_set(win, p, off, hi, hi == in->size, utf8);
    return 0;
}

static int over(const vocab_setup *s, const worker *w, vocab_pass *v)
{
    if (s->budget && vocab_memory(w->t) > s->budget) {
#pragma omp atomic write
        v->over_budget = 1;
    }
    int stop;
#pragma omp atomic read
    stop = v->over_budget;
    return stop;
}

/* Counts the tokens starting in [off, end) of a file. */
static int scan_file_range(worker *w, const vocab_setup *s, const input *in, uint64_t off,
                           uint64_t end, vocab_pass *v)
{
    window win;
    uint64_t x = off;
    while (x < end && !w->err && !over(s, w, v)) { /* over: at once, in every chunk left */
        uint64_t n = end - x < VOCAB_BLOCK ? end - x : VOCAB_BLOCK;
        int err = read_window(in, x, n, w->buf, &win, s->utf8);
        if (err)
            return err;
        int64_t open = scan(w, s, &win, x, x + n);
        x += n;
        if (open >= 0) { /* a token that goes on past the window: follow it to its end */
            uint64_t y = win.limit, e = win.limit;
            if (too_long(s, &w->lk, y - (uint64_t)open))
                return INPUT_TOKEN_TOO_LONG;
            if (vocab_longkey_append(&w->lk, win.p + ((uint64_t)open - win.base),
                                     y - (uint64_t)open, s->fold) < 0)
                return ENOMEM;
            while (e == win.limit) {
                if ((err = read_window(in, y, VOCAB_BLOCK, w->buf, &win, s->utf8)))
                    return err;
                e = find(&win, y, win.limit, 1);
                if (too_long(s, &w->lk, e - y))
                    return INPUT_TOKEN_TOO_LONG;
                if (vocab_longkey_append(&w->lk, win.p + (y - win.base), e - y, s->fold) < 0)
                    return ENOMEM;
                y = e;
            }
            long_done(w, s, w->t);
            x = e > x ? e : x;
        }
    }
    return w->err;
}

/* ---- the passes' tables ---- */

int vocab_pass_init(vocab_pass *v, const vocab_setup *s)
{
    memset(v, 0, sizeof *v);
    v->ntables = s->threads;
    v->tables = calloc((size_t)s->threads, sizeof *v->tables);
    vocab_init(&v->serial);
    v->serial.limit = s->budget;
    for (int i = 0; v->tables && i < s->threads; i++)
        v->tables[i].limit = s->budget;
    return v->tables ? 0 : ENOMEM;
}

void vocab_pass_free(vocab_pass *v)
{
    for (int i = 0; v->tables && i < v->ntables; i++)
        vocab_free(&v->tables[i]);
    free(v->tables);
    vocab_free(&v->serial);
    v->tables = NULL;
}

int vocab_pass_merge(vocab_pass *v)
{
    v->tables[0].limit *= (size_t)v->ntables; /* the threads' shares together */
    for (int i = 1; i < v->ntables; i++) {
        if (vocab_merge(&v->tables[0], &v->tables[i]) < 0)
            return ENOMEM;
        vocab_free(&v->tables[i]);
    }
    return 0;
}

/* ---- regular files: the chunk table, a window at a time ---- */

static int set_err(int *err, int e)
{
    if (e) {
#pragma omp atomic write
        *err = e;
    }
    return e;
}

static int count_file(const vocab_setup *s, const input *in, vocab_pass *v)
{
    chunk *table = malloc(CHUNK_TABLE_WINDOW * sizeof *table);
    int err = table ? 0 : ENOMEM;
    uint64_t from = 0, to = in->size;
    if (s->ranks > 1) /* an MPI rank's share of the chunk table */
        chunks_share_bytes(in->size, s->chunk_size, s->rank, s->ranks, &from, &to);
    while (from < to && !err && !v->over_budget) {
        size_t m = chunks_fill(table, CHUNK_TABLE_WINDOW, from, to, s->chunk_size, s->chunk_size);
        if (s->mode & COUNT_PARALLEL) {
            double t0 = timer_now();
#pragma omp parallel num_threads(s->threads)
            {
                worker w = {.t = &v->tables[omp_get_thread_num()], .buf = worker_buffer()};
                if (!w.buf)
                    set_err(&err, ENOMEM);
#pragma omp for schedule(dynamic, 1)
                for (size_t i = 0; i < m; i++) {
                    int stop;
#pragma omp atomic read
                    stop = err;
                    if (!stop && w.buf)
                        set_err(&err, scan_file_range(&w, s, in, table[i].offset,
                                                      table[i].offset + table[i].length, v));
                }
                vocab_longkey_free(&w.lk);
                free(w.buf);
            }
            v->parallel_seconds += timer_now() - t0;
        }
        if (!err && (s->mode & COUNT_SERIAL)) {
            double t0 = timer_now();
            worker w = {.t = s->mode == COUNT_SERIAL ? &v->tables[0] : &v->serial,
                        .buf = worker_buffer()};
            err = w.buf ? 0 : ENOMEM;
            for (size_t i = 0; i < m && !err && !v->over_budget; i++)
                err = scan_file_range(&w, s, in, table[i].offset,
                                      table[i].offset + table[i].length, v);
            vocab_longkey_free(&w.lk);
            free(w.buf);
            v->serial_seconds += timer_now() - t0;
        }
        from = table[m - 1].offset + table[m - 1].length;
        v->bytes += table[m - 1].offset + table[m - 1].length - table[0].offset;
    }
    free(table);
    return err ? err : input_check_unchanged(in);
}

/* ---- streams: batches read in order; the pieces of each are counted by the team ---- */

typedef struct {
    uint8_t *buf, *p;     /* p = buf + VOCAB_LEAD: the batch; the bytes before it precede it */
    size_t batch, have, len;
    uint64_t offset;      /* of p[0] */
    int eof;
} batches;

static int batch_next(batches *b, const input *in)
{
    if (b->len) { /* keep the bytes before the next batch, and the read-ahead */
        memmove(b->buf, b->p + b->len - VOCAB_LEAD, VOCAB_LEAD + b->have - b->len);
        b->have -= b->len;
        b->offset += b->len;
    }
    size_t want = b->batch + VOCAB_TAIL;
    while (!b->eof && b->have < want) {
        size_t got = 0;
        int err = input_read(in, b->p + b->have, want - b->have, &got);
        if (err) {
            b->len = 0;
            return err;
        }
        b->eof = got == 0;
        b->have += got;
    }
    b->len = b->have < b->batch ? b->have : b->batch;
    memset(b->p + b->have, ' ', want + PAD - b->have);
    return 0;
}

/* Every path counting this batch: the team and/or the serial worker. Returns the start of the
 * token still open at the batch's end, or -1. */
static int64_t count_batch(const vocab_setup *s, batches *b, chunk *table, vocab_pass *v,
                           int *err)
{
    int64_t open = -1, open_serial = -1;
    for (uint64_t from = b->offset, to = b->offset + b->len; from < to && !*err;) {
        size_t m = chunks_fill(table, CHUNK_TABLE_WINDOW, from, to, s->chunk_size, VOCAB_BLOCK);
        if (s->mode & COUNT_PARALLEL) {
            double t0 = timer_now();
#pragma omp parallel num_threads(s->threads)
            {
                worker w = {.t = &v->tables[omp_get_thread_num()]};
                window win;
                window_set(&win, b->p, b->offset, b->offset + b->have, b->eof, s->utf8);
#pragma omp for schedule(dynamic, 1)
                for (size_t i = 0; i < m; i++) {
                    int64_t o = scan(&w, s, &win, table[i].offset,
                                     table[i].offset + table[i].length);
                    if (o >= 0) {
#pragma omp critical(vocab_open)
                        open = o > open ? o : open;
                    }
                }
                set_err(err, w.err);
                over(s, &w, v);
            }
            v->parallel_seconds += timer_now() - t0;
        }
        if (s->mode & COUNT_SERIAL) {
            double t0 = timer_now();
            worker w = {.t = s->mode == COUNT_SERIAL ? &v->tables[0] : &v->serial};
            window win;
            window_set(&win, b->p, b->offset, b->offset + b->have, b->eof, s->utf8);
            for (size_t i = 0; i < m; i++) {
                int64_t o = scan(&w, s, &win, table[i].offset, table[i].offset + table[i].length);
                open_serial = o >= 0 ? o : open_serial;
            }
            set_err(err, w.err);
            over(s, &w, v);
            v->serial_seconds += timer_now() - t0;
        }
        from = table[m - 1].offset + table[m - 1].length;
    }
    return s->mode & COUNT_PARALLEL ? open : open_serial;
}

static int count_stream(const vocab_setup *s, const input *in, vocab_pass *v)
{
    batches b = {.batch = stream_batch_bytes(s->threads)};
    void *mem = NULL;
    chunk *table = malloc(CHUNK_TABLE_WINDOW * sizeof *table);
    int err = table && !posix_memalign(&mem, 64, VOCAB_LEAD + b.batch + VOCAB_TAIL + PAD) && mem
                  ? 0 : ENOMEM;
    b.buf = mem;
    if (b.buf) {
        b.p = b.buf + VOCAB_LEAD;
        memset(b.buf, ' ', VOCAB_LEAD);
    }
    /* The token open at a batch's end, followed into the next batches by this worker. */
    worker carry = {.t = &v->tables[0]};
    int carrying = 0;
    const double t0 = timer_now(), before = v->parallel_seconds + v->serial_seconds;
    uint64_t carry_from = 0;
    while (!err && !v->over_budget && !(err = batch_next(&b, in)) && b.len) {
        window win;
        window_set(&win, b.p, b.offset, b.offset + b.have, b.eof, s->utf8);
        v->bytes += b.len;
        if (carrying) {
            uint64_t e = find(&win, carry_from, win.limit, 1);
            if (too_long(s, &carry.lk, e - carry_from))
                err = INPUT_TOKEN_TOO_LONG;
            else if (vocab_longkey_append(&carry.lk, b.p + (carry_from - b.offset),
                                          e - carry_from, s->fold) < 0)
                err = ENOMEM;
            carry_from = e;
            if (e < win.limit) {
                /* Every path found the same open token: each table counts it. */
                vocab_longkey copy = {0};
                if (s->mode == COUNT_VERIFY &&
                    vocab_longkey_copy(&copy, &carry.lk) < 0)
                    err = ENOMEM;
                long_done(&carry, s, &v->tables[0]);
                if (s->mode == COUNT_VERIFY) {
                    carry.lk = copy;
                    long_done(&carry, s, &v->serial);
                }
                carrying = 0;
            }
            if (carrying && b.offset + b.len <= carry_from)
                continue; /* the whole batch is inside the token: nothing starts in it */
        }
        int64_t open = count_batch(s, &b, table, v, &err);
        if (open >= 0 && !err) {
            if (too_long(s, &carry.lk, win.limit - (uint64_t)open))
                err = INPUT_TOKEN_TOO_LONG;
            else if (vocab_longkey_append(&carry.lk, b.p + ((uint64_t)open - b.offset),
                                          win.limit - (uint64_t)open, s->fold) < 0)
                err = ENOMEM;
            carrying = 1;
            carry_from = win.limit;
        }
    }
    if (!err)
        err = carry.err;
    v->bytes -= input_added_bytes(in); /* the newlines between archive members */
    count_waited(&v->parallel_seconds, &v->serial_seconds, s->mode, timer_now() - t0 + before);
    vocab_longkey_free(&carry.lk);
    free(mem);
    free(table);
    return err;
}

int vocab_count_input(const vocab_setup *s, const input *in, vocab_pass *v)
{
    if (in->seekable)
        return count_file(s, in, v);
    /* A stream (a compressed input) cannot be cut at byte offsets: with MPI ranks, rank 0 counts it
     * whole and the others add nothing (the ranks' tables are merged as for a file's shares). */
    if (s->ranks > 1 && s->rank != 0)
        return 0;
    int err = count_stream(s, in, v);
    return err ? err : input_check_unchanged(in); /* a compressed file that grew meanwhile */
}
