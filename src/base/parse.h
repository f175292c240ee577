/* parse.h - numbers and sizes as users write them on a command line (wordtally, wordtally-gen). */
#ifndef WORDTALLY_PARSE_H
#define WORDTALLY_PARSE_H

#include <stdint.h>

/* "256K", "1M", "3": bytes, with K, M, G, T as powers of 1024. 0 on success, -1 if not a size
 * from 1 to 2^62. */
int parse_size(const char *s, uint64_t *out);
/* A whole number from 1 to max. */
int parse_count(const char *s, uint64_t max, uint64_t *out);

/* Parses a --sweep LIST: "cores" (1, 2, ..., ncores) or thread counts from 1 to THREADS_MAX
 * separated by commas, no blanks, no empty entries, no repeats. Writes at most `max` entries to
 * out (out may be NULL to only check the syntax). Returns the number of entries, or -1 with *why
 * set to a reason for a usage error. */
int parse_thread_list(const char *list, int ncores, int *out, int max, const char **why);

#endif
