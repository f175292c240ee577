/* wordbreak_tool.c - the segmenter's test driver, for tests/wordbreak.py:
 *   wordbreak-tool bounds [--untailored]   each line of standard input is a text in hex; prints
 *                                          the byte offsets of its boundaries (UAX #29 alone
 *                                          with --untailored, for WordBreakTest.txt)
 *   wordbreak-tool words FILE              prints FILE's words (segments whose rule status
 *                                          says word), one per line
 *   wordbreak-tool fold                    standard input, case-folded, to standard output */
#include "base/wordbreak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_bound(void *ctx, size_t start, size_t len, int word)
{
    (void)word;
    printf(" %zu", start + len);
    (void)ctx;
}

static void print_word(void *ctx, size_t start, size_t len, int word)
{
    const uint8_t *p = ctx;
    if (word) {
        fwrite(p + start, 1, len, stdout);
        putchar('\n');
    }
}

static uint8_t *slurp(FILE *f, size_t *len)
{
    size_t cap = 1 << 20, n = 0, got;
    uint8_t *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *q = realloc(p, cap *= 2);
            if (!q)
                free(p);
            p = q;
        }
    }
    *len = n;
    return p;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "bounds") == 0) {
        int untailored = argc > 2 && strcmp(argv[2], "--untailored") == 0;
        char line[1 << 16];
        uint8_t text[1 << 15];
        while (fgets(line, sizeof line, stdin)) {
            size_t n = 0;
            for (char *h = line; h[0] && h[1] && h[0] != '\n'; h += 2) {
                char hex[3] = {h[0], h[1], '\0'};
                text[n++] = (uint8_t)strtoul(hex, NULL, 16);
            }
            printf("0");
            wb_segments(text, n, untailored ? WB_UNTAILORED_MODE : 0, print_bound, NULL);
            printf("\n");
        }
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "words") == 0) {
        FILE *f = fopen(argv[2], "rb");
        size_t len;
        uint8_t *p = f ? slurp(f, &len) : NULL;
        if (!p) {
            perror(argv[2]);
            return 1;
        }
        wb_segments(p, len, 0, print_word, p);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "fold") == 0) {
        size_t len;
        uint8_t *p = slurp(stdin, &len), *out = p ? malloc(2 * len + 4) : NULL;
        if (!out)
            return 1;
        fwrite(out, 1, fold_utf8(p, len, out), stdout);
        free(out);
        free(p);
        return 0;
    }
    fputs("usage: wordbreak-tool bounds [--untailored] | words FILE | fold\n", stderr);
    return 2;
}
