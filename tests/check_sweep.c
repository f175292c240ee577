/* check_sweep.c - the --sweep list, the median and the run-agreement check of sweep.c. */
#include "check_suites.h"

#include "app/sweep.h"

START_TEST(sweep_list_keeps_the_given_order)
{
    int out[8];
    const char *why = NULL;
    ck_assert_int_eq(parse_thread_list("1,2,4,8", 2, out, 8, &why), 4);
    ck_assert_int_eq(out[0], 1);
    ck_assert_int_eq(out[3], 8);
    ck_assert_int_eq(parse_thread_list("8,2", 2, out, 8, &why), 2);
    ck_assert_int_eq(out[0], 8);
    ck_assert_int_eq(out[1], 2);
    ck_assert_int_eq(parse_thread_list("4096", 2, out, 8, &why), 1);
    ck_assert_int_eq(out[0], 4096);
}
END_TEST

START_TEST(sweep_cores_is_one_to_all_cores)
{
    int out[8];
    const char *why = NULL;
    ck_assert_int_eq(parse_thread_list("cores", 3, out, 8, &why), 3);
    ck_assert_int_eq(out[0], 1);
    ck_assert_int_eq(out[1], 2);
    ck_assert_int_eq(out[2], 3);
    ck_assert_int_eq(parse_thread_list("cores", 1, NULL, 8, &why), 1);
}
END_TEST

START_TEST(sweep_list_rejects_bad_lists)
{
    int out[4];
    const char *bad[] = {"", ",", "1,", ",1", "1,,2", "0", "-1", "+1", " 1", "1 ", "a", "1,a",
                         "4097", "99999999999999999999", "1,2,1", "2,2", "cores,2", "Cores",
                         "1;2", "1.5", "1,2,3,4,5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *why = NULL;
        ck_assert_msg(parse_thread_list(bad[i], 2, out, 4, &why) == -1, "accepted '%s'", bad[i]);
        ck_assert_msg(why != NULL, "no reason for '%s'", bad[i]);
    }
}
END_TEST

START_TEST(median_of_odd_and_even_counts)
{
    double a[] = {3.0, 1.0, 2.0};
    ck_assert_double_eq(sweep_median(a, 3), 2.0);
    ck_assert_double_eq(a[0], 1.0); /* sorted: min and max at the ends */
    ck_assert_double_eq(a[2], 3.0);
    double b[] = {4.0, 1.0, 3.0, 2.0};
    ck_assert_double_eq(sweep_median(b, 4), 2.5);
    double c[] = {7.0};
    ck_assert_double_eq(sweep_median(c, 1), 7.0);
}
END_TEST

START_TEST(first_difference_names_the_counter)
{
    uint64_t a[] = {1, 2, 3, 4}, b[] = {1, 2, 3, 4}, c[] = {1, 2, 9, 5};
    ck_assert_int_eq(sweep_first_difference(a, b, 4), -1);
    ck_assert_int_eq(sweep_first_difference(a, c, 4), 2);
    ck_assert_int_eq(sweep_first_difference(a, c, 2), -1);
}
END_TEST

Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("sweep");
    tcase_add_test(tc, sweep_list_keeps_the_given_order);
    tcase_add_test(tc, sweep_cores_is_one_to_all_cores);
    tcase_add_test(tc, sweep_list_rejects_bad_lists);
    tcase_add_test(tc, median_of_odd_and_even_counts);
    tcase_add_test(tc, first_difference_names_the_counter);
    suite_add_tcase(s, tc);
    return s;
}
