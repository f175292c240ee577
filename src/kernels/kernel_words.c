/* kernel_words.c - the --tokens=words kernel (SPEC §8), scalar: one code point at a time through
 * the segmenter of wordbreak.h, counting the word segments that start in the block; and the same
 * scan as the vocabulary's token layer (tokens_words), which gives those words' bounds instead.
 *
 * Resynchronisation. Whether a boundary falls at a position depends on the unit just before it
 * and on the last two units before it that rule WB4 does not skip (Extend, Format and ZWJ are
 * skipped); the parity of a run of regional indicators matters too, but only between two of
 * them, and no word holds one or joins one. So the kernel starts reading at the first unit that
 * starts in its context before (KERNEL_BEFORE bytes: UTF-8 resynchronises within 3 bytes) with
 * those units unknown, and from the second unit WB4 does not skip (or the first after a hard
 * break, or the first that needs nothing before it) its state is the exact one. Past the block
 * it reads on until the word that starts in the block ends, the few units WB6, WB7b and WB12
 * look ahead included. Only a run of Extend/Format/ZWJ filling the context (from 184 of its 192
 * bytes: 92 combining marks of 2 bytes) at a block's edge leaves a boundary undecided: the
 * kernel then says so (kernel_words_undecided) and the caller reports it as an input error,
 * never a guess. The vector kernels and token layers call it on parts of a block
 * (kernel_words_part, tokens_words_part), with 16 bytes of context before first: from the end of
 * a block they decided, those hold the units. */
#include "kernel.h"

static _Thread_local int undecided;

int kernel_words_undecided(void)
{
    int u = undecided;
    undecided = 0;
    return u;
}

/* Can the state decide a boundary? `seen`: units WB4 does not skip read since the start (2 is
 * enough for any rule), or 2 after a hard break (nothing before it matters). */
static inline int exact(int seen, uint8_t x1)
{
    uint8_t k = WB_CLASS(x1);
    return seen >= 2 || (seen == 1 && !(wb_midletq(k) || k == WB_MIDNUM || k == WB_DQ));
}

static inline int hard(uint8_t prop) /* CR, LF, Newline: a boundary on both sides (WB3a, WB3b) */
{
    uint8_t k = WB_CLASS(prop);
    return k == WB_CR || k == WB_LF || k == WB_NEWLINE;
}

/* Can the segment the state is in still turn out a word? Not once its last unit that WB4 does
 * not skip is one that no rule joins a letter, digit or kana to (a space, punctuation, an emoji,
 * a regional indicator, an invalid byte) and is no word itself, nor when it has no such unit. */
static inline int may_be_word(const wb_state *s)
{
    uint8_t k = WB_CLASS(s->last);
    return s->last != WB_NONE && ((s->last & WB_STATUS) || !(k == WB_OTHER || k == WB_WSEGSPACE ||
                                                            k == WB_RI || hard(s->last)));
}

/* An ASCII byte that joins whatever ALetter, Hebrew_Letter, Numeric or ExtendNumLet stands before
 * it (WB5, WB8 to WB10, WB13a, WB13b): a letter, a digit, '_', or '@' (a letter for ICU). */
static inline int ascii_joins(uint8_t b)
{
    return (uint8_t)((b | 0x20) - 'a') < 26 || (uint8_t)(b - '0') < 10 || b == '_' || b == '@';
}

static inline int joins_ascii(uint8_t x1) /* x1 joins ascii_joins bytes after it */
{
    uint8_t k = WB_CLASS(x1);
    return wb_ah(k) || k == WB_NUMERIC || k == WB_EXTENDNUMLET;
}

/* What scan found: */
enum {
    DECIDED,      /* every word that starts in the block was handed over */
    UNDECIDED,    /* a boundary the context cannot decide */
    SHORT_BEFORE, /* `before` bytes held too few units: nothing handed over */
    OPEN          /* as DECIDED, but for the last word, which goes on past the bytes (*open) */
};

/* A word scan hands over: seg[0..k), k between its minraw and rawmax. */
typedef void (*found_fn)(void *ctx, const uint8_t *seg, size_t k);

/* Where the segment that starts in the block and may be a word stopped being followed: it starts
 * at seg, and the segmenter's state s is the one before the unit at `at`. */
typedef struct {
    wb_state s;
    const uint8_t *seg, *at;
} scan_open;

/* Hands found() the words that start in p[0..len) and are minraw to rawmax bytes long, reading
 * `before` bytes of the context before p (at most KERNEL_BEFORE) and the units that start before
 * `stop` (decoded with the bytes below hi, hi - stop <= 3). With `from` (a word already under
 * way, whose state it holds), p is where that word goes on: no context, and len 0. */
static inline __attribute__((always_inline)) int
scan(const uint8_t *p, size_t len, size_t before, const uint8_t *hi, const uint8_t *stop,
     size_t minraw, size_t rawmax, int mode, found_fn found, void *ctx, const scan_open *from,
     scan_open *open)
{
    const uint8_t *const lo = p - before;

    /* The first unit starting in the context: a byte that is no continuation byte, or one after
     * three of them (no sequence is longer). */
    const uint8_t *q = lo;
    if (!(mode & WB_LATIN1_MODE))
        for (int cont = 0; q < p && (*q & 0xC0) == 0x80 && cont < 3; cont++)
            q++;

    wb_state s;
    wb_start(&s);
    s.raw = s.x1 = s.x2 = WB_OTHER; /* unknown: joins nothing, and no start of the text */
    int seen = 0;
    const uint8_t *seg = NULL; /* where the open segment starts, once it starts at or after p */
    if (from)
        s = from->s, seen = 2, seg = from->seg;
    for (size_t n; q < stop; q += n) {
        if (ascii_joins(*q) && joins_ascii(s.x1) && ascii_joins(q[1])) {
            /* Inside a run of ASCII letters and digits no boundary falls: the state after it is
             * that of its last two units. Most of the bytes of English text go here. */
            const uint8_t *r = q + 2;
            while (r < stop && ascii_joins(*r))
                r++;
            size_t m;
            s.x2 = s.before = wb_unit(r - 2, hi, &m, mode);
            s.x1 = s.last = s.raw = wb_unit(r - 1, hi, &m, mode);
            s.trail = s.ri_odd = 0;
            seen = 2;
            if (seg && (size_t)(r - seg) > rawmax) {
                if (r >= p + len)
                    return DECIDED; /* too long to be handed over, and it started in the block */
                seg = NULL;
            }
            n = (size_t)(r - q);
            continue;
        }
        uint8_t c = wb_unit(q, hi, &n, mode);
        uint8_t next = WB_NONE;
        if (wb_needs_next(&s, c)) {
            const uint8_t *r = q + n;
            size_t m;
            while (r < stop && wb_ignored(next = wb_unit(r, hi, &m, mode)))
                r += m;
            if (r >= stop && q >= p && seg) {
                *open = (scan_open){s, seg, q}; /* the look-ahead ran past the bytes */
                return OPEN;
            }
            if (r >= stop && q >= p && q < p + len)
                return UNDECIDED;
        }
        int brk = wb_break(&s, c, next);
        if (brk && seg) {
            size_t k = (size_t)(q - seg);
            if (k >= minraw && k <= rawmax && wb_word(&s))
                found(ctx, seg, k);
            seg = NULL;
        }
        if (q >= p + len && !seg)
            return DECIDED; /* the last word starting in the block has ended */
        if (brk && q >= p) {
            /* The context before held too few units. This is the first break in the block
             * (after one, the state stays exact), so nothing was counted yet. */
            if (!exact(seen, s.x1) && !hard(s.raw) && !hard(c) && !wb_ignored(c))
                return before < KERNEL_BEFORE ? SHORT_BEFORE : UNDECIDED;
            seg = q;
        }
        if (seg && (size_t)(q + n - seg) > rawmax && q + n >= p + len)
            return DECIDED; /* too long to be handed over, and it started in the block */
        if (seg && (size_t)(q + n - seg) > rawmax)
            seg = NULL; /* too long: no lookup at its end */
        if (hard(c))
            seen = 2; /* a hard break: nothing before it matters */
        else if ((brk || !wb_ignored(c)) && seen < 2)
            seen++;
        wb_advance(&s, c, brk);
        if (seg && q + n >= p + len && !may_be_word(&s))
            return DECIDED; /* the segment that started in the block will be no word */
    }
    if (!seg)
        return DECIDED;
    *open = (scan_open){s, seg, q}; /* the bytes ran out before the word ended */
    return OPEN;
}

/* ---- counting target words ---- */

typedef struct {
    const wordlist *w;
    uint64_t *counts;
    int mode, fold;
} count_ctx;

static inline __attribute__((always_inline)) void count_found(void *ctx, const uint8_t *seg,
                                                              size_t k)
{
    const count_ctx *c = ctx;
    long i = -1;
    if (c->fold && !(c->mode & WB_LATIN1_MODE))
        i = words_find_folded(c->w, seg, k);
    else if (words_may_match(c->w, seg, k, c->fold))
        i = words_find_mode(c->w, seg, k, c->fold);
    if (i >= 0)
        c->counts[i]++;
}

/* Counts the words that start in p[0..len) (DECIDED, UNDECIDED or SHORT_BEFORE), reading `before`
 * bytes of the context before it (at most KERNEL_BEFORE). */
static inline __attribute__((always_inline)) int
count_mode(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts, size_t before,
           int mode, int fold)
{
    const uint8_t *const hi = p + len + kernel_tail(w);
    count_ctx c = {w, counts, mode, fold};
    scan_open open;
    /* Units that start before hi - 3 lie whole in the context. A word still open there is one
     * the context (the longest word and KERNEL_WORDS_AFTER more) cannot place. */
    int r = scan(p, len, before, hi, hi - 3, fold ? 1 : w->minlen, w->rawmax, mode, count_found,
                 &c, NULL, &open);
    return r == OPEN ? UNDECIDED : r;
}

static int count_before(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts,
                        size_t before)
{
    if (w->encoding == ENC_LATIN1)
        return w->fold ? count_mode(w, p, len, counts, before, WB_LATIN1_MODE, 1)
                       : count_mode(w, p, len, counts, before, WB_LATIN1_MODE, 0);
    return w->fold ? count_mode(w, p, len, counts, before, 0, 1)
                   : count_mode(w, p, len, counts, before, 0, 0);
}

void kernel_words(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    if (count_before(w, p, len, counts, KERNEL_BEFORE) == UNDECIDED)
        undecided = 1;
}

/* Two units before a block are nearly always enough (a unit is 4 bytes at most): the vector
 * kernels call this for the blocks they leave to it, many times a chunk, so reading the whole
 * context before each would cost more than the block. */
#define PART_BEFORE 16

int kernel_words_part_decided(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    int r = count_before(w, p, len, counts, PART_BEFORE);
    if (r == SHORT_BEFORE)
        r = count_before(w, p, len, counts, KERNEL_BEFORE);
    return r != UNDECIDED;
}

void kernel_words_part(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    if (!kernel_words_part_decided(w, p, len, counts))
        undecided = 1;
}

/* ---- the vocabulary's token layer ---- */

typedef struct {
    const uint8_t *p;
    uint32_t *start, *end;
    size_t n;
} tokens_ctx;

static inline __attribute__((always_inline)) void token_found(void *ctx, const uint8_t *seg,
                                                              size_t k)
{
    tokens_ctx *t = ctx;
    t->start[t->n] = (uint32_t)(seg - t->p);
    t->end[t->n++] = (uint32_t)(seg - t->p + k);
}

/* The units of p[0..avail) are the input's; at its end (eof) a whitespace byte follows them,
 * which ends any word as the end of the text does: units up to it are decided. */
static inline const uint8_t *decided_end(const uint8_t *p, size_t avail, int eof)
{
    return eof ? p + avail + 1 : p + avail - 3;
}

/* scan's answer (DECIDED, UNDECIDED, SHORT_BEFORE or OPEN, then *o set), reading `before` bytes
 * of the context before p. */
static inline __attribute__((always_inline)) int
tokens_mode(const uint8_t *p, size_t len, size_t avail, int eof, size_t before, tokens_ctx *t,
            words_open *o, int mode)
{
    const uint8_t *stop = decided_end(p, avail, eof);
    scan_open open;
    int r = scan(p, len, before, eof ? stop : p + avail, stop, 1, SIZE_MAX, mode, token_found, t,
                 NULL, &open);
    if (r == OPEN)
        *o = (words_open){open.s, (size_t)(open.seg - p), (size_t)(open.at - p)};
    return r;
}

static int tokens_before(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                         size_t before, tokens_ctx *t, words_open *open)
{
    t->n = 0;
    return enc == ENC_LATIN1
               ? tokens_mode(p, len, avail, eof, before, t, open, WB_LATIN1_MODE)
               : tokens_mode(p, len, avail, eof, before, t, open, 0);
}

static int words_answer(int r)
{
    return r == OPEN ? WORDS_OPEN : r == DECIDED ? WORDS_DONE : WORDS_UNDECIDED;
}

int tokens_words(int enc, const uint8_t *p, size_t len, size_t avail, int eof, uint32_t *start,
                 uint32_t *end, size_t *n, words_open *open)
{
    tokens_ctx t = {p, start, end, 0};
    int r = tokens_before(enc, p, len, avail, eof, KERNEL_BEFORE, &t, open);
    *n = t.n;
    return words_answer(r);
}

int tokens_words_part(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                      uint32_t *start, uint32_t *end, size_t *n, words_open *open)
{
    tokens_ctx t = {p, start, end, 0};
    int r = tokens_before(enc, p, len, avail, eof, PART_BEFORE, &t, open);
    if (r == SHORT_BEFORE)
        r = tokens_before(enc, p, len, avail, eof, KERNEL_BEFORE, &t, open);
    *n = t.n;
    return words_answer(r);
}

static inline __attribute__((always_inline)) void end_found(void *ctx, const uint8_t *seg,
                                                            size_t k)
{
    *(size_t *)ctx = k; /* seg is p: the word ends k bytes on */
    (void)seg;
}

static inline __attribute__((always_inline)) int
follow_mode(const uint8_t *p, size_t avail, int eof, wb_state *s, size_t *used, int *word, int mode)
{
    const uint8_t *stop = decided_end(p, avail, eof);
    size_t k = SIZE_MAX;
    scan_open from = {*s, p, p}, open;
    int r = scan(p, 0, 0, eof ? stop : p + avail, stop, 0, SIZE_MAX, mode, end_found, &k, &from,
                 &open);
    if (r == OPEN) {
        *s = open.s;
        *used = (size_t)(open.at - p);
        return WORDS_OPEN;
    }
    *word = k != SIZE_MAX;
    *used = *word ? k : 0;
    return WORDS_DONE;
}

int tokens_words_follow(int enc, const uint8_t *p, size_t avail, int eof, wb_state *s,
                        size_t *used, int *word)
{
    return enc == ENC_LATIN1 ? follow_mode(p, avail, eof, s, used, word, WB_LATIN1_MODE)
                             : follow_mode(p, avail, eof, s, used, word, 0);
}
