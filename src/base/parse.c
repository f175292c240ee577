/* parse.c - numbers and sizes as users write them on a command line. */
#include "parse.h"

#include "limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int parse_count(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)s[0])) /* strtoull would accept " 5", "+5" and "-5" */
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < 1 || v > max)
        return -1;
    *out = v;
    return 0;
}

int parse_size(const char *s, uint64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    int shift = 0;
    if (*end) {
        const char *units = "KMGT";
        const char *u = strchr(units, toupper((unsigned char)*end));
        if (!u || end[1] != '\0')
            return -1;
        shift = 10 * (int)(u - units + 1);
    }
    const unsigned long long max = 1ULL << 62;
    if (v < 1 || v > (max >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int parse_thread_list(const char *list, int ncores, int *out, int max, const char **why)
{
    if (strcmp(list, "cores") == 0) {
        if (ncores > max && out) {
            *why = "too many cores for a sweep";
            return -1;
        }
        for (int i = 0; out && i < ncores; i++)
            out[i] = i + 1;
        return ncores;
    }
    int n = 0;
    const char *p = list;
    for (;;) {
        char item[16];
        size_t len = strcspn(p, ",");
        uint64_t v;
        if (len == 0 || len >= sizeof item) {
            *why = len ? "not a thread count from 1 to " LIMIT_TEXT(THREADS_MAX)
                       : "expected thread counts separated by commas (e.g. 1,2,4,8) or 'cores'";
            return -1;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (parse_count(item, THREADS_MAX, &v) < 0) {
            *why = "not a thread count from 1 to " LIMIT_TEXT(THREADS_MAX);
            return -1;
        }
        if (n >= max) {
            *why = "too many entries";
            return -1;
        }
        /* A repeat would only re-measure a row: more likely a typo than a wish. */
        for (const char *q = list; q < p; q += strcspn(q, ",") + 1)
            if (strtoull(q, NULL, 10) == v) {
                *why = "a thread count is given twice";
                return -1;
            }
        if (out)
            out[n] = (int)v;
        n++;
        if (p[len] == '\0')
            return n;
        p += len + 1;
    }
}
