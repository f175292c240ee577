/* check_words.c - the target word list: what it accepts, and its look-up. */
#include "check_suites.h"

#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(words_rejects_empty_duplicate_and_whitespace)
{
    wordlist w = {0};
    const char *why = NULL;
    ck_assert_int_eq(words_add(&w, "dog", &why), 0);
    ck_assert_int_eq(words_add(&w, "", &why), -1);
    ck_assert_str_eq(why, "empty word");
    ck_assert_int_eq(words_add(&w, "dog", &why), -1);
    ck_assert_str_eq(why, "word given twice");
    const char *bad[] = {"a b", "a\tb", "a\nb", "\x1c", "x\x1f", "a\x85", "\xa0z", "\r"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(words_add(&w, bad[i], &why), -1);
        ck_assert_str_eq(why, "word contains a whitespace byte");
    }
    ck_assert_uint_eq(w.n, 1);
    words_free(&w);
}
END_TEST

START_TEST(words_whitespace_table_is_exactly_the_twelve_bytes)
{
    int n = 0;
    for (int c = 0; c < 256; c++)
        n += is_ws((uint8_t)c);
    ck_assert_int_eq(n, 12);
    const uint8_t ws[] = {0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0};
    for (size_t i = 0; i < sizeof ws; i++)
        ck_assert(is_ws(ws[i]));
    ck_assert(!is_ws(0x00));
    ck_assert(!is_ws(0x08));
    ck_assert(!is_ws(0x0e));
    ck_assert(!is_ws(0x1b));
    ck_assert(!is_ws(0x21));
    ck_assert(!is_ws(0x84));
    ck_assert(!is_ws(0x86));
    ck_assert(!is_ws(0x9f));
    ck_assert(!is_ws(0xa1));
    ck_assert(!is_ws(0xff));
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
    tcase_add_test(tc, words_rejects_empty_duplicate_and_whitespace);
    tcase_add_test(tc, words_whitespace_table_is_exactly_the_twelve_bytes);
    tcase_add_test(tc, words_find_is_exact_and_case_sensitive);
    tcase_add_test(tc, words_many_long_words_all_found);
    tcase_add_test(tc, words_file_reads_lines_and_rejects_empty_file);
    suite_add_tcase(s, tc);
    return s;
}
