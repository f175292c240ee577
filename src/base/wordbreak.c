/* wordbreak.c - whole-text segmentation (tests, the word list's check) and case folding. */
#include "wordbreak.h"

void wb_segments(const uint8_t *p, size_t len, int mode,
                 void (*seg)(void *ctx, size_t start, size_t len, int word), void *ctx)
{
    const uint8_t *end = p + len;
    wb_state s;
    wb_start(&s);
    size_t start = 0;
    for (size_t i = 0, n; i < len; i += n) {
        uint8_t c = wb_unit(p + i, end, &n, mode);
        uint8_t next = wb_needs_next(&s, c) ? wb_peek(p + i + n, end, mode) : WB_NONE;
        int brk = wb_break(&s, c, next);
        if (brk && i > 0) {
            seg(ctx, start, i - start, wb_word(&s));
            start = i;
        }
        wb_advance(&s, c, brk);
    }
    if (len)
        seg(ctx, start, len - start, wb_word(&s));
}

typedef struct {
    size_t segments;
    int word;
} one_word;

static void count_segment(void *ctx, size_t start, size_t len, int word)
{
    one_word *o = ctx;
    (void)start, (void)len;
    o->segments++;
    o->word = word;
}

int wb_is_one_word(const uint8_t *p, size_t len, int mode)
{
    one_word o = {0, 0};
    wb_segments(p, len, mode, count_segment, &o);
    return o.segments == 1 && o.word;
}

static size_t put_utf8(uint32_t c, uint8_t *out)
{
    if (c < 0x80) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (uint8_t)(0xC0 | c >> 6);
        out[1] = (uint8_t)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (uint8_t)(0xE0 | c >> 12);
        out[1] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | c >> 18);
    out[1] = (uint8_t)(0x80 | (c >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
    out[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}

size_t fold_unit(const uint8_t *p, const uint8_t *end, size_t *n, uint8_t out[4])
{
    uint32_t c = wb_decode(p, end, n);
    if (c == WB_INVALID) {
        out[0] = p[0];
        return 1;
    }
    return put_utf8(fold_cp(c), out);
}

size_t fold_utf8(const uint8_t *p, size_t len, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0, n; i < len; i += n)
        o += fold_unit(p + i, p + len, &n, out + o);
    return o;
}
