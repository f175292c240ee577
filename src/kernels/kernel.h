/* kernel.h - the counting kernels: count the target words among the tokens that start in a block. */
#ifndef WORDTALLY_KERNEL_H
#define WORDTALLY_KERNEL_H

#include "base/wordbreak.h"
#include "base/words.h"

/* Bytes that must be readable before p[-KERNEL_BEFORE] and after the tail, so that vector kernels
 * may load whole 64-byte blocks without checking for the buffer's ends. Their values do not matter. */
#define KERNEL_PAD 64

/* The context a kernel decides with (SPEC §2, with UTF-8 whitespace of up to 3 bytes):
 *   before: KERNEL_BEFORE bytes; the space rule reads p[-3..-1] of them. Whether a token starts at p[0] depends on whether p[-1] is whitespace,
 *           which in utf-8 may be the last byte of a sequence begun at p[-3] or p[-2], and on
 *           whether p[0] itself ends a sequence begun at p[-2] or p[-1].
 *   after:  kernel_tail(w) = rawmax + 2 bytes p[len .. len + rawmax + 1]. A token starting at
 *           len-1 matches a word of rawmax bytes (the longest text a key stands for: maxlen, or
 *           more with Unicode folding) only if whitespace starts at len-1+rawmax, and a sequence
 *           starting there may take 3 bytes.
 * At the input's start the context before is whitespace (' '), past its end the tail is too. */
#define KERNEL_BEFORE 192
/* --tokens=words (kernel_words.c) reads all of the context before, and after the block the
 * longest text a word can match, its end and what rules WB6, WB7b and WB12 look ahead to:
 * KERNEL_WORDS_AFTER bytes more. Like the context before, enough unless a run of
 * Extend/Format/ZWJ characters fills it (then kernel_words_undecided says so). */
#define KERNEL_WORDS_AFTER 192
static inline size_t kernel_tail(const wordlist *w)
{
    return w->tokens == TOKENS_WORDS ? w->rawmax + KERNEL_WORDS_AFTER : w->rawmax + 2;
}

/* The general path's lists (kernel_many.h), which the vector primitives fill and read. */
#define MANY_GROUP 8 /* blocks per group: 512 bytes, about 70 tokens of English */
#define MANY_BATCH 8
/* A group's token starts and ends, 64 a block at most; many_positions may write up to 64 entries
 * past those it finds. */
#define MANY_LIST (MANY_GROUP * 64 + 2 * MANY_BATCH + 64)
#define MANY_RUN_IN (UINT32_C(1) << 31) /* the start of a token running in from before */

/* Adds to counts[i] the number of tokens that START in p[0..len) and equal word i (SPEC §2),
 * in the mode carried by the word list itself (words.h, one place for the whole program):
 *   w->encoding  ENC_UTF8 (default) or ENC_LATIN1: which bytes are whitespace. ws_len(),
 *                ws_carried_in() and prev_is_ws() in words.h are the reference definitions;
 *   w->fold      -i: ASCII letters compare equal whatever their case; w->key[k] holds word k
 *                folded (lower case; keylen[k] bytes), so a kernel compares fold_ascii(text
 *                byte) with key bytes (or, vectorised: (byte | 0x20) == key byte where the key
 *                byte is a letter, the plain byte elsewhere). w->word[k] stays as the user wrote
 *                it, for reports. In utf-8 the keys are folded by Unicode and the tokens that
 *                only Unicode folding matches are kernel_unicode_fold's: every kernel_select and
 *                kernel_get kernel runs it after the byte kernel.
 * The caller guarantees the context above and KERNEL_PAD further readable bytes on both sides.
 * A kernel never looks further: a token longer than the longest word is no match, whatever its end. */
typedef void (*kernel_fn)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);

/* The token layer, for consumers of every token (the vocabulary) rather than of target words:
 * the tokens (SPEC §1's space rule, in encoding enc) that start in p[0..len), token i being
 * p[start[i] .. end[i]). Only positions below `limit` (len <= limit < 2^32) are looked at: a
 * token with no whitespace before it ends at limit, and the caller decides from there (more
 * bytes, or the input's end). *run_in: where the token running into p from before it ends (its
 * first whitespace, or limit); 0 when p[-1] is whitespace. run_in may be NULL: that token is then
 * not followed (a block's own tokens are all most callers want; following a long token from every
 * block inside it would scan it again and again). Reads p[-3 .. limit + 2). Returns
 * the number of tokens, at most (len + 1) / 2. */
typedef size_t (*tokens_fn)(int enc, const uint8_t *p, size_t len, size_t limit, uint32_t *start,
                            uint32_t *end, size_t *run_in);

struct words_open;
/* The word rule's token layer: tokens_words (below) or a vector one with its contract. */
typedef int (*words_tokens_fn)(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                               uint32_t *start, uint32_t *end, size_t *n,
                               struct words_open *open);

typedef struct {
    const char *name;
    kernel_fn count;
    tokens_fn tokens; /* the same ISA's token layer; NULL where there is none (word tokens) */
    words_tokens_fn word_tokens; /* the word rule's, in the --tokens=words kernels; else NULL */
} kernel;

/* -i in utf-8 under the space rule: adds the tokens starting in p[0..len) that equal a word under
 * Unicode simple case folding and not under fold_ascii, which the byte kernels (comparing
 * fold_ascii(token) with the Unicode-folded keys) counted as no match; finds them with the token
 * layer `tokens`. Nothing in other modes. Reads what the kernels read. */
void kernel_unicode_fold(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts,
                         tokens_fn tokens);
/* Defines K_folded: the byte kernel K, then kernel_unicode_fold with the token layer T of the
 * same instruction set (it returns at once unless -i in utf-8). */
#define KERNEL_WITH_FOLD(K, T)                                                                     \
    static void K##_folded(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)   \
    {                                                                                              \
        K(w, p, len, counts);                                                                      \
        kernel_unicode_fold(w, p, len, counts, T);                                                 \
    }

void kernel_scalar(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
size_t tokens_scalar(int enc, const uint8_t *p, size_t len, size_t limit, uint32_t *start,
                     uint32_t *end, size_t *run_in);
/* --tokens=words: counts the words (SPEC §8) that start in the block. */
void kernel_words(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
/* Nonzero when kernel_words, since the last call on this thread, met a block whose word
 * boundaries its context could not decide (a run of combining marks filling its 192 bytes at the
 * block's edge): its counts are incomplete. Clears the mark. */
int kernel_words_undecided(void);
/* The word rule's token layer (SPEC §8), for consumers of every word (the vocabulary): the words
 * that start in p[0..len) (enc: ENC_UTF8 or ENC_LATIN1), word i being p[start[i] .. end[i]), *n
 * of them, at most (len + 1) / 2 (a word one byte long is an ASCII letter or digit, which joins
 * the letters and digits after it, so two words never start one byte apart). p[-KERNEL_BEFORE ..
 * avail) are the input's bytes, avail >= len + 3; or, with eof, the input ends at p[avail] and a
 * whitespace byte follows there. Returns WORDS_DONE; WORDS_OPEN when the last word goes on past
 * what those bytes decide: it is not in start/end, and *open says where it starts and how to
 * follow it (tokens_words_follow); or WORDS_UNDECIDED, the case of kernel_words_undecided (a run
 * of Extend/Format/ZWJ filling the context): the caller reports an input error, never counts. */
enum { WORDS_DONE, WORDS_OPEN, WORDS_UNDECIDED };
typedef struct words_open {
    wb_state s;       /* the segmenter's state before p[at] */
    size_t start, at; /* offsets from p: the open word's first byte; the first byte not read */
} words_open;
int tokens_words(int enc, const uint8_t *p, size_t len, size_t avail, int eof, uint32_t *start,
                 uint32_t *end, size_t *n, words_open *open);
/* tokens_words for a part of a block that the vector token layers (kernel_simd.h) leave to it:
 * the same words, from a shorter context before when that decides them. */
int tokens_words_part(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                      uint32_t *start, uint32_t *end, size_t *n, words_open *open);
/* Follows a word that went on past earlier bytes: *s is the segmenter's state before p[0] (a
 * words_open's s), p[0..avail) and eof as for tokens_words (no context before is read). Returns
 * WORDS_DONE when the segment ends: *word says whether it is a word (a segment may turn out not
 * to be, e.g. a letter joined by ZWJ to an emoji), ending at p[*used] when it is; or WORDS_OPEN:
 * it goes on past p[*used] (the bytes before that are its own), *s the state there, and the
 * caller goes on from there. *used is 0 only when the look-ahead after a MidLetter or MidNum
 * (through Extend/Format/ZWJ) needs more than avail bytes. */
int tokens_words_follow(int enc, const uint8_t *p, size_t avail, int eof, wb_state *s,
                        size_t *used, int *word);
/* kernel_words for a part of a block that the vector words kernels (kernel_simd.h) leave to it:
 * the same counts, from a shorter context before when that decides them. */
void kernel_words_part(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
/* kernel_words_part that says whether it decided every boundary (1), rather than keeping it for
 * kernel_words_undecided; when not (0), counts may hold some of the part's words. */
int kernel_words_part_decided(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
#if defined(__x86_64__)
/* Vector kernels: call only through kernel_select, which checks that the CPU runs them. */
void kernel_avx2(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
size_t tokens_avx2(int enc, const uint8_t *p, size_t len, size_t limit, uint32_t *start,
                   uint32_t *end, size_t *run_in);
void kernel_avx2_filter(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
void kernel_avx512(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
size_t tokens_avx512(int enc, const uint8_t *p, size_t len, size_t limit, uint32_t *start,
                     uint32_t *end, size_t *run_in);
void kernel_vbmi(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
void kernel_words_avx2(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
int tokens_words_avx2(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                      uint32_t *start, uint32_t *end, size_t *n, words_open *open);
void kernel_words_avx512(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
int tokens_words_avx512(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                        uint32_t *start, uint32_t *end, size_t *n, words_open *open);
#endif
#if defined(__aarch64__)
void kernel_neon(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
size_t tokens_neon(int enc, const uint8_t *p, size_t len, size_t limit, uint32_t *start,
                   uint32_t *end, size_t *run_in);
void kernel_sve(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
size_t tokens_sve(int enc, const uint8_t *p, size_t len, size_t limit, uint32_t *start,
                  uint32_t *end, size_t *run_in);
void kernel_words_neon(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
int tokens_words_neon(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                      uint32_t *start, uint32_t *end, size_t *n, words_open *open);
void kernel_words_sve(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
int tokens_words_sve(int enc, const uint8_t *p, size_t len, size_t avail, int eof,
                     uint32_t *start, uint32_t *end, size_t *n, words_open *open);
#endif

/* The kernel named `name` ("auto" picks the fastest this CPU runs), or NULL with *why set: an
 * unknown name, or a kernel this CPU cannot run (one of another architecture: "not available on
 * this CPU"). Names: scalar; avx2, avx2-filter, avx512, vbmi (x86-64); neon, sve (AArch64). */
const kernel *kernel_select(const char *name, const char **why);

/* The --tokens=words kernel named `name` (auto, or words-NAME or NAME: scalar; avx2, avx512 on
 * x86-64; neon, sve on AArch64), or NULL with *why set. */
const kernel *kernel_select_words(const char *name, const char **why);

/* The --tokens=words kernels: kernel_words_get(i) for i < kernel_words_count(), NULL for one
 * this CPU cannot run. */
size_t kernel_words_count(void);
const kernel *kernel_words_get(size_t i);

/* Every kernel, for tests that must cover each one, including kernels added later: kernel_get(i)
 * for i < kernel_count(), NULL for one this CPU cannot run. */
size_t kernel_count(void);
const kernel *kernel_get(size_t i);
/* The name of kernel i (i < kernel_count()), whether or not this CPU runs it. */
const char *kernel_name(size_t i);

#endif
