/* words.h - the target word list: validation, and the lookup the kernels use. */
#ifndef WORDTALLY_WORDS_H
#define WORDTALLY_WORDS_H

#include <stddef.h>
#include <stdint.h>

#define WORDS_MAX_COUNT 4096 /* every thread keeps a counter per word */
#define WORDS_MAX_LEN 4096   /* the read-ahead after every block is WORDS_MAX_LEN + 1 bytes at most */

/* SPEC §1: the twelve whitespace bytes (Python's str.isspace() on Latin-1). */
extern const uint8_t ws_table[256];
static inline int is_ws(uint8_t c) { return ws_table[c]; }

typedef struct {
    size_t n;           /* number of words */
    char **word;        /* word[i] is NUL-terminated for printing; may not contain NUL itself */
    size_t *len;        /* len[i] bytes */
    size_t minlen, maxlen;
    uint32_t *slot;     /* open-addressing hash table: word index + 1, 0 = empty */
    size_t mask;        /* table size - 1 */
} wordlist;

/* Adds a word; on error returns -1 and sets *why to a static reason. */
int words_add(wordlist *w, const char *word, const char **why);
/* Reads one word per line (a trailing CR is dropped, blank lines are skipped). Returns -1 and
 * sets *why on error; errno is kept for I/O errors (why is then NULL). */
int words_add_file(wordlist *w, const char *path, const char **why);
/* Builds the lookup table; call once after the last words_add. */
void words_finish(wordlist *w);
void words_free(wordlist *w);

static inline uint64_t words_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: short keys, cheap, good enough spread */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

/* Index of the word equal to p[0..n), or -1. */
static inline long words_find(const wordlist *w, const uint8_t *p, size_t n)
{
    size_t i = (size_t)words_hash(p, n) & w->mask;
    for (;; i = (i + 1) & w->mask) {
        uint32_t s = w->slot[i];
        if (s == 0)
            return -1;
        size_t k = s - 1;
        if (w->len[k] == n) {
            const uint8_t *q = (const uint8_t *)w->word[k];
            size_t j = 0;
            while (j < n && q[j] == p[j])
                j++;
            if (j == n)
                return (long)k;
        }
    }
}

#endif
