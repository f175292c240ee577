/* words.h - the target word list: validation, and the lookup the kernels use. */
#ifndef WORDTALLY_WORDS_H
#define WORDTALLY_WORDS_H

#include "limits.h"
#include "wordbreak.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WORDS_MAX_COUNT 16384 /* every thread keeps a counter per word */
#define WORDS_MAX_LEN 4096   /* the read-ahead after every block is WORDS_MAX_LEN + 1 bytes at most */

/* ---- The modes (SPEC §1): which bytes are whitespace, and whether case counts ----
 * ENC_UTF8 (the default, 0): whitespace is Python's str.isspace() set as UTF-8 sequences: the single
 * bytes 09-0D 1C-20 and the 2- and 3-byte sequences C2 85, C2 A0, E1 9A 80, E2 80 80..8A,
 * E2 80 A8, E2 80 A9, E2 80 AF, E2 81 9F, E3 80 80. Every other byte, invalid or truncated UTF-8
 * included, is a token byte (a lone 85 or A0 is not whitespace). A sequence is whitespace wherever
 * it stands: its first byte is never a continuation byte, so what comes before cannot absorb it.
 * ENC_LATIN1: the twelve bytes 09-0D 1C-20 85 A0 (the tutorial's chunk.decode('latin-1').split()). */
enum { ENC_UTF8 = 0, ENC_LATIN1 = 1 };

enum { FOLD_HIGH_NONE, FOLD_HIGH_KS, FOLD_HIGH_ANY }; /* wordlist.fold_high */

/* --tokens (SPEC §1, §8): TOKENS_SPACE (the default, 0) splits at whitespace; TOKENS_WORDS takes
 * the words of Unicode word segmentation (wordbreak.h), in utf-8 mode with Unicode case folding
 * for -i (latin1 mode reads each byte as its Latin-1 character and folds ASCII only). */
enum { TOKENS_SPACE = 0, TOKENS_WORDS = 1 };

/* The --tokens name: "space" or "words"; -1 for another. */
int tokens_from_name(const char *name);
/* "space" or "words": a rule as --tokens and the reports name it. */
static inline const char *tokens_name(int tokens)
{
    return tokens == TOKENS_WORDS ? "words" : "space";
}

/* ws_class[enc][b]: 0 a token byte, 1 a whitespace byte, 2 (utf-8 only) the first byte of some
 * multi-byte whitespace sequence (C2 E1 E2 E3): ws_len looks at the next bytes. */
extern const uint8_t ws_class[2][256];

/* Length of the utf-8 whitespace sequence of 2 or 3 bytes at p (p[0] is C2, E1, E2 or E3), or 0.
 * Reads p[1] only if needed, p[2] only if p[1] fits: safe on a NUL-terminated string. */
static inline size_t utf8_ws_multi(const uint8_t *p)
{
    switch (p[0]) {
    case 0xC2:
        return p[1] == 0x85 || p[1] == 0xA0 ? 2 : 0;
    case 0xE1:
        return p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
    case 0xE2:
        if (p[1] == 0x81)
            return p[2] == 0x9F ? 3 : 0;
        return p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 ||
                                p[2] == 0xAF) ? 3 : 0;
    case 0xE3:
        return p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    default:
        return 0;
    }
}

/* Length of the whitespace sequence that starts at p (1, 2 or 3 bytes), or 0. */
static inline size_t ws_len(int enc, const uint8_t *p)
{
    uint8_t c = ws_class[enc][p[0]];
    return c == 2 ? utf8_ws_multi(p) : c;
}

/* Bytes at p[0], p[1] that end a whitespace sequence begun at p[-2] or p[-1] (0, 1 or 2): they
 * can start no token. Reads p[-2..2]. */
static inline size_t ws_carried_in(int enc, const uint8_t *p)
{
    if (enc != ENC_UTF8)
        return 0;
    if (utf8_ws_multi(p - 2) == 3)
        return 1;
    size_t n = utf8_ws_multi(p - 1);
    return n ? n - 1 : 0;
}

/* Is p[0] whitespace, alone or as any byte of a sequence? Reads p[-2..2]. */
static inline int ws_covers(int enc, const uint8_t *p)
{
    return ws_len(enc, p) > 0 || ws_carried_in(enc, p) > 0;
}

/* Is p[-1] whitespace (alone, or as any byte of a sequence)? Reads p[-3..1]. A token starts at
 * p[0] when this holds and p[0] is neither whitespace nor carried in. */
static inline int prev_is_ws(int enc, const uint8_t *p)
{
    return ws_covers(enc, p - 1);
}

/* -i: ASCII letters fold to lower case; nothing else does (SPEC §1). */
static inline uint8_t fold_ascii(uint8_t c)
{
    return (uint8_t)(c - 'A') < 26 ? (uint8_t)(c | 0x20) : c;
}

/* Is a token that equals key[0..L) starting at p[0]? By the definitions above: a token starts at
 * p[0] when the byte before ends whitespace and p[0] neither starts whitespace nor ends a sequence
 * begun before it; it is L bytes long when whitespace starts at p[L] and nowhere before; its bytes
 * are compared folded with fold (key is folded already). Reads p[-3 .. L + 2]: the kernels check
 * with it the few positions a filter keeps. */
static inline __attribute__((always_inline)) int token_is(const uint8_t *p, const uint8_t *key,
                                                          size_t L, int enc, int fold)
{
    if (!prev_is_ws(enc, p) || ws_carried_in(enc, p))
        return 0;
    for (size_t j = 0; j < L; j++)
        if (ws_len(enc, p + j) || (fold ? fold_ascii(p[j]) : p[j]) != key[j])
            return 0;
    return ws_len(enc, p + L) > 0;
}

/* The encoding --encoding names: "utf-8" (or "utf8"), "latin1" (or "latin-1"); -1 for another. */
int encoding_from_name(const char *name);

/* "utf-8" or "latin1": an encoding as --encoding and the reports name it. */
static inline const char *encoding_name(int enc)
{
    return enc == ENC_LATIN1 ? "latin1" : "utf-8";
}

/* ---- The short-key index: the look-up of the kernels' general path ----
 * Keys of at most WORDS_SHORT bytes (nearly every word of a text) in a perfect hash built once by
 * words_finish: a token of n <= WORDS_SHORT bytes, read as two 8-byte words with the bytes past n
 * cleared and n in the top byte of the second (words_index_key: lo, hi), can equal only the key
 * in the slot of its hash (words_index_at); one compare of the two words decides, with no loop
 * and no branch. The hash is made of 32 x 32 -> 64-bit multiplies, additions and an XOR, which
 * every vector instruction set has, so that a kernel can look up several tokens at once. Longer
 * keys are found by words_find alone. */
#define WORDS_SHORT 15 /* the top byte of hi holds the length */
typedef struct {
    /* A bit per key, by words_index_may from its length and first 8 bytes: a test that most
     * tokens of a text fail (all but the words and 1 in 128 or fewer others), before the rest
     * is read and the slot found; worth it (filtered) for lists of at most WORDS_FILTER_MAX
     * keys, whose words are a small part of a text, where tokens are looked up one at a time
     * (the last blocks of a kernel call: kernel_many.h's count_each). */
    uint64_t *filter;
    int filtered;
    /* Per slot s (slot_mask + 1 of them): the key as words_index_key makes it, lo and hi in
     * key[2s], key[2s + 1] (one cache line; 0 and 0 in an empty slot, which no token equals: its
     * length is never 0), and its index in the list, word[s]. */
    uint64_t *key;
    uint32_t *word;
    uint32_t *disp;     /* per bucket (words_index_bucket), the XOR that places its keys */
    uint64_t seed[2];   /* of the hash, chosen by words_finish so that no two keys share a slot */
    uint32_t slot_mask, bucket_mask;
    unsigned slot_shift, bucket_shift; /* 32 - the bits of each */
    /* WORDS_SHORT; 0 when no index could be built (never seen): then every token is looked up
     * with words_find. */
    size_t short_max;
    /* keep[n]: the first n bytes of the 16 read (lo, hi), as two masks */
    uint64_t keep[WORDS_SHORT + 1][2];
} words_index;

/* 8 bytes at p as a word, in the machine's byte order (the index compares them only as a whole). */
static inline uint64_t words_load8(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* fold_ascii on each of the 8 bytes of x. */
static inline uint64_t words_fold8(uint64_t x)
{
    const uint64_t high = 0x8080808080808080u, t = x & ~high;
    /* The top bit of byte b of t + (0x80 - c): t[b] >= c (t[b] < 0x80: no carry between bytes). */
    uint64_t upper = (t + 0x3F3F3F3F3F3F3F3Fu) & ~(t + 0x2525252525252525u) & ~x & high;
    return x | upper >> 2;
}

/* The length's place in hi: its top byte, past the WORDS_SHORT bytes a short key has. With it
 * the two words alone tell tokens apart (a token may hold NUL bytes, which read as the cleared
 * ones). */
#define WORDS_LEN_SHIFT 56

/* A token of n <= WORDS_SHORT bytes whose first 16 bytes are read as lo, hi (the bytes past n
 * anything): hi made to hold its bytes 8 to n and n, lo its bytes 0 to min(n, 8). */
static inline uint64_t words_index_key(const words_index *x, uint64_t *lo, uint64_t hi, size_t n)
{
    *lo &= x->keep[n][0];
    return (hi & x->keep[n][1]) | (uint64_t)n << WORDS_LEN_SHIFT;
}

/* One pair of NH (the hash of UMAC): the two 32-bit halves of v, each plus its half of k, modulo
 * 2^32, multiplied into 64 bits. */
static inline uint64_t words_nh(uint64_t v, uint64_t k)
{
    uint32_t a = (uint32_t)v + (uint32_t)k, b = (uint32_t)(v >> 32) + (uint32_t)(k >> 32);
    return (uint64_t)a * b;
}

/* The hash of a key or token (lo, hi as words_index_key makes them), 32 bits: NH, its two halves
 * folded together. */
static inline uint64_t words_index_hash(const words_index *x, uint64_t lo, uint64_t hi)
{
    uint64_t h = words_nh(lo, x->seed[0]) + words_nh(hi, x->seed[1]);
    return (uint32_t)(h ^ h >> 32);
}

/* From a hash h: its bucket, and its slot before the bucket's XOR, each the top bits of a
 * 32-bit multiplicative hash (NH's low bits depend on few bits of the key). */
#define WORDS_MIX_BUCKET UINT64_C(0x85EBCA6B)
#define WORDS_MIX_SLOT UINT64_C(0x9E3779B1)
static inline size_t words_index_bucket(const words_index *x, uint64_t h)
{
    return (size_t)((h * WORDS_MIX_BUCKET >> x->bucket_shift) & x->bucket_mask);
}

static inline size_t words_index_base(const words_index *x, uint64_t h)
{
    return (size_t)((h * WORDS_MIX_SLOT >> x->slot_shift) & x->slot_mask);
}

/* The one slot where a key whose hash (words_index_hash) is h can be. */
static inline size_t words_index_at(const words_index *x, uint64_t h)
{
    return words_index_base(x, h) ^ x->disp[words_index_bucket(x, h)];
}

#define WORDS_FILTER_BITS 16
#define WORDS_FILTER_MAX 512
/* The filter's bit for a key of n bytes whose first min(n, 8) are lo. */
static inline uint64_t words_index_bit(uint64_t lo, size_t n)
{
    return ((lo + n) * 0x9E3779B97F4A7C15u) >> (64 - WORDS_FILTER_BITS);
}

/* Can a key of n bytes whose first min(n, 8) are lo be in the list? */
static inline int words_index_may(const words_index *x, uint64_t lo, size_t n)
{
    uint64_t bit = words_index_bit(lo, n);
    return (int)(x->filter[bit / 64] >> (bit % 64) & 1);
}

typedef struct {
    size_t n;           /* number of words */
    char **word;        /* word[i] is NUL-terminated for printing; may not contain NUL itself */
    char **key;         /* word[i] as compared: folded with `fold`, else the same bytes */
    size_t *len;        /* len[i] bytes of word[i] */
    size_t *keylen;     /* keylen[i] bytes of key[i]: len[i], but Unicode folding may change it */
    int encoding;       /* ENC_UTF8 or ENC_LATIN1: set before the first words_add */
    int fold;           /* -i, --ignore-case: set before the first words_add */
    int tokens;         /* TOKENS_SPACE or TOKENS_WORDS: set before the first words_add */
    size_t minlen, maxlen; /* of the keys */
    /* The longest text a key can stand for: maxlen, or with Unicode folding up to 3 * maxlen
     * (U+212A KELVIN SIGN, 3 bytes, folds to k). */
    size_t rawmax;
    uint32_t *slot;     /* open-addressing hash table: word index + 1, 0 = empty */
    size_t mask;        /* table size - 1 */
    uint64_t *classes;  /* bit c set when some word is of class c (words_class) */
    words_index index;  /* the keys of at most WORDS_SHORT bytes */
    /* -i in utf-8 (kernel_fold.c): which tokens holding a byte >= 0x80 can fold to some key?
     * FOLD_HIGH_NONE when every key is ASCII without k and s (the only ASCII letters other
     * letters fold to: U+212A KELVIN SIGN, U+017F LONG S); FOLD_HIGH_KS when every key is ASCII:
     * only tokens holding those two; FOLD_HIGH_ANY otherwise. And bit words_fold_head() set
     * for each key. */
    int fold_high;
    uint64_t fold_head[64];
} wordlist;

/* The unit of p[0..n) (n > 0) folded, as a number: its code point, or 0x110000 + the byte for a
 * byte of invalid UTF-8; its length in *len. */
static inline uint32_t words_fold_unit(const uint8_t *p, size_t n, size_t *len)
{
    uint32_t c = wb_decode(p, p + n, len);
    return c == WB_INVALID ? 0x110000u + p[0] : fold_cp(c);
}

/* The first two units of p[0..n) (n > 0), folded, hashed to 12 bits. Folding maps each unit to
 * one unit, so a token folds to a key only if their heads agree. */
static inline uint32_t words_fold_head(const uint8_t *p, size_t n)
{
    size_t k, k2;
    uint32_t a = words_fold_unit(p, n, &k), b = k < n ? words_fold_unit(p + k, n - k, &k2) : 0;
    return (a * 0x9E3779B1u ^ b) * 0x85EBCA6Bu >> 20;
}

/* Does -i fold by Unicode simple case folding (SPEC §1, §8)? In utf-8, under either rule; latin1
 * folds ASCII letters only. */
static inline int words_unicode_fold(const wordlist *w)
{
    return w->fold && w->encoding == ENC_UTF8;
}

/* Adds a word, checked against the list's mode (encoding, fold); on error returns -1 and sets
 * *why to a static reason. */
int words_add(wordlist *w, const char *word, const char **why);
/* Reads one word per line from path ("-": standard input; a trailing CR is dropped, blank lines
 * are skipped). Returns -1 and sets *why on error, naming the line for a word refused ("line 4,
 * 'dog,': ..."); errno is kept for I/O errors (why is then NULL). */
int words_add_file(wordlist *w, const char *path, const char **why);
/* Builds the lookup table; call once after the last words_add. */
void words_finish(wordlist *w);
void words_free(wordlist *w);

static inline uint64_t words_hash(const uint8_t *p, size_t n)
{
    uint64_t h = FNV64_OFFSET; /* FNV-1a: short keys, cheap, good enough spread */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV64_PRIME;
    return h ^ (h >> 29);
}

/* Digests of settings (FNV-1a over whole values), for the MPI ranks' check that they were all
 * given the same command line. */
static inline uint64_t digest_mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * FNV64_PRIME;
}

static inline uint64_t digest_text(uint64_t h, const char *text, size_t n)
{
    return digest_mix(digest_mix(h, n), words_hash((const uint8_t *)text, n));
}

static inline uint64_t words_hash_folded(const uint8_t *p, size_t n)
{
    uint64_t h = FNV64_OFFSET;
    for (size_t i = 0; i < n; i++)
        h = (h ^ fold_ascii(p[i])) * FNV64_PRIME;
    return h ^ (h >> 29);
}

/* A token's class: its length, first and last byte (folded with fold) hashed to WORDS_CLASS_BITS
 * bits. A token can equal a word only if their classes agree, and most tokens of a text share
 * no class with any word even of a long list: a test much cheaper than words_find, which hashes
 * every byte and walks the table. */
#define WORDS_CLASS_BITS 15
static inline uint32_t words_class(const uint8_t *p, size_t n, int fold)
{
    uint32_t a = fold ? fold_ascii(p[0]) : p[0], z = fold ? fold_ascii(p[n - 1]) : p[n - 1];
    return (uint32_t)((a | z << 8 | (uint32_t)n << 16) * 0x9E3779B1u) >> (32 - WORDS_CLASS_BITS);
}

/* 0 when no word can equal p[0..n) (1 <= n <= WORDS_MAX_LEN); 1 when one may: ask words_find. */
static inline int words_may_match(const wordlist *w, const uint8_t *p, size_t n, int fold)
{
    uint32_t c = words_class(p, n, fold);
    return (int)(w->classes[c / 64] >> (c % 64) & 1);
}

/* Index of the word equal to p[0..n) (after folding, with fold), or -1. `fold` is the list's
 * own, a separate argument so that a kernel can make it a constant. */
static inline __attribute__((always_inline)) long words_find_mode(const wordlist *w,
                                                                  const uint8_t *p, size_t n,
                                                                  int fold)
{
    size_t i = (size_t)(fold ? words_hash_folded(p, n) : words_hash(p, n)) & w->mask;
    for (;; i = (i + 1) & w->mask) {
        uint32_t s = w->slot[i];
        if (s == 0)
            return -1;
        size_t k = s - 1;
        if (w->keylen[k] == n) {
            const uint8_t *q = (const uint8_t *)w->key[k];
            size_t j = 0;
            if (fold)
                while (j < n && q[j] == fold_ascii(p[j]))
                    j++;
            else
                while (j < n && q[j] == p[j])
                    j++;
            if (j == n)
                return (long)k;
        }
    }
}

/* -i in utf-8 (words_unicode_fold): the index of the word whose key equals p[0..n) folded by
 * Unicode simple case folding, or -1; folds as it goes, with no copy of the text. */
long words_find_folded(const wordlist *w, const uint8_t *p, size_t n);

static inline long words_find(const wordlist *w, const uint8_t *p, size_t n)
{
    return words_find_mode(w, p, n, w->fold);
}

#endif
