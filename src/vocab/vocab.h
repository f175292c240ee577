/* vocab.h - the vocabulary: every distinct token with its count (--top, --vocab, SPEC §7).
 *
 * One vocab_table per thread: an open-addressing hash table (linear probing) whose keys live in
 * the table's own arena; keys of up to 16 bytes sit inside the slot itself, so the common look-up
 * touches one cache line. Tables are merged at the end, then sorted by (-count, token bytes). */
#ifndef WORDTALLY_VOCAB_H
#define WORDTALLY_VOCAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Bytes that must be readable after any key handed to vocab_hash or vocab_bump (their values do
 * not matter): keys are loaded as 8-byte words. */
#define VOCAB_KEY_PAD 16
#define VOCAB_INLINE 16 /* keys up to this long are stored in the slot */

typedef struct {
    uint64_t count;      /* 0: empty slot */
    uint32_t tag;        /* the hash's high 32 bits: most mismatches end here */
    uint32_t inline_len; /* the key's length when <= VOCAB_INLINE, else VOCAB_INLINE + 1 */
    union {
        uint64_t w[2];   /* an inline key, zero-padded */
        struct {
            const uint8_t *ptr; /* in the arena */
            uint64_t len;
        } ext;
    } k;
} vocab_slot;

typedef struct vocab_block vocab_block; /* the arena: a list of blocks, freed together */

typedef struct {
    vocab_slot *slot;
    size_t mask;         /* slots - 1 (a power of two); 0 before the first key */
    size_t used;         /* distinct keys */
    uint64_t tokens;     /* sum of the counts */
    vocab_block *arena;  /* the block keys are allocated from first */
    size_t arena_bytes;  /* bytes allocated to the arena */
    int failed;          /* out of memory: the table is incomplete */
    size_t limit;        /* bytes the slots and arena may take, even while the slots grow (0: no
                            limit); an insert past it fails as out of memory does */
} vocab_table;

typedef struct {
    const uint8_t *key;
    uint64_t len;
    uint64_t count;
} vocab_entry;

/* ---- hashing: 8 bytes at a time, 64x64->128-bit multiplies ---- */

static inline uint64_t vocab_mix(uint64_t a, uint64_t b)
{
    __uint128_t m = (__uint128_t)a * b;
    return (uint64_t)m ^ (uint64_t)(m >> 64);
}

/* The first n (0..8) bytes of p as a little-endian word, the rest zero; reads p[0..8). */
static inline uint64_t vocab_load(const uint8_t *p, uint64_t n)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return n >= 8 ? x : x & ((1ULL << (8 * n)) - 1);
}

/* ASCII A-Z to a-z in every byte of x; other bytes unchanged (SPEC §1: -i folds ASCII only). */
static inline uint64_t vocab_fold(uint64_t x)
{
    uint64_t low7 = x & 0x7f7f7f7f7f7f7f7fULL;
    uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL; /* high bit set from 'A' (0x41) */
    uint64_t gt_z = low7 + 0x2525252525252525ULL; /* high bit set from '[' (0x5b) */
    uint64_t upper = (ge_a ^ gt_z) & ~x & 0x8080808080808080ULL;
    return x | (upper >> 2);
}

#define VOCAB_S0 0xa0761d6478bd642fULL
#define VOCAB_S1 0xe7037ed1a0b428dbULL
#define VOCAB_S2 0x8ebc6af09c88c6e3ULL

/* The last step of the hash: the final (at most) 16 bytes as words a and b, after the state h.
 * One multiply: both halves of the 128-bit product depend on every bit of a and b, and their xor
 * spreads them over the table index (low bits) and the tag (high bits) well enough for a hash
 * table, which is all this hash serves (a collision costs a probe, never a wrong count). */
static inline uint64_t vocab_hash_end(uint64_t h, uint64_t a, uint64_t b)
{
    return vocab_mix(a ^ VOCAB_S1 ^ h, b ^ VOCAB_S2);
}

/* Per length 0..16, the masks keeping a short key's bytes of its two words (the rest zeroed). */
static const uint64_t vocab_short_mask[VOCAB_INLINE + 1][2] = {
    {0, 0}, {0xffULL, 0}, {0xffffULL, 0}, {0xffffffULL, 0}, {0xffffffffULL, 0},
    {0xffffffffffULL, 0}, {0xffffffffffffULL, 0}, {0xffffffffffffffULL, 0}, {~0ULL, 0},
    {~0ULL, 0xffULL}, {~0ULL, 0xffffULL}, {~0ULL, 0xffffffULL}, {~0ULL, 0xffffffffULL},
    {~0ULL, 0xffffffffffULL}, {~0ULL, 0xffffffffffffULL}, {~0ULL, 0xffffffffffffffULL},
    {~0ULL, ~0ULL}};

/* A key of at most 16 bytes as two zero-padded words (folded with fold): what short keys are
 * hashed and compared as. Reads p[0..16) whatever n is, and masks: token lengths come in no
 * order a branch could predict. */
static inline void vocab_words(const uint8_t *p, uint64_t n, int fold, uint64_t *a, uint64_t *b)
{
    uint64_t x, y;
    memcpy(&x, p, 8);
    memcpy(&y, p + 8, 8);
    x &= vocab_short_mask[n][0];
    y &= vocab_short_mask[n][1];
    *a = fold ? vocab_fold(x) : x;
    *b = fold ? vocab_fold(y) : y;
}

/* The hash of a key of at most 16 bytes, from its vocab_words. */
static inline uint64_t vocab_hash_short(uint64_t a, uint64_t b, uint64_t n)
{
    return vocab_hash_end(VOCAB_S0 ^ n, a, b);
}

/* The hash of p[0..n), folded (-i) or not; reads up to 16 bytes past p[n - 1]. A stored key is
 * already folded, and folding it again changes nothing: vocab_hash(key, n, 0) is its hash. */
static inline uint64_t vocab_hash(const uint8_t *p, uint64_t n, int fold)
{
    uint64_t h = VOCAB_S0 ^ n, a, b;
    while (n > 16) {
        vocab_words(p, 16, fold, &a, &b);
        h = vocab_mix(a ^ VOCAB_S1 ^ h, b ^ VOCAB_S2);
        p += 16;
        n -= 16;
    }
    vocab_words(p, n, fold, &a, &b);
    return vocab_hash_end(h, a, b);
}

/* ---- the table ---- */

void vocab_init(vocab_table *t);
void vocab_free(vocab_table *t); /* releases everything; vocab_init state again, limit kept */

/* Out of line: a key not in the table yet, its slot i found empty. Returns 0 or -1. */
int vocab_insert(vocab_table *t, size_t i, const uint8_t *p, uint64_t n, uint64_t h,
                 uint64_t count, int fold);

/* vocab_insert of a short key given by its vocab_words a, b (out of line: the look-up's loop then
 * holds no copy of the key in memory). */
int vocab_insert_short(vocab_table *t, size_t i, uint64_t a, uint64_t b, uint64_t n, uint64_t h,
                       uint64_t count);

/* Equal keys? p (n bytes, folded if fold) against slot s (n > VOCAB_INLINE). */
int vocab_long_equal(const vocab_slot *s, const uint8_t *p, uint64_t n, int fold);

/* The slot of the short key (n <= VOCAB_INLINE) given by its vocab_words a, b and hash h (*found
 * set), or the empty slot where it goes (*found 0), in the slots of a table whose mask is given
 * (one empty slot where mask is 0). A short key is its words and length: no tag needed. */
static inline vocab_slot *vocab_probe_short(const vocab_slot *slots, size_t mask, uint64_t a,
                                            uint64_t b, uint64_t n, uint64_t h, int *found)
{
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        vocab_slot *s = (vocab_slot *)&slots[i];
        /* One test, not three branches that each depend on the data; an empty slot is all zero,
         * as only the key of length 0 is (then the count tells). */
        if (((s->inline_len ^ n) | (s->k.w[0] ^ a) | (s->k.w[1] ^ b)) == 0 && (n || s->count)) {
            *found = 1;
            return s;
        }
        if (s->count == 0) {
            *found = 0;
            return s;
        }
    }
}

/* Adds `count` to the short key (n <= VOCAB_INLINE) given by its vocab_words a, b and hash h.
 * Returns 0, or -1 if out of memory (then t->failed is set). */
static inline int vocab_bump_short(vocab_table *t, uint64_t a, uint64_t b, uint64_t n, uint64_t h,
                                   uint64_t count)
{
    if (t->mask == 0)
        return vocab_insert_short(t, 0, a, b, n, h, count);
    int found;
    vocab_slot *s = vocab_probe_short(t->slot, t->mask, a, b, n, h, &found);
    if (!found)
        return vocab_insert_short(t, (size_t)(s - t->slot), a, b, n, h, count);
    s->count += count;
    t->tokens += count;
    return 0;
}

/* Adds `count` to the key p[0..n) whose vocab_hash(p, n, fold) is h. A new key is copied into the
 * arena (ASCII folded to lower case when fold is set). Returns 0, or -1 if out of memory (then
 * t->failed is set). */
static inline int vocab_bump(vocab_table *t, const uint8_t *p, uint64_t n, uint64_t h,
                             uint64_t count, int fold)
{
    if (n <= VOCAB_INLINE) {
        uint64_t a, b;
        vocab_words(p, n, fold, &a, &b);
        return vocab_bump_short(t, a, b, n, h, count);
    }
    if (t->mask == 0)
        return vocab_insert(t, 0, p, n, h, count, fold);
    const uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
        vocab_slot *s = &t->slot[i];
        if (s->count == 0)
            return vocab_insert(t, i, p, n, h, count, fold);
        if (s->tag == tag && s->inline_len > VOCAB_INLINE && vocab_long_equal(s, p, n, fold)) {
            s->count += count;
            t->tokens += count;
            return 0;
        }
    }
}

/* A key too long to be read in one piece (a token across blocks) is built in a buffer of its
 * own, then handed to the table: a new key keeps that buffer as part of the arena, so its bytes
 * are held once. The bytes must be folded already (-i). */
typedef struct {
    vocab_block *b;
    uint64_t len;
} vocab_longkey;
/* Appends p[0..n) (folded to lower case when fold is set). Returns 0 or -1. */
int vocab_longkey_append(vocab_longkey *k, const uint8_t *p, uint64_t n, int fold);
/* dst (empty) gets the same bytes as src. Returns 0 or -1. */
int vocab_longkey_copy(vocab_longkey *dst, const vocab_longkey *src);
/* Its hash (vocab_hash of the bytes appended). */
uint64_t vocab_longkey_hash(const vocab_longkey *k);
/* Adds the key (k->len >= 1) with count 1, h its vocab_longkey_hash, and empties k (its buffer
 * is kept for the next key, or given to t). Returns 0 or -1. */
int vocab_longkey_add(vocab_table *t, vocab_longkey *k, uint64_t h);
void vocab_longkey_free(vocab_longkey *k);

/* Bytes this table holds (slots and arena): what --max-memory limits. */
size_t vocab_memory(const vocab_table *t);

/* Adds every key of src to dst. Returns 0 or -1 (out of memory). */
int vocab_merge(vocab_table *dst, const vocab_table *src);

/* The order of SPEC §7: higher count first, then ascending bytes (a prefix first). */
int vocab_entry_cmp(const vocab_entry *a, const vocab_entry *b);

/* Every entry of t, in slot order; *n set. NULL if out of memory. Entries point into t. */
vocab_entry *vocab_entries(const vocab_table *t, size_t *n);

/* Every entry of t, sorted by vocab_entry_cmp; *n set. NULL if out of memory (or t empty:
 * then *n is 0). Entries point into t: keep t unchanged while using them. */
vocab_entry *vocab_sorted(const vocab_table *t, size_t *n);

/* Keeps the k first of the entries offered so far, in vocab_entry_cmp order (a bounded heap,
 * O(log k) per entry). Keys are copied: the table they come from may go (a pass's). */
typedef struct {
    vocab_entry *e; /* a heap: e[0] is the worst kept */
    size_t n, k, cap;
} vocab_topk;
int vocab_topk_init(vocab_topk *h, size_t k);
int vocab_topk_offer(vocab_topk *h, const vocab_entry *e); /* 0, or -1 out of memory */
/* Offers every entry of t. */
int vocab_topk_table(vocab_topk *h, const vocab_table *t);
/* Sorts the kept entries in place (vocab_entry_cmp order); returns how many. */
size_t vocab_topk_finish(vocab_topk *h);
void vocab_topk_free(vocab_topk *h);

/* Compares two tables key by key (in byte order). Returns 0 if equal, 1 if not (then *d is the
 * first key, in byte order, whose counts differ: 0 where a table lacks it), -1 if out of memory. */
typedef struct {
    vocab_entry key; /* key.count unused */
    uint64_t a, b;
} vocab_difference;
int vocab_compare(const vocab_table *a, const vocab_table *b, vocab_difference *d);

/* Sorted runs on disk (--vocab over several hash partitions): each pass writes its sorted
 * entries as one run, and the runs are merged into one sorted stream at the end. */
int vocab_run_write(FILE *f, const vocab_entry *e, size_t n); /* 0, or -1 (errno set) */
/* Calls emit(ctx, entry) for every entry of the runs in vocab_entry_cmp order (each run file is
 * rewound first). Returns 0, -1 on a read or memory error (errno set), or emit's non-zero result. */
int vocab_runs_merge(FILE **runs, size_t nruns, int (*emit)(void *ctx, const vocab_entry *e),
                     void *ctx);

#endif
