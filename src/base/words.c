/* words.c - the target word list. */
#include "words.h"

#include "quote.h"
#include "wordbreak.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WS_ASCII                                                                                   \
    [0x09] = 1, [0x0A] = 1, [0x0B] = 1, [0x0C] = 1, [0x0D] = 1,                                    \
    [0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, [0x20] = 1
const uint8_t ws_class[2][256] = {
    [ENC_UTF8] = {WS_ASCII, [0xC2] = 2, [0xE1] = 2, [0xE2] = 2, [0xE3] = 2},
    [ENC_LATIN1] = {WS_ASCII, [0x85] = 1, [0xA0] = 1},
};
#undef WS_ASCII

int encoding_from_name(const char *name)
{
    if (strcmp(name, "utf-8") == 0 || strcmp(name, "utf8") == 0)
        return ENC_UTF8;
    if (strcmp(name, "latin1") == 0 || strcmp(name, "latin-1") == 0)
        return ENC_LATIN1;
    return -1;
}

int tokens_from_name(const char *name)
{
    if (strcmp(name, "space") == 0)
        return TOKENS_SPACE;
    if (strcmp(name, "words") == 0)
        return TOKENS_WORDS;
    return -1;
}

static _Noreturn void out_of_memory(void)
{
    fputs("wordtally: out of memory\n", stderr);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q)
        out_of_memory();
    return q;
}

/* The hash table of the keys (slot, mask) at twice its size, at least 16 slots, refilled. */
static void slots_grow(wordlist *w)
{
    size_t size = w->slot ? 2 * (w->mask + 1) : 16;
    uint32_t *slot = calloc(size, sizeof *slot);
    if (!slot)
        out_of_memory();
    for (size_t k = 0; k < w->n; k++) {
        size_t i = (size_t)words_hash((const uint8_t *)w->key[k], w->keylen[k]) & (size - 1);
        while (slot[i])
            i = (i + 1) & (size - 1);
        slot[i] = (uint32_t)(k + 1);
    }
    free(w->slot);
    w->slot = slot;
    w->mask = size - 1;
}

int words_add(wordlist *w, const char *word, const char **why)
{
    size_t n = strlen(word);
    if (n == 0) {
        *why = "empty word";
        return -1;
    }
    if (n > WORDS_MAX_LEN) {
        *why = "word longer than 4096 bytes";
        return -1;
    }
    if (w->tokens == TOKENS_WORDS) {
        if (!wb_is_one_word((const uint8_t *)word, n,
                            w->encoding == ENC_LATIN1 ? WB_LATIN1_MODE : 0)) {
            *why = "not one word under --tokens=words (it would never be counted)";
            return -1;
        }
    } else {
        for (size_t i = 0; i < n; i++)
            if (ws_len(w->encoding, (const uint8_t *)word + i)) {
                *why = w->encoding == ENC_UTF8 ? "word contains whitespace (utf-8)"
                                               : "word contains a whitespace byte (latin1)";
                return -1;
            }
    }
    /* The key is the word as compared: folded with -i (Unicode folding may change its length). */
    char *key = xrealloc(NULL, 2 * n + 1);
    size_t kn = n;
    if (words_unicode_fold(w)) {
        kn = fold_utf8((const uint8_t *)word, n, (uint8_t *)key);
        key[kn] = '\0';
    } else {
        for (size_t i = 0; i <= n; i++)
            key[i] = (char)(w->fold ? fold_ascii((uint8_t)word[i]) : (uint8_t)word[i]);
    }
    /* A repeated key, found through the hash table words_find uses (kept filled as words are
     * added; words_finish builds it again): comparing with every earlier key would take seconds
     * for a list of thousands. */
    if (!w->slot || 2 * (w->n + 1) > w->mask + 1)
        slots_grow(w);
    size_t at = (size_t)words_hash((const uint8_t *)key, kn) & w->mask;
    for (; w->slot[at]; at = (at + 1) & w->mask) {
        size_t i = w->slot[at] - 1;
        if (w->keylen[i] == kn && memcmp(w->key[i], key, kn) == 0) {
            *why = w->fold ? "word given twice (ignoring case)" : "word given twice";
            free(key);
            return -1;
        }
    }
    if (w->n == WORDS_MAX_COUNT) {
        *why = "more than " LIMIT_TEXT(WORDS_MAX_COUNT) " words";
        free(key);
        return -1;
    }
    w->word = xrealloc(w->word, (w->n + 1) * sizeof *w->word);
    w->key = xrealloc(w->key, (w->n + 1) * sizeof *w->key);
    w->key[w->n] = key;
    w->len = xrealloc(w->len, (w->n + 1) * sizeof *w->len);
    w->word[w->n] = xrealloc(NULL, n + 1);
    memcpy(w->word[w->n], word, n + 1);
    w->len[w->n] = n;
    w->keylen = xrealloc(w->keylen, (w->n + 1) * sizeof *w->keylen);
    w->keylen[w->n] = kn;
    w->slot[at] = (uint32_t)(w->n + 1);
    w->n++;
    return 0;
}

/* Reads one line into line[] (without its LF), at most WORDS_MAX_LEN + 1 bytes (a word and the CR
 * of a Windows line end), so that memory stays bounded whatever the file holds: a file without
 * newlines or /dev/zero stops at its first NUL or at the first byte a word cannot have.
 * Returns the length, -1 at the end of the file, or -2 with *why set. */
static long read_line(FILE *f, char line[WORDS_MAX_LEN + 2], const char **why)
{
    long n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (c == '\0') {
            *why = "word contains a NUL byte";
            return -2;
        }
        /* Byte WORDS_MAX_LEN + 1 may only be the CR of a CRLF line end. */
        if (n > WORDS_MAX_LEN || (n == WORDS_MAX_LEN && c != '\r')) {
            *why = "word longer than 4096 bytes";
            return -2;
        }
        line[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return -1;
    if (n && line[n - 1] == '\r') /* files written on Windows */
        n--;
    line[n] = '\0';
    return n;
}

int words_add_file(wordlist *w, const char *path, const char **why)
{
    int std_in = strcmp(path, "-") == 0;
    FILE *f = std_in ? stdin : fopen(path, "rb");
    if (!f) {
        *why = NULL;
        return -1;
    }
    char line[WORDS_MAX_LEN + 2] = ""; /* read_line fills what it returns; the rest stays 0 */
    size_t added = 0;
    long n, lineno = 0;
    int rc = 0;
    while ((n = read_line(f, line, why)) != -1) {
        lineno++;
        if (n == -2 || (n > 0 && words_add(w, line, why) < 0)) {
            /* Which line, and (when short enough to read) its word: a list may be long. */
            static char msg[256];
            if (n > 0 && n <= 64)
                snprintf(msg, sizeof msg, "line %ld, %s: %s", lineno, quote_value(1, line), *why);
            else
                snprintf(msg, sizeof msg, "line %ld: %s", lineno, *why);
            *why = msg;
            rc = -1;
            break;
        }
        added += n > 0;
    }
    if (rc == 0 && ferror(f)) {
        *why = NULL;
        rc = -1;
    } else if (rc == 0 && added == 0) {
        *why = "no words in file";
        rc = -1;
    }
    int saved = errno;
    if (!std_in)
        fclose(f);
    errno = saved;
    return rc;
}

/* splitmix64: the seeds and multipliers tried for the index, the same every run. */
static uint64_t next_seed(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* The key i (of the list) as words_index_key makes it. */
static void index_key(const words_index *x, const wordlist *w, size_t i, uint64_t *lo, uint64_t *hi)
{
    uint8_t buf[16] = {0};
    memcpy(buf, w->key[i], w->keylen[i]);
    *lo = words_load8(buf);
    *hi = words_index_key(x, lo, words_load8(buf + 8), w->keylen[i]);
}

/* Places the short keys (hash h[i], key k[i], i < m) in x's slots by displacement (CHD): buckets
 * by words_index_bucket, the fullest first, each given the first XOR that puts all its keys in
 * free slots. 0 when some bucket finds none (then another hash is tried). */
static int place_keys(words_index *x, const wordlist *w, const uint64_t *h, const uint32_t *k,
                      size_t m, size_t buckets, size_t slots)
{
    uint32_t *order = calloc(buckets + 1, sizeof *order); /* where each bucket's keys start */
    uint32_t *members = calloc(m ? m : 1, sizeof *members);  /* the keys, bucket by bucket */
    uint32_t *by_size = calloc(buckets, sizeof *by_size);
    uint8_t *taken = calloc(slots, 1);
    uint64_t *where = calloc(m ? m : 1, sizeof *where);
    if (!order || !members || !by_size || !taken || !where)
        out_of_memory();
    for (size_t i = 0; i < m; i++)
        order[words_index_bucket(x, h[i]) + 1]++;
    for (size_t g = 0; g < buckets; g++)
        order[g + 1] += order[g];
    for (size_t i = 0; i < m; i++)
        members[order[words_index_bucket(x, h[i])]++] = (uint32_t)i;
    for (size_t g = buckets; g-- > 0;) /* order[g] was moved to bucket g's end: back to starts */
        order[g + 1] = order[g];
    order[0] = 0;
    /* Buckets by size, the fullest first: a pass per size (sizes are small). */
    size_t nb = 0, largest = 0;
    for (size_t g = 0; g < buckets; g++)
        if (order[g + 1] - order[g] > largest)
            largest = order[g + 1] - order[g];
    for (size_t size = largest; size > 0; size--)
        for (size_t g = 0; g < buckets; g++)
            if (order[g + 1] - order[g] == size)
                by_size[nb++] = (uint32_t)g;
    int ok = 1;
    for (size_t b = 0; b < nb && ok; b++) {
        size_t g = by_size[b], first = order[g], count = order[g + 1] - first;
        ok = 0;
        for (uint32_t d = 0; d < slots && !ok; d++) { /* an XOR past the mask moves nothing */
            size_t j = 0;
            for (; j < count; j++) {
                uint64_t s = words_index_base(x, h[members[first + j]]) ^ d;
                if (taken[s])
                    break;
                taken[s] = 1; /* also keeps two keys of the bucket apart */
                where[j] = s;
            }
            if (j == count) {
                x->disp[g] = d;
                ok = 1;
            } else {
                while (j-- > 0)
                    taken[where[j]] = 0;
            }
        }
    }
    for (size_t i = 0; ok && i < m; i++) {
        size_t s = words_index_at(x, h[i]);
        index_key(x, w, k[i], &x->key[2 * s], &x->key[2 * s + 1]);
        x->word[s] = k[i];
        uint64_t bit = words_index_bit(x->key[2 * s], w->keylen[k[i]]);
        x->filter[bit / 64] |= UINT64_C(1) << (bit % 64);
    }
    free(order);
    free(members);
    free(by_size);
    free(taken);
    free(where);
    return ok;
}

static void free_slots(words_index *x)
{
    free(x->key);
    free(x->word);
    free(x->disp);
    x->key = NULL;
    x->word = x->disp = NULL;
}

/* The short-key index (words.h): keys of at most WORDS_SHORT bytes in about one slot each. */
static void build_index(wordlist *w)
{
    words_index *x = &w->index;
    free(x->filter);
    free_slots(x);
    memset(x, 0, sizeof *x);
    x->filter = calloc((UINT64_C(1) << WORDS_FILTER_BITS) / 64, sizeof *x->filter);
    if (!x->filter)
        out_of_memory();
    for (size_t n = 0; n <= WORDS_SHORT; n++) {
        uint8_t ones[2 * 8] = {0};
        memset(ones, 0xFF, n);
        x->keep[n][0] = words_load8(ones);
        x->keep[n][1] = words_load8(ones + 8);
    }
    size_t m = 0;
    uint32_t *k = xrealloc(NULL, (w->n ? w->n : 1) * sizeof *k);
    uint64_t *h = xrealloc(NULL, (w->n ? w->n : 1) * sizeof *h);
    for (size_t i = 0; i < w->n; i++)
        if (w->keylen[i] <= WORDS_SHORT)
            k[m++] = (uint32_t)i;
    /* Slots for 1.25 keys or more each, buckets of 2 keys on average: quick to place. */
    unsigned slot_bits = 1, bucket_bits = 1;
    while ((UINT64_C(1) << slot_bits) < m + m / 4)
        slot_bits++;
    while ((UINT64_C(1) << bucket_bits) < m / 2)
        bucket_bits++;
    uint64_t state = 0;
    for (int attempt = 0; attempt < 64; attempt++) {
        if (attempt && attempt % 8 == 0) /* many hashes failed at this size: more room */
            slot_bits++;
        size_t slots = (size_t)1 << slot_bits, buckets = (size_t)1 << bucket_bits;
        free_slots(x);
        x->key = calloc(2 * slots, sizeof *x->key);
        x->word = calloc(slots, sizeof *x->word);
        x->disp = calloc(buckets, sizeof *x->disp);
        if (!x->key || !x->word || !x->disp)
            out_of_memory();
        x->seed[0] = next_seed(&state);
        x->seed[1] = next_seed(&state);
        x->slot_mask = (uint32_t)(slots - 1);
        x->bucket_mask = (uint32_t)(buckets - 1);
        x->slot_shift = 32 - slot_bits;
        x->bucket_shift = 32 - bucket_bits;
        for (size_t i = 0; i < m; i++) {
            uint64_t lo, hi;
            index_key(x, w, k[i], &lo, &hi);
            h[i] = words_index_hash(x, lo, hi);
        }
        if (place_keys(x, w, h, k, m, buckets, slots)) {
            x->short_max = WORDS_SHORT;
            x->filtered = m <= WORDS_FILTER_MAX;
            break;
        }
    }
    free(k);
    free(h);
}

/* The longest text that folds to key[0..n) (Unicode simple case folding maps one code point to
 * one): the sum over its units of the longest UTF-8 that folds to each. From CaseFolding.txt
 * (C and S), as tests/check_words.c checks against every code point: k has U+212A KELVIN SIGN
 * (3 bytes), s has U+017F LONG S (2 bytes), no other ASCII letter has a non-ASCII source; a
 * 2-byte folded letter may come from 3 bytes (U+212B ANGSTROM SIGN to å), a 3-byte one from 3
 * or 2, a 4-byte one from 4. An invalid byte stands for itself. */
static size_t raw_bound(const uint8_t *key, size_t n)
{
    size_t raw = 0;
    for (size_t i = 0, k; i < n; i += k) {
        uint32_t c = wb_decode(key + i, key + n, &k);
        raw += c == 'k' ? 3 : c == 's' ? 2 : k == 2 ? 3 : k;
    }
    return raw;
}

void words_finish(wordlist *w)
{
    size_t size = 16;
    while (size < 2 * w->n)
        size *= 2;
    free(w->slot);
    w->slot = calloc(size, sizeof *w->slot);
    if (!w->slot)
        out_of_memory();
    w->mask = size - 1;
    free(w->classes);
    w->classes = calloc((UINT32_C(1) << WORDS_CLASS_BITS) / 64, sizeof *w->classes);
    if (!w->classes)
        out_of_memory();
    w->minlen = w->n ? (size_t)-1 : 0;
    w->maxlen = 0;
    for (size_t k = 0; k < w->n; k++) {
        size_t i = (size_t)words_hash((const uint8_t *)w->key[k], w->keylen[k]) & w->mask;
        while (w->slot[i])
            i = (i + 1) & w->mask;
        w->slot[i] = (uint32_t)(k + 1);
        uint32_t c = words_class((const uint8_t *)w->key[k], w->keylen[k], 0); /* keys are folded */
        w->classes[c / 64] |= UINT64_C(1) << (c % 64);
        if (w->keylen[k] < w->minlen)
            w->minlen = w->keylen[k];
        if (w->keylen[k] > w->maxlen)
            w->maxlen = w->keylen[k];
    }
    w->rawmax = w->maxlen;
    w->fold_high = FOLD_HIGH_NONE;
    memset(w->fold_head, 0, sizeof w->fold_head);
    for (size_t k = 0; k < w->n && words_unicode_fold(w); k++) {
        const uint8_t *key = (const uint8_t *)w->key[k];
        size_t r = raw_bound(key, w->keylen[k]);
        if (r > w->rawmax)
            w->rawmax = r;
        for (size_t j = 0; j < w->keylen[k]; j++) { /* see raw_bound */
            int high = key[j] >= 0x80 ? FOLD_HIGH_ANY
                       : key[j] == 'k' || key[j] == 's' ? FOLD_HIGH_KS : FOLD_HIGH_NONE;
            if (high > w->fold_high)
                w->fold_high = high;
        }
        uint32_t c = words_fold_head(key, w->keylen[k]);
        w->fold_head[c / 64] |= UINT64_C(1) << (c % 64);
    }
    build_index(w);
}

/* Does p[0..n), folded, equal key[0..m)? */
static int folded_equal(const uint8_t *p, size_t n, const uint8_t *key, size_t m)
{
    size_t o = 0;
    for (size_t i = 0, k; i < n; i += k) {
        uint8_t u[4];
        size_t b = fold_unit(p + i, p + n, &k, u);
        if (o + b > m || memcmp(key + o, u, b) != 0)
            return 0;
        o += b;
    }
    return o == m;
}

long words_find_folded(const wordlist *w, const uint8_t *p, size_t n)
{
    uint64_t h = FNV64_OFFSET; /* words_hash of the folded bytes */
    size_t m = 0;
    for (size_t i = 0, k; i < n; i += k) {
        uint8_t u[4];
        size_t b = fold_unit(p + i, p + n, &k, u);
        for (size_t j = 0; j < b; j++)
            h = (h ^ u[j]) * FNV64_PRIME;
        m += b;
    }
    h ^= h >> 29;
    if (m < w->minlen || m > w->maxlen)
        return -1;
    for (size_t i = (size_t)h & w->mask;; i = (i + 1) & w->mask) {
        uint32_t s = w->slot[i];
        if (s == 0)
            return -1;
        size_t k = s - 1;
        if (w->keylen[k] == m && folded_equal(p, n, (const uint8_t *)w->key[k], m))
            return (long)k;
    }
}

void words_free(wordlist *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->word[i]);
        free(w->key[i]);
    }
    free(w->word);
    free(w->key);
    free(w->len);
    free(w->keylen);
    free(w->slot);
    free(w->classes);
    free(w->index.filter);
    free_slots(&w->index);
    memset(w, 0, sizeof *w);
}
