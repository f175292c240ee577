/* vocab.c - the vocabulary table: slots, arena, merge, sort, top-K, comparison (sorted runs on
 * disk: vocab_runs.c). */
#include "vocab.h"

#include "io/pages.h"

#include <stdlib.h>
#include <sys/mman.h>

/* Arena blocks. Keys are packed one after the other; VOCAB_KEY_PAD spare bytes at the end of
 * every block keep the word loads of the last key inside it. */
struct vocab_block {
    vocab_block *next;
    size_t size, used; /* bytes of data[] (without the pad) */
    uint8_t data[];
};

#define ARENA_BLOCK (256u << 10)
#define FIRST_SLOTS 1024
#define HUGE_PAGE huge_page_size() /* 2 MiB on x86-64; 32 or 512 MiB on some AArch64 kernels */
/* Grow at 3/4 full: linear probing stays short, and a slot is 32 bytes. */
#define FULL(used, slots) ((used) * 4 >= (slots) * 3)

/* Zeroed slots. A large table is looked up at random: on huge pages its look-ups miss the TLB
 * far less (in a virtual machine a TLB miss walks two page tables). It is mapped on its own, so
 * that freeing it gives the memory back at once (malloc may keep freed memory for reuse, and
 * passes under --max-memory free and allocate tables again and again). */
static vocab_slot *slots_alloc(size_t slots)
{
    size_t bytes = slots * sizeof(vocab_slot);
    if (bytes < HUGE_PAGE)
        return calloc(slots, sizeof(vocab_slot));
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    madvise(p, bytes, MADV_HUGEPAGE); /* advice only: without it, 4 KiB pages */
    return p;
}

static void slots_free(vocab_slot *s, size_t slots)
{
    if (slots * sizeof(vocab_slot) < HUGE_PAGE)
        free(s);
    else
        munmap(s, slots * sizeof(vocab_slot));
}

void vocab_init(vocab_table *t)
{
    memset(t, 0, sizeof *t);
}

static void blocks_free(vocab_block *b)
{
    while (b) {
        vocab_block *next = b->next;
        free(b);
        b = next;
    }
}

void vocab_free(vocab_table *t)
{
    if (t->mask)
        slots_free(t->slot, t->mask + 1);
    blocks_free(t->arena);
    size_t limit = t->limit;
    vocab_init(t);
    t->limit = limit;
}

size_t vocab_memory(const vocab_table *t)
{
    return (t->mask ? (t->mask + 1) * sizeof(vocab_slot) : 0) + t->arena_bytes;
}

static const uint8_t *slot_key(const vocab_slot *s, uint64_t *len)
{
    if (s->inline_len <= VOCAB_INLINE) {
        *len = s->inline_len;
        return (const uint8_t *)s->k.w;
    }
    *len = s->k.ext.len;
    return s->k.ext.ptr;
}

static vocab_block *block_new(size_t size)
{
    vocab_block *b = malloc(sizeof *b + size + VOCAB_KEY_PAD);
    if (b) {
        b->next = NULL;
        b->size = size;
        b->used = 0;
        memset(b->data + size, 0, VOCAB_KEY_PAD);
    }
    return b;
}

/* n bytes of arena for a long key. */
static uint8_t *arena_alloc(vocab_table *t, size_t n)
{
    vocab_block *b = t->arena;
    if (!b || b->size - b->used < n) {
        /* Blocks double up to ARENA_BLOCK, so that a small vocabulary stays small; a big key
         * gets a block of its own. */
        size_t grown = t->arena_bytes < 4096 ? 4096 : t->arena_bytes;
        size_t step = grown < ARENA_BLOCK ? grown : ARENA_BLOCK;
        size_t size = n > step / 4 ? n : step;
        if (t->limit && vocab_memory(t) + sizeof *b + size + VOCAB_KEY_PAD > t->limit)
            return NULL;
        vocab_block *nb = block_new(size);
        if (!nb)
            return NULL;
        t->arena_bytes += sizeof *nb + size + VOCAB_KEY_PAD;
        if (size == step || !b) {
            nb->next = b;
            t->arena = nb;
        } else { /* keep filling the current block */
            nb->next = b->next;
            b->next = nb;
        }
        b = nb;
    }
    uint8_t *p = b->data + b->used;
    b->used += n;
    return p;
}

static int grow(vocab_table *t)
{
    size_t slots = t->mask ? 2 * (t->mask + 1) : FIRST_SLOTS;
    if (t->limit && vocab_memory(t) + slots * sizeof(vocab_slot) > t->limit)
        return -1; /* the old slots are held until the new ones are filled */
    vocab_slot *ns = slots_alloc(slots);
    if (!ns)
        return -1;
    size_t mask = slots - 1;
    for (size_t i = 0; t->mask && i <= t->mask; i++) {
        const vocab_slot *s = &t->slot[i];
        if (s->count == 0)
            continue;
        uint64_t len;
        const uint8_t *key = slot_key(s, &len);
        size_t j = (size_t)vocab_hash(key, len, 0) & mask; /* stored keys are folded already */
        while (ns[j].count)
            j = (j + 1) & mask;
        ns[j] = *s;
    }
    if (t->mask)
        slots_free(t->slot, t->mask + 1);
    t->slot = ns;
    t->mask = mask;
    return 0;
}

static int fail(vocab_table *t)
{
    t->failed = 1;
    return -1;
}

/* Fills slot s with a long key (n > VOCAB_INLINE), its bytes ext already in the arena. */
static void slot_set_long(vocab_slot *s, const uint8_t *ext, uint64_t n, uint64_t h, uint64_t count)
{
    s->count = count;
    s->tag = (uint32_t)(h >> 32);
    s->inline_len = VOCAB_INLINE + 1;
    s->k.ext.ptr = ext;
    s->k.ext.len = n;
}

static uint8_t fold_byte(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Makes room for one more key; returns the empty slot for hash h (i if the table kept its size). */
static long room(vocab_table *t, size_t i, uint64_t h)
{
    if (t->mask && !FULL(t->used + 1, t->mask + 1))
        return (long)i;
    if (grow(t) < 0)
        return -1;
    i = (size_t)h & t->mask;
    while (t->slot[i].count)
        i = (i + 1) & t->mask;
    return (long)i;
}

int vocab_insert_short(vocab_table *t, size_t i, uint64_t a, uint64_t b, uint64_t n, uint64_t h,
                       uint64_t count)
{
    long j = room(t, i, h);
    if (j < 0)
        return fail(t);
    t->slot[j] = (vocab_slot){.count = count, .tag = (uint32_t)(h >> 32), .inline_len = (uint32_t)n,
                              .k.w = {a, b}};
    t->used++;
    t->tokens += count;
    return 0;
}

int vocab_insert(vocab_table *t, size_t i, const uint8_t *p, uint64_t n, uint64_t h,
                 uint64_t count, int fold)
{
    if (n <= VOCAB_INLINE) {
        uint64_t a, b;
        vocab_words(p, n, fold, &a, &b);
        return vocab_insert_short(t, i, a, b, n, h, count);
    }
    long j = room(t, i, h);
    if (j < 0)
        return fail(t);
    uint8_t *ext = arena_alloc(t, (size_t)n);
    if (!ext)
        return fail(t);
    if (fold)
        for (uint64_t k = 0; k < n; k++)
            ext[k] = fold_byte(p[k]);
    else
        memcpy(ext, p, (size_t)n);
    slot_set_long(&t->slot[j], ext, n, h, count);
    t->used++;
    t->tokens += count;
    return 0;
}

int vocab_long_equal(const vocab_slot *s, const uint8_t *p, uint64_t n, int fold)
{
    if (s->k.ext.len != n)
        return 0;
    if (!fold)
        return memcmp(s->k.ext.ptr, p, (size_t)n) == 0;
    for (uint64_t k = 0; k < n; k++)
        if (s->k.ext.ptr[k] != fold_byte(p[k]))
            return 0;
    return 1;
}

/* ---- long keys, built piece by piece ---- */

int vocab_longkey_append(vocab_longkey *k, const uint8_t *p, uint64_t n, int fold)
{
    if (n == 0) /* nothing to add, and no block yet when the key is empty */
        return 0;
    size_t cap = k->b ? k->b->size : 0;
    if (!k->b || k->len + n > cap) {
        size_t want = cap < 4096 ? 4096 : cap;
        while (want < k->len + n)
            want *= 2; /* realloc of a large block remaps pages: no copy */
        vocab_block *nb = realloc(k->b, sizeof *nb + want + VOCAB_KEY_PAD);
        if (!nb)
            return -1;
        nb->size = want;
        memset(nb->data + want, 0, VOCAB_KEY_PAD);
        k->b = nb;
    }
    uint8_t *dst = k->b->data + k->len;
    if (fold)
        for (uint64_t i = 0; i < n; i++)
            dst[i] = fold_byte(p[i]);
    else
        memcpy(dst, p, (size_t)n);
    k->len += n;
    return 0;
}

int vocab_longkey_copy(vocab_longkey *dst, const vocab_longkey *src)
{
    return src->len ? vocab_longkey_append(dst, src->b->data, src->len, 0) : 0;
}

uint64_t vocab_longkey_hash(const vocab_longkey *k)
{
    static const uint8_t none[VOCAB_KEY_PAD];
    return vocab_hash(k->b ? k->b->data : none, k->len, 0);
}

int vocab_longkey_add(vocab_table *t, vocab_longkey *k, uint64_t h)
{
    uint64_t n = k->len;
    k->len = 0;
    if (n <= VOCAB_INLINE)
        return vocab_bump(t, k->b->data, n, h, 1, 0);
    if (t->mask == 0 && grow(t) < 0)
        return fail(t);
    const uint8_t *p = k->b->data;
    const uint32_t tag = (uint32_t)(h >> 32);
    size_t i = (size_t)h & t->mask;
    for (;; i = (i + 1) & t->mask) {
        vocab_slot *s = &t->slot[i];
        if (s->count == 0)
            break;
        if (s->tag == tag && s->inline_len > VOCAB_INLINE && vocab_long_equal(s, p, n, 0)) {
            s->count++;
            t->tokens++;
            return 0;
        }
    }
    long j = room(t, i, h);
    if (j < 0)
        return fail(t);
    /* The buffer becomes an arena block of its own, trimmed to the key (never allocated from),
     * after the block keys are allocated from. */
    vocab_block *b = realloc(k->b, sizeof *b + (size_t)n + VOCAB_KEY_PAD);
    if (!b)
        b = k->b; /* could not trim: keep it as it is */
    k->b = NULL;
    b->size = b->used = (size_t)n;
    memset(b->data + n, 0, VOCAB_KEY_PAD);
    t->arena_bytes += sizeof *b + (size_t)n + VOCAB_KEY_PAD;
    if (t->arena) {
        b->next = t->arena->next;
        t->arena->next = b;
    } else {
        b->next = NULL;
        t->arena = b;
    }
    slot_set_long(&t->slot[j], b->data, n, h, 1);
    t->used++;
    t->tokens++;
    return 0;
}

void vocab_longkey_free(vocab_longkey *k)
{
    free(k->b);
    k->b = NULL;
    k->len = 0;
}

/* ---- merging, sorting, top-K ---- */

int vocab_merge(vocab_table *dst, const vocab_table *src)
{
    /* src's keys come in slot order, which is hash order: into a table with fewer slots each
     * wrap-around would land on the keys of the last, in ever longer runs (seconds for a
     * stream's table of 100,000 keys). Grown to src's size first, dst takes them in order. If
     * the limit stops that, the keys still go in, more slowly. */
    while (dst->mask < src->mask && grow(dst) == 0)
        ;
    for (size_t i = 0; src->mask && i <= src->mask; i++) {
        const vocab_slot *s = &src->slot[i];
        if (s->count == 0)
            continue;
        uint64_t len;
        const uint8_t *key = slot_key(s, &len);
        if (vocab_bump(dst, key, len, vocab_hash(key, len, 0), s->count, 0) < 0)
            return -1;
    }
    return 0;
}

static int bytes_cmp(const vocab_entry *a, const vocab_entry *b)
{
    uint64_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->key, b->key, (size_t)n) : 0;
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

int vocab_entry_cmp(const vocab_entry *a, const vocab_entry *b)
{
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return bytes_cmp(a, b);
}

static int qsort_cmp(const void *a, const void *b)
{
    return vocab_entry_cmp(a, b);
}

static int qsort_bytes(const void *a, const void *b)
{
    return bytes_cmp(a, b);
}

vocab_entry *vocab_entries(const vocab_table *t, size_t *n)
{
    *n = 0;
    vocab_entry *e = malloc((t->used ? t->used : 1) * sizeof *e);
    for (size_t i = 0; e && t->mask && i <= t->mask; i++) {
        const vocab_slot *s = &t->slot[i];
        if (s->count) {
            e[*n].key = slot_key(s, &e[*n].len);
            e[*n].count = s->count;
            ++*n;
        }
    }
    return e;
}

/* A key to sort: its count and first 8 bytes (big-endian, zero-padded) decide most comparisons
 * without reading the key, which is a cache miss away for most of a large vocabulary. */
typedef struct {
    uint64_t count, prefix;
    const vocab_slot *s;
} sort_key;
_Static_assert(sizeof(sort_key) == sizeof(vocab_entry), "sorted in the entries' own array");

static int sort_before(const sort_key *a, const sort_key *b)
{
    if (a->count != b->count)
        return a->count > b->count;
    if (a->prefix != b->prefix)
        return a->prefix < b->prefix;
    uint64_t na, nb;
    const uint8_t *ka = slot_key(a->s, &na), *kb = slot_key(b->s, &nb);
    const vocab_entry x = {.key = ka, .len = na}, y = {.key = kb, .len = nb};
    return bytes_cmp(&x, &y) < 0;
}

/* A stable merge sort: runs of 16 by insertion, then merged pairwise between k and tmp. Returns
 * the array holding the result (k or tmp). */
static sort_key *sort_keys(sort_key *k, sort_key *tmp, size_t n)
{
    for (size_t lo = 0; lo < n; lo += 16) {
        size_t hi = n - lo < 16 ? n : lo + 16;
        for (size_t i = lo + 1; i < hi; i++) {
            sort_key x = k[i];
            size_t j = i;
            for (; j > lo && sort_before(&x, &k[j - 1]); j--)
                k[j] = k[j - 1];
            k[j] = x;
        }
    }
    for (size_t run = 16; run < n; run *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * run) {
            size_t mid = n - lo < run ? n : lo + run, hi = n - mid < run ? n : mid + run;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                tmp[o++] = sort_before(&k[j], &k[i]) ? k[j++] : k[i++];
            while (i < mid)
                tmp[o++] = k[i++];
            while (j < hi)
                tmp[o++] = k[j++];
        }
        sort_key *swap = k;
        k = tmp;
        tmp = swap;
    }
    return k;
}

vocab_entry *vocab_sorted(const vocab_table *t, size_t *n)
{
    vocab_entry *e = vocab_entries(t, n);
    sort_key *tmp = e && *n > 1 ? malloc(*n * sizeof *tmp) : NULL;
    if (!tmp) { /* the slower sort needs no second array */
        if (e)
            qsort(e, *n, sizeof *e, qsort_cmp);
        return e;
    }
    /* The sort keys take the entries' place (memcpy: the array changes type), then are replaced
     * by the entries again, in order. */
    sort_key *k = (sort_key *)(void *)e;
    for (size_t i = 0, j = 0; i <= t->mask; i++) {
        const vocab_slot *s = &t->slot[i];
        if (s->count) {
            uint64_t len;
            const uint8_t *key = slot_key(s, &len);
            sort_key x = {s->count, __builtin_bswap64(vocab_load(key, len < 8 ? len : 8)), s};
            memcpy(&k[j++], &x, sizeof x);
        }
    }
    sort_key *done = sort_keys(k, tmp, *n);
    for (size_t i = 0; i < *n; i++) {
        sort_key x;
        memcpy(&x, &done[i], sizeof x);
        vocab_entry y = {.count = x.count};
        y.key = slot_key(x.s, &y.len);
        memcpy(&e[i], &y, sizeof y);
    }
    free(tmp);
    return e;
}

int vocab_topk_init(vocab_topk *h, size_t k)
{
    h->n = 0;
    h->k = k;
    h->cap = k < 1024 ? (k ? k : 1) : 1024; /* grows as entries come: K may be huge */
    h->e = malloc(h->cap * sizeof *h->e);
    return h->e ? 0 : -1;
}

/* The heap's root is its worst entry: the one that sorts last. */
static void sift_down(vocab_entry *e, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && vocab_entry_cmp(&e[l], &e[w]) > 0)
            w = l;
        if (r < n && vocab_entry_cmp(&e[r], &e[w]) > 0)
            w = r;
        if (w == i)
            return;
        vocab_entry x = e[i];
        e[i] = e[w];
        e[w] = x;
        i = w;
    }
}

/* *slot = e, with its own copy of the key. */
static int entry_keep(vocab_entry *slot, const vocab_entry *e)
{
    uint8_t *key = malloc(e->len ? (size_t)e->len : 1);
    if (!key)
        return -1;
    memcpy(key, e->key, (size_t)e->len);
    *slot = *e;
    slot->key = key;
    return 0;
}

int vocab_topk_offer(vocab_topk *h, const vocab_entry *e)
{
    if (h->n < h->k) {
        if (h->n == h->cap) {
            size_t cap = h->cap * 2 < h->k ? h->cap * 2 : h->k;
            vocab_entry *ne = realloc(h->e, cap * sizeof *ne);
            if (!ne)
                return -1;
            h->e = ne;
            h->cap = cap;
        }
        if (entry_keep(&h->e[h->n], e) < 0)
            return -1;
        for (size_t i = h->n++; i > 0;) { /* sift up */
            size_t p = (i - 1) / 2;
            if (vocab_entry_cmp(&h->e[i], &h->e[p]) <= 0)
                break;
            vocab_entry x = h->e[i];
            h->e[i] = h->e[p];
            h->e[p] = x;
            i = p;
        }
        return 0;
    }
    if (h->k == 0 || vocab_entry_cmp(e, &h->e[0]) >= 0)
        return 0;
    vocab_entry old = h->e[0];
    if (entry_keep(&h->e[0], e) < 0)
        return -1;
    free((void *)old.key);
    sift_down(h->e, h->n, 0);
    return 0;
}

int vocab_topk_table(vocab_topk *h, const vocab_table *t)
{
    for (size_t i = 0; t->mask && i <= t->mask; i++) {
        const vocab_slot *s = &t->slot[i];
        if (s->count == 0)
            continue;
        vocab_entry e = {.count = s->count};
        e.key = slot_key(s, &e.len);
        if (vocab_topk_offer(h, &e) < 0)
            return -1;
    }
    return 0;
}

size_t vocab_topk_finish(vocab_topk *h)
{
    qsort(h->e, h->n, sizeof *h->e, qsort_cmp);
    return h->n;
}

void vocab_topk_free(vocab_topk *h)
{
    for (size_t i = 0; i < h->n; i++)
        free((void *)h->e[i].key);
    free(h->e);
    h->e = NULL;
    h->n = 0;
}

int vocab_compare(const vocab_table *a, const vocab_table *b, vocab_difference *d)
{
    size_t na, nb;
    vocab_entry *ea = vocab_entries(a, &na), *eb = vocab_entries(b, &nb);
    int result = -1;
    if (ea && eb) {
        qsort(ea, na, sizeof *ea, qsort_bytes);
        qsort(eb, nb, sizeof *eb, qsort_bytes);
        size_t i = 0, j = 0;
        result = 0;
        while (i < na || j < nb) {
            int c = i == na ? 1 : j == nb ? -1 : bytes_cmp(&ea[i], &eb[j]);
            uint64_t ca = c <= 0 ? ea[i].count : 0, cb = c >= 0 ? eb[j].count : 0;
            if (ca != cb) {
                d->key = c <= 0 ? ea[i] : eb[j];
                d->a = ca;
                d->b = cb;
                result = 1;
                break;
            }
            i += c <= 0;
            j += c >= 0;
        }
    }
    free(ea);
    free(eb);
    return result;
}
