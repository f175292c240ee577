/* quote.c - shell-escape quoting for diagnostics: one line, nothing raw for the terminal. */
#include "quote.h"

#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

/* Bytes a shell takes literally anywhere in a word (GNU's list, less the ones that are special
 * only at a word's start, which are quoted wherever they are: simpler, still copy-pasteable). */
static int plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("%+,-./:=@_", c) != NULL;
}

/* The length of the printable UTF-8 character at p, of the `avail` bytes there (code point U+00A0
 * or above, well formed, not a surrogate), or 0 when p[0] must be escaped. */
static size_t utf8_printable(const unsigned char *p, size_t avail)
{
    uint32_t cp;
    size_t n;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        cp = p[0] & 0x1Fu;
        n = 2;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        cp = p[0] & 0x0Fu;
        n = 3;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        cp = p[0] & 0x07u;
        n = 4;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0xA0)
        return 0; /* overlong, out of range, a surrogate, or a C1 control (U+0080-U+009F) */
    return n;
}

/* The escape of byte c inside $'...': \n, \t ..., or three octal digits. Returns its length. */
static size_t escape(unsigned char c, char out[5])
{
    static const char from[] = "\a\b\t\n\v\f\r", to[] = "abtnvfr";
    const char *k = c ? strchr(from, c) : NULL;
    out[0] = '\\';
    if (k) {
        out[1] = to[k - from];
        return 2;
    }
    out[1] = (char)('0' + (c >> 6));
    out[2] = (char)('0' + ((c >> 3) & 7));
    out[3] = (char)('0' + (c & 7));
    return 4;
}

/* Each thread has its own slots (a reader thread decoding an archive names members in its
 * messages while the main thread quotes others); a thread's are freed when it ends. */
static _Thread_local char *slots[QUOTE_SLOTS];
static _Thread_local int slots_kept; /* given to slots_key, to be freed when the thread ends */
static pthread_key_t slots_key;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void free_slots(void *p)
{
    char **s = p;
    for (int i = 0; i < QUOTE_SLOTS; i++) {
        free(s[i]);
        s[i] = NULL;
    }
}

static void make_key(void)
{
    if (pthread_key_create(&slots_key, free_slots) != 0)
        slots_key = 0; /* then a thread's slots stay until the process ends */
}

/* A byte printed as it is inside quotes: printable ASCII. */
static int printable(unsigned char c)
{
    return c >= 0x20 && c < 0x7F;
}

enum { WHEN_SHELL, WHEN_ALWAYS, WHEN_UNPRINTABLE }; /* when quote() quotes */

static const char *quote(int slot, const char *s, size_t n, int when)
{
    const unsigned char *p = (const unsigned char *)s;
    int simple = (n > 0 || when == WHEN_UNPRINTABLE) && when != WHEN_ALWAYS;
    for (size_t i = 0, len; i < n && simple; i += len) {
        len = p[i] >= 0x80                ? utf8_printable(p + i, n - i)
              : when == WHEN_UNPRINTABLE ? (size_t)printable(p[i])
                                          : (size_t)plain(p[i]);
        simple = len > 0;
    }
    if (simple)
        return s;
    /* Worst case: every byte becomes '$'\ooo'' (9 bytes, less quotes shared with neighbours). */
    if (!slots_kept) {
        pthread_once(&slots_once, make_key);
        slots_kept = pthread_setspecific(slots_key, slots) == 0;
    }
    char *out = realloc(slots[slot], 9 * n + 3);
    if (!out)
        return "(name not shown: out of memory)";
    slots[slot] = out;
    size_t o = 0;
    int open = 0; /* inside '...' */
    for (size_t i = 0; i < n;) {
        size_t len = p[i] >= 0x80 ? utf8_printable(p + i, n - i) : (size_t)printable(p[i]);
        if (len) {
            if (!open)
                out[o++] = '\'';
            open = 1;
            if (p[i] == '\'') { /* close, an escaped quote, reopen */
                memcpy(out + o, "'\\''", 4);
                o += 4;
            } else {
                memcpy(out + o, p + i, len);
                o += len;
            }
            i += len;
            continue;
        }
        if (open)
            out[o++] = '\'';
        open = 0;
        out[o++] = '$';
        out[o++] = '\'';
        for (; i < n && !printable(p[i]) && !(p[i] >= 0x80 && utf8_printable(p + i, n - i)); i++) {
            char e[5];
            size_t k = escape(p[i], e);
            memcpy(out + o, e, k);
            o += k;
        }
        out[o++] = '\'';
    }
    if (open || n == 0) {
        if (n == 0)
            out[o++] = '\'';
        out[o++] = '\'';
    }
    out[o] = '\0';
    return out;
}

const char *quote_name(int slot, const char *name)
{
    return quote(slot, name, strlen(name), WHEN_SHELL);
}

const char *quote_value(int slot, const char *value)
{
    return quote(slot, value, strlen(value), WHEN_ALWAYS);
}

const char *quote_token(int slot, const char *s, size_t n)
{
    const char *q = quote(slot, s, n, WHEN_UNPRINTABLE);
    return q == s ? NULL : q;
}
