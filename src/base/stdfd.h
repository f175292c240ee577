/* stdfd.h - keeping the standard descriptors 0, 1 and 2 from being reused by open(). */
#ifndef WORDTALLY_STDFD_H
#define WORDTALLY_STDFD_H

#include <stdio.h>

/* Call first in main. A standard descriptor the caller closed (`<&-`, `>&-`, `2>&-`) is opened
 * on /dev/null in the direction that fails: stdin write-only (read gives EBADF), stdout read-only
 * (write gives EBADF). Otherwise the next open() would get that number, and "-" would silently
 * count another input, or the report would go into a file. */
void stdfd_reserve(void);

/* Flushes standard output `out` and checks that nothing written to it failed (`> /dev/full`, a
 * closed pipe with SIGPIPE ignored). Returns 0, or -1 after printing "wordtally: standard output:
 * REASON" on stderr: the caller then exits 1, as `cat --help > /dev/full` does. */
int stdfd_flush(FILE *out);

#endif
