/* pages.c - the system's page sizes (pages.h). */
#include "pages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define HPAGE_PMD_SIZE "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"

size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

size_t huge_page_size_from(const char *path)
{
    const size_t page = page_size();
    unsigned long long v = 0;
    char text[32] = "", *end = NULL;
    FILE *f = fopen(path, "r");
    int ok = f && fgets(text, sizeof text, f) != NULL;
    if (f)
        fclose(f);
    if (ok) {
        errno = 0;
        v = strtoull(text, &end, 10);
        ok = errno == 0 && end != text && (*end == '\n' || *end == '\0');
    }
    if (ok && v >= page && (v & (v - 1)) == 0 && v <= (size_t)-1 / 2)
        return (size_t)v;
    return page * (page / 8); /* a page of 8-byte entries: what one PMD entry maps */
}

size_t huge_page_size(void)
{
    static size_t size; /* the same for the whole run: read it once */
    size_t s = __atomic_load_n(&size, __ATOMIC_RELAXED);
    if (!s) {
        s = huge_page_size_from(HPAGE_PMD_SIZE);
        __atomic_store_n(&size, s, __ATOMIC_RELAXED);
    }
    return s;
}
