/* wordbreak.h - Unicode word segmentation (--tokens=words, SPEC §8) and simple case folding.
 *
 * The rules are UAX #29's word boundaries (Unicode 15.0) as ICU 72's root word-break rules
 * apply them: '@' is a letter (ALetter) and the colons ':' U+FE55 U+FF1A do not join letters
 * (not MidLetter). A segment is a word when ICU's rule status says so (wb_state.word): it ends
 * on a letter, digit, kana or ideograph. The tables come from the Unicode data files
 * (scripts/gen-wordbreak.py writes wordbreak_tables.c).
 *
 * Text is UTF-8; a byte that does not belong to a valid sequence is a unit of its own, a
 * separator of class Other like U+FFFD (SPEC §8: invalid bytes separate words). */
#ifndef WORDTALLY_WORDBREAK_H
#define WORDTALLY_WORDBREAK_H

#include <stddef.h>
#include <stdint.h>

/* Word_Break classes (the low 5 bits of a unit's properties), in the generator's order. */
enum wb_class {
    WB_OTHER, WB_CR, WB_LF, WB_NEWLINE, WB_EXTEND, WB_ZWJ, WB_RI, WB_FORMAT, WB_KATAKANA,
    WB_HEBREW, WB_ALETTER, WB_SQ, WB_DQ, WB_MIDNUMLET, WB_MIDLETTER, WB_MIDNUM, WB_NUMERIC,
    WB_EXTENDNUMLET, WB_WSEGSPACE,
    WB_NONE = 31 /* no unit: before the start of the text, or the unit is not known */
};
#define WB_CLASS(prop) ((prop) & 31)
#define WB_EXT_PICT 0x20 /* Extended_Pictographic (WB3c) */
#define WB_STATUS 0x40   /* a segment ending on it is a word, even with Extend/Format/ZWJ after */
#define WB_HANGUL 0x80   /* a Hangul syllable: a word when nothing follows it in the segment */

extern const uint8_t wb_stage1[0x110000 / 128];
extern const uint8_t wb_stage2[];
extern const uint16_t fold_stage1[0x110000 / 128];
extern const int32_t fold_stage2[];
#define WB_UNTAILORED 4
extern const uint32_t wb_untailored_cp[WB_UNTAILORED];
extern const uint8_t wb_untailored_class[WB_UNTAILORED];

/* The properties of code point c (ICU's tailoring); `untailored`: UAX #29's own classes, for
 * the conformance test against WordBreakTest.txt. */
static inline uint8_t wb_prop(uint32_t c, int untailored)
{
    uint8_t prop = wb_stage2[(size_t)wb_stage1[c >> 7] * 128 + (c & 127)];
    if (untailored)
        for (int i = 0; i < WB_UNTAILORED; i++)
            if (c == wb_untailored_cp[i])
                prop = (uint8_t)((prop & ~31) | wb_untailored_class[i]);
    return prop;
}

/* Simple case folding (CaseFolding.txt, status C and S). */
static inline uint32_t fold_cp(uint32_t c)
{
    return (uint32_t)((int32_t)c + fold_stage2[(size_t)fold_stage1[c >> 7] * 128 + (c & 127)]);
}

#define WB_INVALID 0xFFFFFFFFu
/* Decodes the unit at p[0..end-p) (end > p): returns its code point and sets *n to its length,
 * or WB_INVALID with *n = 1 for a byte that starts no valid sequence (Unicode's "maximal
 * subpart" practice gives the same words: every such subpart is a separator). */
static inline uint32_t wb_decode(const uint8_t *p, const uint8_t *end, size_t *n)
{
    uint32_t b = p[0];
    *n = 1;
    if (b < 0x80)
        return b;
    size_t len;
    uint32_t c, lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2, c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3, c = b & 0x0F;
        lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4, c = b & 0x07;
        lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        return WB_INVALID;
    }
    if ((size_t)(end - p) < len || p[1] < lo || p[1] > hi)
        return WB_INVALID;
    for (size_t i = 1; i < len; i++) {
        if (p[i] < 0x80 || p[i] > 0xBF)
            return WB_INVALID;
        c = c << 6 | (p[i] & 0x3F);
    }
    *n = len;
    return c;
}

/* How wb_unit reads the text: */
#define WB_UNTAILORED_MODE 1 /* UAX #29's own classes, no ICU tailoring (WordBreakTest.txt) */
#define WB_LATIN1_MODE 2     /* every byte is a unit, the code point of the same number */

/* The properties of the unit at p (end > p); its length in *n. */
static inline uint8_t wb_unit(const uint8_t *p, const uint8_t *end, size_t *n, int mode)
{
    if (mode & WB_LATIN1_MODE) {
        *n = 1;
        return wb_prop(p[0], mode & WB_UNTAILORED_MODE);
    }
    uint32_t c = wb_decode(p, end, n);
    return c == WB_INVALID ? WB_OTHER : wb_prop(c, mode & WB_UNTAILORED_MODE);
}

static inline int wb_ignored(uint8_t prop) /* WB4: Extend, Format, ZWJ */
{
    uint8_t k = WB_CLASS(prop);
    return k == WB_EXTEND || k == WB_FORMAT || k == WB_ZWJ;
}

/* The segmenter's state at a position between two units. */
typedef struct {
    uint8_t raw;     /* the unit just before (WB3, WB3c, WB3d) */
    uint8_t x1, x2;  /* the last two units before that WB4 does not skip */
    uint8_t ri_odd;  /* x1 ends an odd run of Regional_Indicators (WB15, WB16) */
    /* The segment that ends here, for its rule status: */
    uint8_t last;    /* its last unit that WB4 does not skip (WB_NONE: none) */
    uint8_t before;  /* the one before that in the segment (WB_NONE: none) */
    uint8_t trail;   /* Extend/Format/ZWJ after `last` */
} wb_state;

/* The state at the start of a text (and after a hard break, as far as later units care). */
static inline void wb_start(wb_state *s)
{
    s->raw = s->x1 = s->x2 = s->last = s->before = WB_NONE;
    s->ri_odd = s->trail = 0;
}

/* Is the segment that the state ends a word (ICU rule status >= 100)? Only the one-unit rules
 * of letters, digits, kana and ideographs take trailing Extend/Format/ZWJ with their status;
 * a Hangul syllable, an ExtendNumLet joined to what precedes it (WB13a) and a Hebrew letter's
 * single quote (WB7a) are words only when they end the segment. */
static inline int wb_word(const wb_state *s)
{
    if (s->last == WB_NONE)
        return 0;
    if (s->last & WB_STATUS)
        return 1;
    if (s->trail)
        return 0;
    uint8_t k = WB_CLASS(s->last);
    return (s->last & WB_HANGUL) || (k == WB_EXTENDNUMLET && s->before != WB_NONE) ||
           (k == WB_SQ && s->before != WB_NONE && WB_CLASS(s->before) == WB_HEBREW);
}

static inline int wb_ah(uint8_t k) /* AHLetter */
{
    return k == WB_ALETTER || k == WB_HEBREW;
}
static inline int wb_midletq(uint8_t k) /* MidLetter | MidNumLetQ */
{
    return k == WB_MIDLETTER || k == WB_MIDNUMLET || k == WB_SQ;
}
static inline int wb_midnumq(uint8_t k) /* MidNum | MidNumLetQ */
{
    return k == WB_MIDNUM || k == WB_MIDNUMLET || k == WB_SQ;
}

/* Does the unit c look ahead (WB6, WB7b, WB12)? Then wb_break needs `next`, the first unit
 * after c that WB4 does not skip (WB_NONE at the end of the text). */
static inline int wb_needs_next(const wb_state *s, uint8_t c)
{
    uint8_t x1 = WB_CLASS(s->x1), k = WB_CLASS(c);
    return (wb_ah(x1) && wb_midletq(k)) || (x1 == WB_HEBREW && k == WB_DQ) ||
           (x1 == WB_NUMERIC && wb_midnumq(k));
}

/* Is there a word boundary before the unit c? UAX #29 rules WB3 to WB999 (WB1: the caller
 * starts a segment at the start of the text). */
static inline int wb_break(const wb_state *s, uint8_t c, uint8_t next)
{
    uint8_t r = WB_CLASS(s->raw), k = WB_CLASS(c);
    if (r == WB_NONE)
        return 1;
    if (r == WB_CR && k == WB_LF)
        return 0; /* WB3 */
    if (r == WB_CR || r == WB_LF || r == WB_NEWLINE || k == WB_CR || k == WB_LF ||
        k == WB_NEWLINE)
        return 1; /* WB3a, WB3b */
    if (r == WB_ZWJ && (c & WB_EXT_PICT))
        return 0; /* WB3c */
    if (r == WB_WSEGSPACE && k == WB_WSEGSPACE)
        return 0; /* WB3d */
    if (k == WB_EXTEND || k == WB_FORMAT || k == WB_ZWJ)
        return 0; /* WB4 */
    uint8_t x1 = WB_CLASS(s->x1), x2 = WB_CLASS(s->x2), n = WB_CLASS(next);
    if (wb_ah(x1) && (wb_ah(k) || k == WB_NUMERIC))
        return 0; /* WB5, WB9 */
    if (wb_ah(x1) && wb_midletq(k) && wb_ah(n))
        return 0; /* WB6 */
    if (wb_ah(x2) && wb_midletq(x1) && wb_ah(k))
        return 0; /* WB7 */
    if (x1 == WB_HEBREW && (k == WB_SQ || (k == WB_DQ && n == WB_HEBREW)))
        return 0; /* WB7a, WB7b */
    if (x2 == WB_HEBREW && x1 == WB_DQ && k == WB_HEBREW)
        return 0; /* WB7c */
    if (x1 == WB_NUMERIC && (k == WB_NUMERIC || wb_ah(k)))
        return 0; /* WB8, WB10 */
    if (x2 == WB_NUMERIC && wb_midnumq(x1) && k == WB_NUMERIC)
        return 0; /* WB11 */
    if (x1 == WB_NUMERIC && wb_midnumq(k) && n == WB_NUMERIC)
        return 0; /* WB12 */
    if (x1 == WB_KATAKANA && k == WB_KATAKANA)
        return 0; /* WB13 */
    if ((wb_ah(x1) || x1 == WB_NUMERIC || x1 == WB_KATAKANA || x1 == WB_EXTENDNUMLET) &&
        k == WB_EXTENDNUMLET)
        return 0; /* WB13a */
    if (x1 == WB_EXTENDNUMLET && (wb_ah(k) || k == WB_NUMERIC || k == WB_KATAKANA))
        return 0; /* WB13b */
    if (x1 == WB_RI && k == WB_RI && s->ri_odd)
        return 0; /* WB15, WB16 */
    return 1;     /* WB999 */
}

/* Moves the state past the unit c; brk: wb_break's answer for it (a new segment begins). */
static inline void wb_advance(wb_state *s, uint8_t c, int brk)
{
    if (brk)
        s->last = s->before = WB_NONE, s->trail = 0;
    if (!brk && wb_ignored(c)) {
        s->trail = s->last != WB_NONE;
    } else {
        /* WB4 skips nothing at the start of a segment after a hard break or the text's start:
         * such an Extend is a unit of its own (and ends no word). */
        s->ri_odd = WB_CLASS(c) == WB_RI && !(WB_CLASS(s->x1) == WB_RI && s->ri_odd);
        s->x2 = s->x1;
        s->x1 = c;
        if (!wb_ignored(c)) {
            s->before = s->last;
            s->last = c;
            s->trail = 0;
        }
    }
    s->raw = c;
}

/* The first unit at or after p that WB4 does not skip, or WB_NONE if there is none before end. */
static inline uint8_t wb_peek(const uint8_t *p, const uint8_t *end, int mode)
{
    while (p < end) {
        size_t n;
        uint8_t c = wb_unit(p, end, &n, mode);
        if (!wb_ignored(c))
            return c;
        p += n;
    }
    return WB_NONE;
}

/* Calls seg(ctx, start, len, word) for each segment of p[0..len), a text of its own, read as
 * `mode` says. For tests and the word list's check; the kernel (kernel_words.c) runs the same
 * steps over blocks. */
void wb_segments(const uint8_t *p, size_t len, int mode,
                 void (*seg)(void *ctx, size_t start, size_t len, int word), void *ctx);

/* 1 when p[0..len) is exactly one segment and that segment is a word. */
int wb_is_one_word(const uint8_t *p, size_t len, int mode);

/* The unit at p (end > p) folded by simple case folding, as UTF-8 in out (an invalid byte is
 * copied); returns its folded length and sets *n to its length in the text. */
size_t fold_unit(const uint8_t *p, const uint8_t *end, size_t *n, uint8_t out[4]);

/* Writes the simple case folding of p[0..len) (UTF-8; invalid bytes are copied) to out, which
 * must hold len + len / 2 + 1 bytes (folding lengthens a unit by half at most: U+023A, 2 bytes,
 * folds to U+2C65, 3 bytes); returns the folded length. */
size_t fold_utf8(const uint8_t *p, size_t len, uint8_t *out);

#endif
