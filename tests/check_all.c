/* check_all.c - runs every unit suite; Check's summary line is what CI reads. */
#include "check_suites.h"

#include <stdlib.h>

int main(void)
{
    SRunner *sr = srunner_create(chunks_suite());
    srunner_add_suite(sr, words_suite());
    srunner_add_suite(sr, kernel_suite());
    srunner_add_suite(sr, cli_suite());
    srunner_add_suite(sr, verify_suite());
    srunner_add_suite(sr, mapio_suite());
    srunner_add_suite(sr, sweep_suite());
    srunner_add_suite(sr, count_suite());
    srunner_add_suite(sr, vocab_suite());
    srunner_add_suite(sr, quote_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
