/* check_words.c - the target word list: what it accepts, and its look-up. */
#include "check_suites.h"

#include "base/wordbreak.h"
#include "base/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(words_rejects_empty_duplicate_and_whitespace)
{
    wordlist w = {.encoding = ENC_LATIN1};
    const char *why = NULL;
    ck_assert_int_eq(words_add(&w, "dog", &why), 0);
    ck_assert_int_eq(words_add(&w, "", &why), -1);
    ck_assert_str_eq(why, "empty word");
    ck_assert_int_eq(words_add(&w, "dog", &why), -1);
    ck_assert_str_eq(why, "word given twice");
    ck_assert_int_eq(words_add(&w, "Dog", &why), 0); /* case counts without -i */
    /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): literals split after a hex escape */
    const char *bad[] = {"a b", "a\tb", "a\nb", "\x1c", "x\x1f", "a\x85", "\xa0z", "\r"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(words_add(&w, bad[i], &why), -1);
        ck_assert_str_eq(why, "word contains a whitespace byte (latin1)");
    }
    ck_assert_uint_eq(w.n, 2);
    words_free(&w);
}
END_TEST

/* utf-8 (the default): a word holding a whitespace sequence is refused, a lone 85 or A0 and a
 * truncated sequence are token bytes; with -i, Dog and dog are the same word. */
START_TEST(words_are_checked_in_their_mode)
{
    wordlist w = {0};
    const char *why = NULL;
    /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): literals split after a hex escape */
    const char *bad[] = {"a b", "\xe3\x80\x80", "x\xc2\xa0", "\xc2\x85y", "a\xe2\x80\x8a" "b",
                         "\xe2\x81\x9f", "\xe1\x9a\x80", "\xe2\x80\xaf"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(words_add(&w, bad[i], &why), -1);
        ck_assert_str_eq(why, "word contains whitespace (utf-8)");
    }
    /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): literals split after a hex escape */
    const char *good[] = {"a\x85", "\xa0z", "\xe3\x80", "\xc2", "\xe2\x80\x8b", "\xd0\xa0" "dog"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        ck_assert_int_eq(words_add(&w, good[i], &why), 0);
    words_free(&w);

    /* -i in utf-8: keys folded by Unicode (É to é, KELVIN SIGN to k); words_find folds the text's
     * ASCII letters only, words_find_folded folds it by Unicode. */
    wordlist f = {.fold = 1};
    ck_assert_int_eq(words_add(&f, "Dog", &why), 0);
    ck_assert_int_eq(words_add(&f, "dog", &why), -1);
    ck_assert_str_eq(why, "word given twice (ignoring case)");
    ck_assert_int_eq(words_add(&f, "\xc3\x89T\xc3\x89", &why), 0);
    ck_assert_int_eq(words_add(&f, "\xc3\xa9t\xc3\xa9", &why), -1);
    ck_assert_str_eq(why, "word given twice (ignoring case)");
    ck_assert_int_eq(words_add(&f, "\xe2\x84\xaa", &why), 0);
    ck_assert_int_eq(words_add(&f, "k", &why), -1);
    words_finish(&f);
    ck_assert_str_eq(f.word[0], "Dog"); /* reported as given */
    ck_assert_str_eq(f.word[1], "\xc3\x89T\xc3\x89");
    ck_assert_str_eq(f.key[1], "\xc3\xa9t\xc3\xa9");
    ck_assert_str_eq(f.key[2], "k");
    ck_assert_uint_eq(f.len[2], 3);
    ck_assert_uint_eq(f.keylen[2], 1);
    ck_assert_int_eq(words_find(&f, (const uint8_t *)"dOG", 3), 0);
    ck_assert_int_eq(words_find(&f, (const uint8_t *)"\xc3\xa9T\xc3\xa9", 5), 1);
    ck_assert_int_eq(words_find(&f, (const uint8_t *)"\xc3\x89T\xc3\xa9", 5), -1);
    ck_assert_int_eq(words_find_folded(&f, (const uint8_t *)"\xc3\x89T\xc3\xa9", 5), 1);
    ck_assert_int_eq(words_find_folded(&f, (const uint8_t *)"K", 1), 2);
    ck_assert_int_eq(words_find(&f, (const uint8_t *)"dogs", 4), -1);
    words_free(&f);

    /* latin1 -i: ASCII letters only (\xc9 and \xe9 are two words). */
    wordlist l = {.fold = 1, .encoding = ENC_LATIN1};
    ck_assert_int_eq(words_add(&l, "\xc9t\xc9", &why), 0);
    ck_assert_int_eq(words_add(&l, "\xe9t\xe9", &why), 0);
    ck_assert_int_eq(words_add(&l, "\xc3\x89T\xc3\x89", &why), 0);
    ck_assert_int_eq(words_add(&l, "\xc3\xa9t\xc3\xa9", &why), 0);
    ck_assert_int_eq(words_add(&l, "\xe9T\xe9", &why), -1);
    words_finish(&l);
    ck_assert_uint_eq(l.rawmax, l.maxlen);
    words_free(&l);
}
END_TEST

static size_t encode_utf8(uint32_t c, uint8_t *out)
{
    size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    static const uint8_t lead[5] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (size_t i = n - 1; i > 0; i--, c >>= 6)
        out[i] = (uint8_t)(0x80 | (c & 0x3F));
    out[0] = (uint8_t)(n == 1 ? c : lead[n] | c);
    return n;
}

/* rawmax, the longest text a key stands for, covers every code point that folds to a shorter
 * one (the only ones that can make a text longer than its key): checked against the folding
 * tables for all of Unicode. And it is the key's length when nothing folds longer. */
START_TEST(words_rawmax_covers_every_fold)
{
    const char *why = NULL;
    size_t shorter = 0;
    for (uint32_t c = 0; c < 0x110000; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        uint8_t raw[4], key[5] = {0};
        size_t rn = encode_utf8(c, raw), kn = encode_utf8(fold_cp(c), key);
        if (rn <= kn)
            continue;
        shorter++;
        wordlist w = {.fold = 1};
        ck_assert_int_eq(words_add(&w, (const char *)key, &why), 0);
        words_finish(&w);
        ck_assert_msg(w.rawmax >= rn, "U+%04X: %zu bytes, folds to %zu; rawmax %zu", c, rn, kn,
                      w.rawmax);
        words_free(&w);
    }
    ck_assert_uint_ge(shorter, 3); /* U+212A, U+017F, U+1E9E at least */
    struct { const char *word; int fold, enc; size_t rawmax; } cases[] = {
        {"dog", 1, ENC_UTF8, 3}, {"kk", 1, ENC_UTF8, 6}, {"ss", 1, ENC_UTF8, 4},
        {"kk", 0, ENC_UTF8, 2}, {"kk", 1, ENC_LATIN1, 2}, {"\xd1\x8f", 1, ENC_UTF8, 3},
        {"\xe2\xb1\xa5", 1, ENC_UTF8, 3}, {"\xf0\x90\x90\xa8", 1, ENC_UTF8, 4},
        {"\xff\xfe", 1, ENC_UTF8, 2}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        wordlist w = {.fold = cases[i].fold, .encoding = cases[i].enc};
        ck_assert_int_eq(words_add(&w, cases[i].word, &why), 0);
        words_finish(&w);
        ck_assert_uint_eq(w.rawmax, cases[i].rawmax);
        words_free(&w);
    }
}
END_TEST

/* The whitespace of each encoding, byte by byte and sequence by sequence (SPEC §1). */
START_TEST(words_whitespace_of_each_encoding)
{
    int n = 0;
    for (int c = 0; c < 256; c++)
        n += ws_class[ENC_LATIN1][c] == 1;
    ck_assert_int_eq(n, 12);
    const uint8_t ws[] = {0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0};
    for (size_t i = 0; i < sizeof ws; i++) {
        uint8_t b[4] = {ws[i], 0, 0, 0};
        ck_assert_uint_eq(ws_len(ENC_LATIN1, b), 1);
        ck_assert_uint_eq(ws_len(ENC_UTF8, b), i < 10 ? 1 : 0);
    }
    const uint8_t not_ws[] = {0x00, 0x08, 0x0e, 0x1b, 0x21, 0x84, 0x86, 0x9f, 0xa1, 0xff};
    for (size_t i = 0; i < sizeof not_ws; i++) {
        uint8_t b[4] = {not_ws[i], 0, 0, 0};
        ck_assert_uint_eq(ws_len(ENC_LATIN1, b) + ws_len(ENC_UTF8, b), 0);
    }
    /* Every 2- and 3-byte string: exactly the 19 multi-byte sequences of Python's isspace(). */
    int two = 0, three = 0;
    for (int a = 0xc0; a < 0x100; a++)
        for (int b = 0x80; b < 0xc0; b++) {
            uint8_t s2[4] = {(uint8_t)a, (uint8_t)b, 0, 0};
            two += ws_len(ENC_UTF8, s2) == 2;
            for (int c = 0x80; c < 0xc0; c++) {
                uint8_t s3[4] = {(uint8_t)a, (uint8_t)b, (uint8_t)c, 0};
                three += ws_len(ENC_UTF8, s3) == 3;
            }
        }
    ck_assert_int_eq(two, 2);
    ck_assert_int_eq(three, 17);
    const uint8_t ctx[] = {'a', 'b', 'c', 'x', 0xe3, 0x80, 0x80, 'y', 'z'}; /* x U+3000 y */
    ck_assert_uint_eq(ws_carried_in(ENC_UTF8, ctx + 6), 1);
    ck_assert_uint_eq(ws_carried_in(ENC_UTF8, ctx + 5), 2);
    ck_assert_uint_eq(ws_carried_in(ENC_UTF8, ctx + 7), 0);
    ck_assert_uint_eq(ws_carried_in(ENC_LATIN1, ctx + 5), 0);
    ck_assert(prev_is_ws(ENC_UTF8, ctx + 7));
    ck_assert(prev_is_ws(ENC_UTF8, ctx + 6));
    ck_assert(!prev_is_ws(ENC_UTF8, ctx + 4));
    ck_assert(!prev_is_ws(ENC_LATIN1, ctx + 7));
}
END_TEST

START_TEST(words_find_is_exact_and_case_sensitive)
{
    wordlist w = {0};
    const char *why;
    ck_assert_int_eq(words_add(&w, "dog", &why), 0);
    ck_assert_int_eq(words_add(&w, "girl", &why), 0);
    ck_assert_int_eq(words_add(&w, "\xe9t\xe9", &why), 0); /* Latin-1 bytes are ordinary bytes */
    words_finish(&w);
    ck_assert_uint_eq(w.minlen, 3);
    ck_assert_uint_eq(w.maxlen, 4);
    ck_assert_int_eq(words_find(&w, (const uint8_t *)"dog", 3), 0);
    ck_assert_int_eq(words_find(&w, (const uint8_t *)"girl", 4), 1);
    ck_assert_int_eq(words_find(&w, (const uint8_t *)"\xe9t\xe9", 3), 2);
    ck_assert_int_eq(words_find(&w, (const uint8_t *)"Dog", 3), -1);
    ck_assert_int_eq(words_find(&w, (const uint8_t *)"dogs", 4), -1);
    ck_assert_int_eq(words_find(&w, (const uint8_t *)"do", 2), -1);
    words_free(&w);
}
END_TEST

START_TEST(words_many_long_words_all_found)
{
    wordlist w = {0};
    const char *why;
    char buf[300];
    for (int i = 0; i < 300; i++) {
        int len = 1 + (i * 7) % 255;
        memset(buf, 'a' + i % 26, (size_t)len);
        snprintf(buf + len, sizeof buf - (size_t)len, "%d", i);
        ck_assert_int_eq(words_add(&w, buf, &why), 0);
    }
    words_finish(&w);
    for (size_t i = 0; i < w.n; i++)
        ck_assert_int_eq(words_find(&w, (const uint8_t *)w.word[i], w.len[i]), (long)i);
    words_free(&w);
}
END_TEST

/* A list holds WORDS_MAX_COUNT words and refuses one more; the short-key index places every short
 * one in the slot its hash names. */
START_TEST(words_list_holds_the_limit_and_indexes_it)
{
    wordlist w = {0};
    const char *why;
    char buf[32];
    for (int i = 0; i < WORDS_MAX_COUNT; i++) {
        snprintf(buf, sizeof buf, i % 5 ? "w%d" : "word-number-%d", i); /* some past WORDS_SHORT */
        ck_assert_int_eq(words_add(&w, buf, &why), 0);
    }
    ck_assert_int_eq(words_add(&w, "one-more", &why), -1);
    ck_assert_str_eq(why, "more than 16384 words");
    words_finish(&w);
    const words_index *x = &w.index;
    ck_assert_uint_eq(x->short_max, WORDS_SHORT);
    for (size_t i = 0; i < w.n; i++) {
        if (w.keylen[i] > WORDS_SHORT) {
            ck_assert_int_eq(words_find(&w, (const uint8_t *)w.key[i], w.keylen[i]), (long)i);
            continue;
        }
        uint8_t key[16] = {0};
        memcpy(key, w.key[i], w.keylen[i]);
        uint64_t lo = words_load8(key), hi = words_index_key(x, &lo, words_load8(key + 8),
                                                             w.keylen[i]);
        size_t s = words_index_at(x, words_index_hash(x, lo, hi));
        ck_assert_uint_eq(x->word[s], i);
        ck_assert(x->key[2 * s] == lo && x->key[2 * s + 1] == hi);
    }
    words_free(&w);
}
END_TEST

/* The class test before words_find may only skip tokens that are no word: every word passes it,
 * with -i in either case; a list of one word lets most other tokens through to no look-up. */
START_TEST(words_may_match_admits_every_word)
{
    const char *why;
    char buf[16];
    for (int fold = 0; fold < 2; fold++) {
        wordlist w = {0};
        w.fold = fold;
        for (int i = 0; i < 4000; i++) {
            snprintf(buf, sizeof buf, "%c%dw%c", 'A' + i % 26, i, 'a' + i % 7);
            ck_assert_int_eq(words_add(&w, buf, &why), 0);
        }
        words_finish(&w);
        for (size_t i = 0; i < w.n; i++) {
            const uint8_t *p = (const uint8_t *)w.word[i];
            ck_assert(words_may_match(&w, p, w.len[i], fold));
            if (fold) {
                memcpy(buf, w.word[i], w.len[i]);
                buf[0] ^= 0x20, buf[w.len[i] - 1] ^= 0x20;
                ck_assert(words_may_match(&w, (const uint8_t *)buf, w.len[i], fold));
            }
        }
        words_free(&w);
    }
    wordlist one = {0};
    ck_assert_int_eq(words_add(&one, "dog", &why), 0);
    words_finish(&one);
    int passed = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(buf, sizeof buf, "t%d", i);
        passed += words_may_match(&one, (const uint8_t *)buf, strlen(buf), 0);
    }
    ck_assert_int_lt(passed, 10);
    words_free(&one);
}
END_TEST

START_TEST(words_file_reads_lines_and_rejects_empty_file)
{
    char path[] = "/tmp/wordtally-words-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("dog\r\n\nfox\n", f);
    fclose(f);
    wordlist w = {0};
    const char *why = NULL;
    ck_assert_int_eq(words_add_file(&w, path, &why), 0);
    ck_assert_uint_eq(w.n, 2);
    ck_assert_str_eq(w.word[0], "dog");
    ck_assert_str_eq(w.word[1], "fox");
    f = fopen(path, "w");
    fclose(f);
    ck_assert_int_eq(words_add_file(&w, path, &why), -1);
    ck_assert_str_eq(why, "no words in file");
    unlink(path);
    ck_assert_int_eq(words_add_file(&w, path, &why), -1);
    ck_assert_ptr_null(why);
    words_free(&w);
}
END_TEST

Suite *words_suite(void)
{
    Suite *s = suite_create("words");
    TCase *tc = tcase_create("list");
    /* Lists of up to 16,384 words indexed: 0.2 s here, seconds under AddressSanitizer on a loaded
     * machine (Check's default is 4 s) */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, words_rejects_empty_duplicate_and_whitespace);
    tcase_add_test(tc, words_are_checked_in_their_mode);
    tcase_add_test(tc, words_rawmax_covers_every_fold);
    tcase_add_test(tc, words_whitespace_of_each_encoding);
    tcase_add_test(tc, words_find_is_exact_and_case_sensitive);
    tcase_add_test(tc, words_list_holds_the_limit_and_indexes_it);
    tcase_add_test(tc, words_many_long_words_all_found);
    tcase_add_test(tc, words_may_match_admits_every_word);
    tcase_add_test(tc, words_file_reads_lines_and_rejects_empty_file);
    suite_add_tcase(s, tc);
    return s;
}
