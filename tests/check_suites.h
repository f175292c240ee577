/* check_suites.h - one Check suite per module. */
#ifndef WORDTALLY_CHECK_SUITES_H
#define WORDTALLY_CHECK_SUITES_H

#include <check.h>

Suite *chunks_suite(void);
Suite *words_suite(void);
Suite *kernel_suite(void);
Suite *cli_suite(void);
Suite *verify_suite(void);
Suite *mapio_suite(void);
Suite *sweep_suite(void);
Suite *count_suite(void);
Suite *vocab_suite(void);
Suite *quote_suite(void);

#endif
