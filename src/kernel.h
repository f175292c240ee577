/* kernel.h - the counting kernels: count the target words among the tokens that start in a block. */
#ifndef WORDTALLY_KERNEL_H
#define WORDTALLY_KERNEL_H

#include "words.h"

/* Bytes that must be readable before p[-1] and after p[len + maxlen], so that vector kernels may
 * load whole 64-byte blocks without checking for the buffer's ends. Their values do not matter. */
#define KERNEL_PAD 64

/* Adds to counts[i] the number of tokens that START in p[0..len) and equal word i (SPEC §2).
 * The caller guarantees:
 *   p[-1]                 the byte before the block, or a whitespace byte at the input's start;
 *   p[len .. len+maxlen]  the maxlen+1 bytes after the block, whitespace past the input's end;
 *   KERNEL_PAD further readable bytes on both sides.
 * A kernel never looks further: a token longer than the longest word is no match, whatever its end. */
typedef void (*kernel_fn)(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);

typedef struct {
    const char *name;
    kernel_fn count;
} kernel;

void kernel_scalar(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
#if defined(__x86_64__)
/* Vector kernels: call only through kernel_select, which checks that the CPU runs them. */
void kernel_avx2(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
void kernel_avx2_filter(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
void kernel_avx512(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
void kernel_vbmi(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);
#endif

/* The kernel named `name` ("auto" picks the fastest this CPU runs), or NULL with *why set: an
 * unknown name, or a kernel this CPU cannot run. Names: scalar, avx2, avx2-filter, avx512,
 * vbmi (x86-64 only). */
const kernel *kernel_select(const char *name, const char **why);

/* Every kernel, for tests that must cover each one, including kernels added later: kernel_get(i)
 * for i < kernel_count(), NULL for one this CPU cannot run. */
size_t kernel_count(void);
const kernel *kernel_get(size_t i);
/* The name of kernel i (i < kernel_count()), whether or not this CPU runs it. */
const char *kernel_name(size_t i);

#endif
