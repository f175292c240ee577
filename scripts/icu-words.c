/* icu-words.c - the speed anchor for --tokens=words: ICU's word BreakIterator (root locale) over a
 * UTF-8 file, counting the words (rule status >= 100) equal to each target word, on one core.
 * Reads the file whole, converts it to UTF-16 in pieces of about 1 MB cut at line feeds (a line
 * feed is a boundary for both) and times conversion and iteration together.
 *   usage: icu-words FILE WORD...      prints WORD COUNT lines and the seconds, GB/s on stderr */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: icu-words FILE WORD...\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0) {
        perror(argv[1]);
        return 1;
    }
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        perror(argv[1]);
        return 1;
    }
    int nw = argc - 2;
    UChar **word = calloc((size_t)nw, sizeof *word);
    int32_t *wlen = calloc((size_t)nw, sizeof *wlen);
    long *count = calloc((size_t)nw, sizeof *count);
    for (int k = 0; k < nw; k++) {
        UErrorCode e = U_ZERO_ERROR;
        word[k] = malloc(2 * strlen(argv[k + 2]) + 2);
        u_strFromUTF8(word[k], (int32_t)strlen(argv[k + 2]) + 1, &wlen[k], argv[k + 2], -1, &e);
    }
    size_t piece = 1 << 20;
    UChar *u = malloc(2 * (piece + 65536) * sizeof *u);
    UErrorCode e = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &e);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long off = 0; off < size && U_SUCCESS(e);) {
        long end = off + (long)piece < size ? off + (long)piece : size;
        while (end < size && end - off < (long)piece + 65536 && text[end - 1] != '\n')
            end++;
        int32_t ulen;
        u_strFromUTF8WithSub(u, (int32_t)(2 * (piece + 65536)), &ulen, text + off,
                             (int32_t)(end - off), 0xFFFD, NULL, &e);
        ubrk_setText(bi, u, ulen, &e);
        for (int32_t a = ubrk_first(bi), b; (b = ubrk_next(bi)) != UBRK_DONE; a = b)
            if (ubrk_getRuleStatus(bi) >= UBRK_WORD_NUMBER)
                for (int k = 0; k < nw; k++)
                    if (b - a == wlen[k] && memcmp(u + a, word[k], (size_t)wlen[k] * 2) == 0)
                        count[k]++;
        off = end;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (U_FAILURE(e)) {
        fprintf(stderr, "icu-words: %s\n", u_errorName(e));
        return 1;
    }
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    for (int k = 0; k < nw; k++)
        printf("%s %ld\n", argv[k + 2], count[k]);
    fprintf(stderr, "icu-words: %ld bytes, %.3f s, %.3f GB/s\n", size, s, (double)size / s / 1e9);
    ubrk_close(bi);
    return 0;
}
