/* check_verify.c - the bisection that names the first chunk where two paths disagree. */
#include "check_suites.h"

#include "base/verify.h"

/* Entry i holds i % 5 of word 0 and 1 of word 1. The faulty path adds 1 to word 1 in entries from
 * `bad` on (and `bad2`), like a driver that mishandles a chunk. */
typedef struct {
    size_t bad, bad2;
} fault;

static int good_path(const void *ctx, size_t first, size_t last, uint64_t *c)
{
    (void)ctx;
    for (size_t i = first; i < last; i++) {
        c[0] += i % 5;
        c[1] += 1;
    }
    return 0;
}

static int faulty_path(const void *ctx, size_t first, size_t last, uint64_t *c)
{
    const fault *f = ctx;
    good_path(ctx, first, last, c);
    for (size_t i = first; i < last; i++)
        c[1] += (i == f->bad) + (i == f->bad2);
    return 0;
}

START_TEST(verify_finds_the_first_differing_entry)
{
    for (size_t bad = 0; bad < 37; bad++) {
        fault f = {bad, 36};
        difference d;
        ck_assert_int_eq(verify_find_difference(faulty_path, good_path, &f, 0, 37, 2, &d), 0);
        ck_assert_int_eq(d.found, 1);
        ck_assert_uint_eq(d.entry, bad);
        ck_assert_uint_eq(d.word, 1);
        ck_assert_uint_eq(d.a, bad == 36 ? 3 : 2);
        ck_assert_uint_eq(d.b, 1);
    }
}
END_TEST

START_TEST(verify_reports_nothing_when_paths_agree)
{
    fault f = {100, 100};
    difference d;
    ck_assert_int_eq(verify_find_difference(faulty_path, good_path, &f, 0, 37, 2, &d), 0);
    ck_assert_int_eq(d.found, 0);
}
END_TEST

Suite *verify_suite(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("bisect");
    tcase_add_test(tc, verify_finds_the_first_differing_entry);
    tcase_add_test(tc, verify_reports_nothing_when_paths_agree);
    suite_add_tcase(s, tc);
    return s;
}
