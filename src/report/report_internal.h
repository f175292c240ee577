/* report_internal.h - what report.c and report_vocab.c share. Not for use outside report/. */
#ifndef WORDTALLY_REPORT_INTERNAL_H
#define WORDTALLY_REPORT_INTERNAL_H

#include "report.h"

#include <stdint.h>
#include <stdio.h>

/* The bytes of the inputs that were counted. */
uint64_t report_total_bytes(const file_result *f, int n);
/* A CSV field (RFC 4180): quoted when it holds a separator, a quote or a line break; any bytes. */
void report_csv_bytes(FILE *out, const char *s, size_t n);
/* Flushes out: 0, or -1 when writing failed (errno set). */
int report_flushed(FILE *out);

#endif
