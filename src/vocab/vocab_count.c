/* vocab_count.c - every token of an input into per-thread vocabulary tables, as a sink of the
 * counting engine (engine/count.h): the engine walks the chunk table and hands each thread its
 * blocks; a token layer gives each block's token boundaries (the kernel's, kernel.h tokens_fn,
 * for the space rule; its word_tokens for the word rule), which are hashed and looked up in batches
 * (the table slots are prefetched first: most of a large vocabulary is not in cache). A token
 * belongs to the block holding its first byte; one that goes on past the bytes in memory is
 * followed by reading on (a file) or carried into the next batch (a stream); a word is followed
 * with the segmenter's state where the bytes ran out. With -i in utf-8 a token holding a byte
 * above 7F is folded by Unicode simple case folding (SPEC §8) before it is hashed; the table's
 * own folding (ASCII) then changes nothing more. */
#include "vocab_count.h"

#include "base/wordbreak.h"
#include "engine/count.h"
#include "io/mapio.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define PIECE 4096     /* bytes of a block whose tokens are found at once */
/* The word rule reads KERNEL_BEFORE bytes of context before each piece: larger pieces. */
#define WORDS_PIECE 16384
#define BATCH 32       /* tokens hashed and prefetched before their look-ups (16 to 128 ran alike) */
#define FOLLOW (64u * 1024u) /* bytes read at a time when following a long token in a file */
#define FOLLOW_TAIL 8u /* and after them: what decides the tokens up to FOLLOW (a utf-8 unit) */
#define FOLD_BYTES (64u * 1024u) /* the buffer of a token folded by Unicode, at least */

/* The sink's state for one input, shared by its threads. */
typedef struct {
    const vocab_setup *s;
    vocab_pass *v;
    uint64_t bytes;       /* the bytes the reported path counted */
    int64_t open;         /* a stream: the start of the token open at the batch's end, or -1 */
    uint64_t open_at;     /* the word rule: where that word's bytes stopped being decided */
    wb_state open_state;  /* and the segmenter's state there */
    vocab_longkey carry;  /* the bytes of the token carried from batch to batch so far */
    uint64_t carry_from;  /* where it goes on */
    wb_state carry_state; /* the word rule: the segmenter's state there */
    int carrying;
} sink_ctx;

/* A thread's (or the serial path's) state: its table, long key and look-up batch. */
typedef struct {
    sink_ctx *k;
    vocab_table *t;
    int reported;      /* this path's bytes are the ones reported */
    uint64_t bytes;
    int64_t open;
    uint64_t open_at;
    wb_state open_state;
    vocab_longkey lk;
    uint8_t *follow;   /* a block for reading on after a long token, made when first needed */
    uint8_t *folded;   /* -i in utf-8: a token folded by Unicode, fcap bytes */
    size_t fcap;
    int err;
    uint32_t start[WORDS_PIECE / 2 + 1], end[WORDS_PIECE / 2 + 1]; /* at most (len + 1) / 2 */
} worker;

/* -i in utf-8: Unicode folding changes only tokens with a byte above 7F (on ASCII it is the
 * table's ASCII folding). Read 8 bytes at a time: VOCAB_KEY_PAD bytes follow every token. */
static inline int needs_unicode_fold(const vocab_setup *s, const uint8_t *p, uint64_t n)
{
    if (!s->fold || !s->utf8)
        return 0;
    uint64_t any = 0, i = 0, x;
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, p + i, 8);
        any |= x;
    }
    return ((any | vocab_load(p + i, n - i)) & 0x8080808080808080ULL) != 0;
}

/* The token p[0..*n) folded (SPEC §8), in the worker's buffer until the next; NULL (w->err set)
 * when out of memory. */
static const uint8_t *fold_token(worker *w, const uint8_t *p, uint64_t *n)
{
    size_t need = (size_t)(*n + *n / 2 + 1 + VOCAB_KEY_PAD); /* fold_utf8's bound, and the pad */
    if (need > w->fcap) {
        size_t cap = need > FOLD_BYTES ? need : FOLD_BYTES;
        free(w->folded);
        w->fcap = 0;
        if (!(w->folded = malloc(cap))) {
            w->err = ENOMEM;
            return NULL;
        }
        w->fcap = cap;
    }
    *n = fold_utf8(p, (size_t)*n, w->folded);
    return w->folded;
}

/* A token the batches leave out (longer than VOCAB_INLINE, or to fold by Unicode): hashed and
 * counted on its own, no prefetch (such tokens are few). */
static __attribute__((noinline)) void count_slow(worker *w, const uint8_t *tok, uint64_t n)
{
    const vocab_setup *s = w->k->s;
    if (needs_unicode_fold(s, tok, n) && !(tok = fold_token(w, tok, &n)))
        return;
    uint64_t h = vocab_hash(tok, n, s->fold);
    if (s->parts > 1 && vocab_partition(h, s->parts) != s->part)
        return;
    if (vocab_bump(w->t, tok, n, h, 1, s->fold) < 0)
        w->err = ENOMEM;
}

/* A short token of a batch, hashed: its vocab_words a, b, length n and hash h. */
typedef struct {
    uint64_t a, b, n, h;
} pending;

/* The slots of a table that has none yet: one empty slot, so that a look-up finds its place
 * there, and vocab_insert_short makes the table. */
static const vocab_slot no_slots[1];

typedef uint8_t bytes16 __attribute__((vector_size(16))); /* GCC and Clang: SSE2, NEON, SVE */
typedef uint64_t words2 __attribute__((vector_size(16)));

/* The token p[0..len) hashed as a short one, with no branch that depends on the data: its 16
 * bytes are loaded as one vector, masked by length, and with -i their ASCII letters folded all at
 * once. A token this cannot take (longer than VOCAB_INLINE, or, where `high` is set, with a byte
 * above 7F) gets a length above VOCAB_INLINE, and is counted by count_slow. fold is a constant
 * where this is inlined. */
static inline __attribute__((always_inline)) pending hash_token(const uint8_t *p, uint64_t len,
                                                                const int fold, uint64_t high)
{
    uint64_t k = len < VOCAB_INLINE ? len : VOCAB_INLINE;
    bytes16 v, m;
    memcpy(&v, p, 16);
    memcpy(&m, vocab_short_mask[k], 16);
    v &= m;
    if (fold) /* A-Z: v - 'A' below 26 (unsigned) */
        v |= (bytes16)((bytes16)(v - 'A') < 26) & 0x20;
    words2 xy = (words2)v;
    uint64_t x = xy[0], y = xy[1];
    return (pending){x, y, len | ((x | y) & high), vocab_hash_short(x, y, len)};
}

/* The look-up state of a run of tokens: the table's slots (no_slots while it has none), mask,
 * the tokens found (vocab_insert_short counts the new keys itself), and the hash partition
 * counted (vocab_setup's, here where the loop keeps it in registers). */
typedef struct {
    const vocab_slot *slots;
    size_t mask;
    uint64_t hits;
    uint32_t part, parts;
    uint64_t high; /* bit 7 of each byte where -i folds Unicode (utf-8): a token to fold so */
} probe;

static inline void probe_reload(probe *r, const vocab_table *t)
{
    r->slots = t->mask ? t->slot : no_slots;
    r->mask = t->mask;
}

/* Counts the token base[start..end) hashed as e. */
static inline __attribute__((always_inline)) void look_up(worker *w, probe *r, const pending e,
                                                          const uint8_t *base, uint32_t start,
                                                          uint32_t end)
{
    if (e.n > VOCAB_INLINE) {
        count_slow(w, base + start, end - start);
        probe_reload(r, w->t);
        return;
    }
    if (r->parts > 1 && vocab_partition(e.h, r->parts) != r->part)
        return;
    int found;
    vocab_slot *v = vocab_probe_short(r->slots, r->mask, e.a, e.b, e.n, e.h, &found);
    if (found) {
        v->count++;
        r->hits++;
        return;
    }
    if (vocab_insert_short(w->t, (size_t)(v - r->slots), e.a, e.b, e.n, e.h, 1) < 0)
        w->err = ENOMEM;
    probe_reload(r, w->t); /* it may have grown */
}

/* Counts the tokens base[start[i]..end[i]) (i < n, n <= BATCH) in two passes: the first hashes
 * them and prefetches their slots, the second looks them up, by then mostly in cache. */
static inline __attribute__((always_inline)) void count_batch(worker *w, probe *r,
                                                              const uint8_t *base,
                                                              const uint32_t *start,
                                                              const uint32_t *end, size_t n,
                                                              const int fold)
{
    pending q[BATCH];
    for (size_t i = 0; i < n; i++) {
        q[i] = hash_token(base + start[i], end[i] - start[i], fold, r->high);
        /* And the next slot's line: the probe goes on there when the first slot holds another
         * key and ends a line (a miss it would otherwise wait for). */
        __builtin_prefetch(&r->slots[q[i].h & r->mask]);
        __builtin_prefetch(&r->slots[q[i].h & r->mask] + 1);
    }
    for (size_t i = 0; i < n; i++)
        look_up(w, r, q[i], base, start[i], end[i]);
}

/* The tokens base[start[i]..end[i]) for i < n into the thread's table. */
static void count_tokens(worker *w, const uint8_t *base, const uint32_t *start,
                         const uint32_t *end, size_t n)
{
    const vocab_setup *s = w->k->s;
    const int fold = s->fold;
    probe r = {.hits = 0, .part = s->part, .parts = s->parts,
               .high = s->fold && s->utf8 ? 0x8080808080808080ULL : 0};
    probe_reload(&r, w->t);
    for (size_t i = 0; i < n; i += BATCH) {
        size_t m = n - i < BATCH ? n - i : BATCH;
        if (fold)
            count_batch(w, &r, base, start + i, end + i, m, 1);
        else
            count_batch(w, &r, base, start + i, end + i, m, 0);
    }
    w->t->tokens += r.hits;
}

/* A token longer than a thread's table may grow (the budget) fits in no pass: the input fails at
 * once instead of holding the token whole, or retrying in ever finer passes. */
static int too_long(const vocab_setup *s, const vocab_longkey *k, uint64_t more)
{
    return s->budget && k->len + more > s->budget;
}

/* Appends p[0..n) to a long key (folded: a piece that ends inside a UTF-8 sequence is folded
 * wrong; whole_units keeps one from doing so). Returns 0, INPUT_TOKEN_TOO_LONG or ENOMEM. */
static int append(const vocab_setup *s, vocab_longkey *k, const uint8_t *p, uint64_t n)
{
    if (!needs_unicode_fold(s, p, n)) {
        if (too_long(s, k, n))
            return INPUT_TOKEN_TOO_LONG;
        return vocab_longkey_append(k, p, n, s->fold) < 0 ? ENOMEM : 0;
    }
    uint8_t *f = malloc((size_t)(n + n / 2 + 1)); /* fold_utf8's bound */
    if (!f)
        return ENOMEM;
    uint64_t m = fold_utf8(p, (size_t)n, f);
    int err = too_long(s, k, m) ? INPUT_TOKEN_TOO_LONG
                                : vocab_longkey_append(k, f, m, 1) < 0 ? ENOMEM : 0;
    free(f);
    return err;
}

/* How much of p[0..n), a piece of a token that goes on after it, to append now: with Unicode
 * folding, not a UTF-8 sequence that the piece's end cuts (the next piece starts with it). A
 * byte C0 or above always starts a unit of its own, so starting the next piece there decodes
 * the same units. */
static size_t whole_units(const vocab_setup *s, const uint8_t *p, size_t n)
{
    if (!s->fold || !s->utf8)
        return n;
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        uint8_t b = p[n - k];
        if (b >= 0xC0) {
            size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            return need > k ? n - k : n;
        }
        if (b < 0x80)
            return n;
    }
    return n;
}

/* The long key built: counted into t if its partition is this pass's. */
static int long_done(const vocab_setup *s, vocab_longkey *k, vocab_table *t)
{
    uint64_t h = vocab_longkey_hash(k);
    if (s->parts > 1 && vocab_partition(h, s->parts) != s->part) {
        k->len = 0;
        return 0;
    }
    return vocab_longkey_add(t, k, h) < 0 ? ENOMEM : 0;
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

/* The block that a long token is followed with, made when first needed. */
static int follow_buffer(worker *w)
{
    return w->follow || (w->follow = block_alloc(FOLLOW, FOLLOW_TAIL)) ? 0 : ENOMEM;
}

/* A token of a file that goes on past the block's bytes in memory: its bytes p[0..n) (file
 * offset `at`) and then the file's, read FOLLOW bytes at a time, until its end. */
static int follow_file(worker *w, const input *in, const uint8_t *p, uint64_t n, uint64_t at)
{
    const vocab_setup *s = w->k->s;
    n = whole_units(s, p, (size_t)n);
    int err = append(s, &w->lk, p, n);
    if (!err)
        err = follow_buffer(w);
    for (uint64_t y = at + n; !err;) {
        /* Positions below `limit` are decided by the bytes read (2 more: a utf-8 sequence). */
        int last = y + FOLLOW + 2 > in->size;
        size_t limit = last ? (size_t)(in->size - y) : FOLLOW, e;
        if ((err = input_read_block(in, y, FOLLOW, 2, w->follow)))
            break;
        s->kern->tokens(s->utf8 ? ENC_UTF8 : ENC_LATIN1, w->follow, 0, limit, w->start, w->end,
                        &e);
        int ends = e < limit || last;
        if (!ends)
            e = whole_units(s, w->follow, e);
        if ((err = append(s, &w->lk, w->follow, e)) || ends)
            break;
        y += e;
    }
    return err ? err : long_done(s, &w->lk, w->t);
}

/* A word of a file that goes on past the block's bytes in memory: its bytes p[0..n) (up to file
 * offset `at`, where the segmenter's state is *st), then the file's, read FOLLOW bytes at a time,
 * until its end; counted if it turns out a word. */
static int follow_words(worker *w, const input *in, const uint8_t *p, uint64_t n, uint64_t at,
                        wb_state *st)
{
    const vocab_setup *s = w->k->s;
    int err = append(s, &w->lk, p, n);
    if (!err)
        err = follow_buffer(w);
    for (uint64_t y = at; !err;) {
        /* Past the file's end, the buffer holds whitespace. */
        int last = y + FOLLOW + FOLLOW_TAIL > in->size;
        size_t avail = last ? (size_t)(in->size - y) : FOLLOW + FOLLOW_TAIL, used;
        int word;
        if ((err = input_read_block(in, y, FOLLOW, FOLLOW_TAIL, w->follow)))
            break;
        if (tokens_words_follow(s->utf8 ? ENC_UTF8 : ENC_LATIN1, w->follow, avail, last, st,
                                &used, &word) == WORDS_DONE) {
            if (!word)
                break;
            return (err = append(s, &w->lk, w->follow, used)) ? err : long_done(s, &w->lk, w->t);
        }
        if (!used)
            err = INPUT_WORDS_UNDECIDED; /* a look-ahead through FOLLOW bytes of marks */
        else
            err = append(s, &w->lk, w->follow, used);
        y += used;
    }
    w->lk.len = 0;
    return err;
}

/* The word rule's block: its words into the thread's table. */
static int sink_words(worker *w, const count_block *b)
{
    const vocab_setup *s = w->k->s;
    const int enc = s->utf8 ? ENC_UTF8 : ENC_LATIN1;
    const size_t avail = b->len + b->after; /* at the input's end, whitespace follows */
    for (size_t x = 0; x < b->len && !w->err; x += WORDS_PIECE) {
        size_t len = b->len - x < WORDS_PIECE ? b->len - x : WORDS_PIECE, n;
        words_open o;
        int r = s->kern->word_tokens(enc, b->p + x, len, avail - x, b->last, w->start, w->end,
                                     &n, &o);
        if (r == WORDS_UNDECIDED)
            return INPUT_WORDS_UNDECIDED;
        count_tokens(w, b->p + x, w->start, w->end, n);
        if (r == WORDS_OPEN) { /* the last word, going on past the bytes in memory */
            if (b->in)
                return follow_words(w, b->in, b->p + x + o.start, o.at - o.start,
                                    b->offset + x + o.at, &o.s);
            int64_t at = (int64_t)(b->offset + x + o.start);
            if (at > w->open) { /* carried by sink_batch */
                w->open = at;
                w->open_at = b->offset + x + o.at;
                w->open_state = o.s;
            }
            return w->err;
        }
    }
    return w->err;
}

/* The engine's block: its tokens into the thread's table. */
static int sink_block(void *state, const count_block *b)
{
    worker *w = state;
    const vocab_setup *s = w->k->s;
    const int enc = s->utf8 ? ENC_UTF8 : ENC_LATIN1;
    if (over(s, w, w->k->v))
        return INPUT_STOPPED;
    w->bytes += b->len;
    if (s->tokens == TOKENS_WORDS)
        return sink_words(w, b);
    /* Positions below `limit` are decided by the bytes in memory: a utf-8 whitespace sequence
     * takes 2 more; at the input's end, whitespace follows. */
    const size_t limit = b->last ? b->len + b->after : b->len + b->after - 2;
    for (size_t x = 0; x < b->len && !w->err; x += PIECE) {
        size_t len = b->len - x < PIECE ? b->len - x : PIECE;
        size_t n = s->kern->tokens(enc, b->p + x, len, limit - x, w->start, w->end, NULL);
        /* Only the last token can go on past the bytes in memory. */
        int open = n && !b->last && w->end[n - 1] >= limit - x;
        count_tokens(w, b->p + x, w->start, w->end, n - open);
        if (open) {
            size_t i = n - 1;
            const uint8_t *t = b->p + x + w->start[i];
            if (b->in)
                return w->err ? w->err
                              : follow_file(w, b->in, t, w->end[i] - w->start[i],
                                            b->offset + x + w->start[i]);
            int64_t at = (int64_t)(b->offset + x + w->start[i]);
            w->open = at > w->open ? at : w->open; /* carried by sink_batch */
            return w->err;
        }
    }
    return w->err;
}

static void *sink_open(void *ctx, int thread)
{
    sink_ctx *k = ctx;
    worker *w = malloc(sizeof *w);
    if (!w)
        return NULL;
    w->k = k;
    w->reported = thread >= 0 ? (k->s->mode & COUNT_PARALLEL) != 0 : k->s->mode == COUNT_SERIAL;
    w->t = thread >= 0 ? &k->v->tables[thread] : w->reported ? &k->v->tables[0] : &k->v->serial;
    w->bytes = 0;
    w->open = -1;
    w->lk = (vocab_longkey){0};
    w->follow = NULL;
    w->folded = NULL;
    w->fcap = 0;
    w->err = 0;
    return w;
}

static void sink_close(void *ctx, void *state)
{
    sink_ctx *k = ctx;
    worker *w = state;
#pragma omp critical(vocab_sink_close)
    {
        if (w->reported)
            k->bytes += w->bytes;
        if (w->open > k->open) {
            k->open = w->open;
            k->open_at = w->open_at;
            k->open_state = w->open_state;
        }
    }
    vocab_longkey_free(&w->lk);
    block_free(w->follow);
    free(w->folded);
    free(w);
}

/* The carried token has ended: counted by every path's table. */
static int carry_done(sink_ctx *k)
{
    const vocab_setup *s = k->s;
    int err = 0;
    k->carrying = 0;
    vocab_longkey copy = {0};
    if (s->mode == COUNT_VERIFY && vocab_longkey_copy(&copy, &k->carry) < 0)
        err = ENOMEM;
    if (!err)
        err = long_done(s, &k->carry, &k->v->tables[0]);
    if (!err && s->mode == COUNT_VERIFY)
        err = long_done(s, &copy, &k->v->serial);
    vocab_longkey_free(&copy);
    return err;
}

/* The word carried into the batch b goes on (the word rule). */
static int carry_word(sink_ctx *k, const stream *b)
{
    const vocab_setup *s = k->s;
    /* Where it goes on is in the batch, or in the KERNEL_BEFORE bytes kept before it, unless a
     * look-ahead through a longer run of marks stopped it further back. */
    int64_t at = (int64_t)(k->carry_from - b->offset);
    if (at < -(int64_t)KERNEL_BEFORE)
        return INPUT_WORDS_UNDECIDED;
    size_t used;
    int word;
    int r = tokens_words_follow(s->utf8 ? ENC_UTF8 : ENC_LATIN1, b->p + at,
                                (size_t)((int64_t)b->have - at), b->eof, &k->carry_state, &used,
                                &word);
    if (r == WORDS_DONE && !word) {
        k->carrying = 0;
        k->carry.len = 0;
        return 0;
    }
    if (r == WORDS_OPEN && !used)
        return INPUT_WORDS_UNDECIDED; /* a look-ahead through a batch of marks */
    int err = append(s, &k->carry, b->p + at, used);
    k->carry_from += used;
    return err || r == WORDS_OPEN ? err : carry_done(k);
}

/* A stream's batch: before it is counted, the token carried from the last batch goes on in it
 * (and is counted once it ends, by every path's table); after, a token open at its end is
 * carried. */
static int sink_batch(void *ctx, const stream *b, int done)
{
    sink_ctx *k = ctx;
    const vocab_setup *s = k->s;
    const size_t limit = b->eof ? b->have : b->have - 2;
    int err = 0;
    if (done) {
        if (k->open >= 0) {
            size_t at = (size_t)((uint64_t)k->open - b->offset);
            size_t n = s->tokens == TOKENS_WORDS ? (size_t)(k->open_at - (uint64_t)k->open)
                                                 : whole_units(s, b->p + at, limit - at);
            err = append(s, &k->carry, b->p + at, n);
            k->carry_from = (uint64_t)k->open + n;
            k->carry_state = k->open_state;
            k->carrying = 1;
        }
        return err;
    }
    k->open = -1;
    if (!k->carrying)
        return 0;
    if (s->tokens == TOKENS_WORDS)
        return carry_word(k, b);
    size_t at = (size_t)(k->carry_from - b->offset), e;
    uint32_t none[1];
    s->kern->tokens(s->utf8 ? ENC_UTF8 : ENC_LATIN1, b->p + at, 0, limit - at, none, none, &e);
    int ends = at + e < limit || b->eof;
    if (!ends)
        e = whole_units(s, b->p + at, e);
    err = append(s, &k->carry, b->p + at, e);
    k->carry_from += e;
    return err || !ends ? err : carry_done(k);
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

int vocab_count_input(const vocab_setup *s, const input *in, vocab_pass *v)
{
    /* A stream (a compressed input) cannot be cut at byte offsets: with MPI ranks, rank 0 counts it
     * whole and the others add nothing (the ranks' tables are merged as for a file's shares). */
    if (!in->seekable && s->ranks > 1 && s->rank != 0)
        return 0;
    sink_ctx k = {.s = s, .v = v, .open = -1};
    const count_sink sink = {.tail = VOCAB_TAIL, .ctx = &k, .open = sink_open,
                             .block = sink_block, .close = sink_close, .batch = sink_batch};
    const wordlist none = {.n = 0}; /* no target words: the sink takes every token */
    const int share = in->seekable && s->ranks > 1;
    count_setup engine = {.words = &none, .kern = s->kern, .chunk_size = s->chunk_size,
                          .threads = s->threads, .mode = s->mode,
                          .part = share ? (int)s->rank : 0, .parts = share ? (int)s->ranks : 1,
                          .io = IO_PREAD, .place = s->place, .sink = &sink};
    count_stats st;
    int err = count_input(&engine, in, NULL, &st);
    if (err == INPUT_STOPPED && v->over_budget)
        err = 0; /* a finer pass will count it */
    v->bytes += k.bytes - (in->seekable ? 0 : input_added_bytes(in)); /* not the newlines between archive members */
    v->parallel_seconds += st.parallel_seconds;
    v->serial_seconds += st.serial_seconds;
    vocab_longkey_free(&k.carry);
    return err;
}
