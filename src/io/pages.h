/* pages.h - the system's page sizes, for code that aligns or advises memory by pages. */
#ifndef WORDTALLY_PAGES_H
#define WORDTALLY_PAGES_H

#include <stddef.h>

/* The base page: sysconf(_SC_PAGESIZE) (4 KiB on x86-64; 4, 16 or 64 KiB on AArch64 kernels). */
size_t page_size(void);

/* The transparent huge page (what MADV_HUGEPAGE gives a large enough, aligned range): the
 * kernel's hpage_pmd_size, 2 MiB on x86-64, 32 MiB with 16 KiB pages and 512 MiB with 64 KiB
 * pages on AArch64. Read once; where the kernel does not say (no THP, no sysfs), one page table's
 * reach: page_size() times its number of 8-byte entries. */
size_t huge_page_size(void);

/* The same from the file `path` holding the size in bytes, for tests: a value that is not a
 * power of two of at least page_size() gives the page-table reach. */
size_t huge_page_size_from(const char *path);

#endif
