/* check_cli.c - number and size parsing, and the option errors that must stop a run. */
#include "check_suites.h"

#include "app/cli.h"
#include "engine/count.h"

#include <stdio.h>
#include <string.h>

START_TEST(parse_size_suffixes_are_powers_of_1024)
{
    uint64_t v;
    ck_assert_int_eq(parse_size("1", &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(parse_size("256K", &v), 0);
    ck_assert_uint_eq(v, 262144);
    ck_assert_int_eq(parse_size("256k", &v), 0);
    ck_assert_uint_eq(v, 262144);
    ck_assert_int_eq(parse_size("3M", &v), 0);
    ck_assert_uint_eq(v, 3ULL << 20);
    ck_assert_int_eq(parse_size("5G", &v), 0);
    ck_assert_uint_eq(v, 5ULL << 30);
    ck_assert_int_eq(parse_size("4096T", &v), 0);
    ck_assert_uint_eq(v, 1ULL << 52);
}
END_TEST

START_TEST(parse_size_rejects_bad_values)
{
    uint64_t v = 7;
    const char *bad[] = {"", "0", "0K", "-1", "+1", " 1", "1Q", "1KB", "K", "1.5M", "1 K",
                         "99999999999999999999", "4194305T", "18446744073709551615"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(parse_size(bad[i], &v) == -1, "accepted '%s'", bad[i]);
    ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(parse_count_range)
{
    uint64_t v;
    ck_assert_int_eq(parse_count("1", 4096, &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(parse_count("4096", 4096, &v), 0);
    const char *bad[] = {"0", "-1", "abc", "", "4097", "2x", "99999999999999999999", " 3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(parse_count(bad[i], 4096, &v) == -1, "accepted '%s'", bad[i]);
}
END_TEST

static int parse(options *o, const char *const *args)
{
    static char *argv[16]; /* o->files points into it after parse returns */
    int argc = 0;
    argv[argc++] = "wordtally";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    return cli_parse(argc, argv, o);
}

START_TEST(cli_defaults)
{
    options o;
    const char *args[] = {"a.txt", NULL};
    ck_assert_int_eq(parse(&o, args), -1);
    ck_assert_uint_eq(o.words.n, 4);
    ck_assert_str_eq(o.words.word[0], "dog");
    ck_assert_str_eq(o.words.word[3], "girl");
    ck_assert_uint_eq(o.chunk_size, 262144);
    ck_assert_int_eq(o.threads, 0);
    ck_assert_int_eq(o.mode, COUNT_PARALLEL);
    ck_assert_int_eq(o.format, FORMAT_TEXT);
    ck_assert_int_eq(o.nfiles, 1);
    ck_assert_str_eq(o.files[0], "a.txt");
    cli_free(&o);
}
END_TEST

START_TEST(cli_options_are_read)
{
    options o;
    const char *args[] = {"-w", "fox", "--word=hen", "-t", "3", "-c", "1M", "--verify",
                          "-f", "json", "x", "-", NULL};
    ck_assert_int_eq(parse(&o, args), -1);
    ck_assert_uint_eq(o.words.n, 2);
    ck_assert_str_eq(o.words.word[1], "hen");
    ck_assert_int_eq(o.threads, 3);
    ck_assert_uint_eq(o.chunk_size, 1 << 20);
    ck_assert_int_eq(o.mode, COUNT_VERIFY);
    ck_assert_int_eq(o.format, FORMAT_JSON);
    ck_assert_int_eq(o.nfiles, 2);
    cli_free(&o);
}
END_TEST

START_TEST(cli_bad_options_are_usage_errors)
{
    const char *const cases[][4] = {
        {"-t", "0", NULL},         {"-t", "-1", NULL},      {"-t", "abc", NULL},
        {"-t", "99999999999999999999", NULL},               {"-c", "0", NULL},
        {"-c", "1Q", NULL},        {"-c", "", NULL},        {"-w", "", NULL},
        {"-w", "a b", NULL},       {"-w", "x", "-w", "x"},  {"--format", "xml", NULL},
        {"--bogus", NULL},         {"-t", NULL},            {"--words-file", "/nonexistent"},
    };
    /* the messages themselves are tested by integration.py and bad_inputs.py */
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        options o;
        const char *args[5] = {cases[i][0], cases[i][1], cases[i][2], cases[i][3], NULL};
        ck_assert_msg(parse(&o, args) == EXIT_USAGE, "case %zu accepted", i);
        cli_free(&o);
    }
}
END_TEST

Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, parse_size_suffixes_are_powers_of_1024);
    tcase_add_test(tc, parse_size_rejects_bad_values);
    tcase_add_test(tc, parse_count_range);
    tcase_add_test(tc, cli_defaults);
    tcase_add_test(tc, cli_options_are_read);
    tcase_add_test(tc, cli_bad_options_are_usage_errors);
    suite_add_tcase(s, tc);
    return s;
}
