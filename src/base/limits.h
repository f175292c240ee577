/* limits.h - the numbers the whole program shares, named once: limits on what users may ask
 * for, and the sizes the engine is built around. */
#ifndef WORDTALLY_LIMITS_H
#define WORDTALLY_LIMITS_H

#include "status.h"

/* -t and --sweep accept at most this many threads. */
#define THREADS_MAX 4096

/* The cache line that per-thread records written often are padded to, so that no two threads
 * share one: 64 bytes on x86-64, and on AArch64 the largest there, A64FX's 256 (Neoverse's 64
 * then costs some padding, never a shared line). */
#if defined(__aarch64__)
#define CACHE_LINE 256
#else
#define CACHE_LINE 64
#endif

/* A limit as text, for messages: LIMIT_TEXT(THREADS_MAX) is "4096". */
#define LIMIT_TEXT(n) LIMIT_TEXT_(n)
#define LIMIT_TEXT_(n) #n

/* FNV-1a's 64-bit offset basis and prime: the hash of word lists, vocabulary keys and the MPI
 * ranks' digests of their settings. */
#define FNV64_OFFSET 1469598103934665603ULL
#define FNV64_PRIME 1099511628211ULL

#endif
