/* check_quote.c - names and values in diagnostics: shell-escape quoting, always one line. */
#include "check_suites.h"

#include "base/quote.h"

#include <string.h>

START_TEST(quote_leaves_plain_names_alone)
{
    ck_assert_str_eq(quote_name(0, "data/gcide-1g.txt"), "data/gcide-1g.txt");
    ck_assert_str_eq(quote_name(0, "--serial=yes"), "--serial=yes");
    ck_assert_str_eq(quote_name(0, "caf\xc3\xa9"), "caf\xc3\xa9"); /* printable UTF-8 */
    ck_assert_str_eq(quote_name(0, ""), "''");
    ck_assert_str_eq(quote_value(0, "256K"), "'256K'");
    ck_assert_str_eq(quote_value(0, ""), "''");
}
END_TEST

START_TEST(quote_escapes_what_a_shell_or_terminal_would_act_on)
{
    ck_assert_str_eq(quote_name(0, "my file"), "'my file'");
    ck_assert_str_eq(quote_name(0, "it's"), "'it'\\''s'");
    ck_assert_str_eq(quote_name(0, "a\nb"), "'a'$'\\n''b'");
    ck_assert_str_eq(quote_name(0, "\x1b[31mred"), "$'\\033''[31mred'");
    ck_assert_str_eq(quote_name(0, "tab\t"), "'tab'$'\\t'");
    ck_assert_str_eq(quote_name(0, "\xe9t\xe9"), "$'\\351''t'$'\\351'"); /* Latin-1, not UTF-8 */
    ck_assert_str_eq(quote_name(0, "\xc2\x9b"), "$'\\302\\233'");        /* U+009B: a C1 CSI */
    ck_assert_str_eq(quote_name(0, "\xc0\xaf"), "$'\\300\\257'");        /* overlong '/' */
    ck_assert_str_eq(quote_name(0, "\x7f"), "$'\\177'");
}
END_TEST

START_TEST(quote_slots_keep_earlier_results)
{
    const char *a = quote_name(0, "a b"), *b = quote_name(1, "c d");
    ck_assert_str_eq(a, "'a b'");
    ck_assert_str_eq(b, "'c d'");
    /* The worst case fits: every other byte escaped between printable neighbours. */
    char worst[64];
    for (size_t i = 0; i < sizeof worst - 1; i++)
        worst[i] = i % 2 ? '\x01' : 'x';
    worst[sizeof worst - 1] = '\0';
    const char *q = quote_name(2, worst);
    ck_assert(strchr(q, '\n') == NULL);
    /* 'x, then 31 times '$'\001''x, then the closing quote */
    ck_assert_uint_eq(strlen(q), 2 + 31 * 10 + 1);
}
END_TEST

Suite *quote_suite(void)
{
    Suite *s = suite_create("quote");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, quote_leaves_plain_names_alone);
    tcase_add_test(tc, quote_escapes_what_a_shell_or_terminal_would_act_on);
    tcase_add_test(tc, quote_slots_keep_earlier_results);
    suite_add_tcase(s, tc);
    return s;
}
