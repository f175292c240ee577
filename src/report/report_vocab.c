/* report_vocab.c - the --top and --vocab reports (SPEC §7): the table in text, CSV or JSON,
 * streamed entry by entry, its summary, and the --verify mismatch line. */
#include "report.h"
#include "report_internal.h"

#include "base/quote.h"
#include "base/timer.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void report_vocab_begin(vocab_report *r)
{
    r->rows = 0;
    if (r->format == FORMAT_CSV)
        fputs("token,count\n", r->out);
    else if (r->format == FORMAT_JSON)
        fputs("{\"schema\": 1,\n \"vocab\": [", r->out);
}

int report_vocab_entry(void *ctx, const vocab_entry *e)
{
    vocab_report *r = ctx;
    const char *key = (const char *)e->key;
    if (r->format == FORMAT_CSV) {
        report_csv_bytes(r->out, key, (size_t)e->len);
        fprintf(r->out, ",%llu\n", (unsigned long long)e->count);
    } else if (r->format == FORMAT_JSON) {
        fputs(r->rows ? ",\n           {" : "{", r->out);
        report_json_member(r->out, "token", key, (size_t)e->len);
        fprintf(r->out, ", \"count\": %llu}", (unsigned long long)e->count);
    } else { /* tokens hold no whitespace: one per line, quoted when not printable */
        const char *quoted = quote_token(0, key, (size_t)e->len);
        fprintf(r->out, "%12llu ", (unsigned long long)e->count);
        if (quoted)
            fputs(quoted, r->out);
        else
            fwrite(key, 1, (size_t)e->len, r->out);
        fputc('\n', r->out);
    }
    r->rows++;
    return 0;
}

int report_vocab_end(vocab_report *r, const file_result *f, int nf, const vocab_summary *sum,
                     const run_info *run)
{
    uint64_t bytes = report_total_bytes(f, nf);
    int counted = 0;
    for (int i = 0; i < nf; i++)
        counted += !f[i].failed;
    if (r->format == FORMAT_TEXT) {
        char ranks[48] = "";
        if (run->ranks > 0)
            snprintf(ranks, sizeof ranks, "%d MPI ranks x ", run->ranks);
        fprintf(r->out, "-- %llu tokens, %llu distinct%s; %llu bytes in %d file%s, %.3f s, %.2f GB/s; "
                        "%s, %s%d thread%s, kernel %s, chunk %llu bytes, %s%s, tokens %s",
                (unsigned long long)sum->tokens, (unsigned long long)sum->distinct,
                r->top ? " (top shown)" : "", (unsigned long long)bytes, counted,
                counted == 1 ? "" : "s", run->seconds, timer_rate(bytes, run->seconds), run->mode,
                ranks, run->threads, run->threads == 1 ? "" : "s", run->kernel,
                (unsigned long long)run->chunk_size, encoding_name(r->encoding),
                r->fold ? " -i" : "", tokens_name(r->tokens));
        if (sum->passes > 1)
            fprintf(r->out, "; %d passes (--max-memory %llu)", sum->passes,
                    (unsigned long long)sum->max_memory);
        fputc('\n', r->out);
        if (strcmp(run->mode, "verify") == 0)
            fprintf(r->out, "-- verified: serial path agrees (%.3f s, %.2f GB/s)\n",
                    run->serial_seconds, timer_rate(bytes, run->serial_seconds));
    } else if (r->format == FORMAT_JSON) {
        fputs("],\n", r->out);
        if (r->top)
            fprintf(r->out, " \"top\": %llu,", (unsigned long long)r->top);
        fprintf(r->out, " \"tokens\": %llu, \"distinct\": %llu, \"passes\": %d, "
                        "\"max_memory\": %llu,\n \"files\": [",
                (unsigned long long)sum->tokens, (unsigned long long)sum->distinct, sum->passes,
                (unsigned long long)sum->max_memory);
        for (int failed = 0, first = 1; failed <= 1; failed++, first = 1) {
            if (failed)
                fputs("],\n \"errors\": [", r->out);
            for (int i = 0; i < nf; i++) {
                if (f[i].failed != failed)
                    continue;
                fputs(first ? "{" : ", {", r->out);
                first = 0;
                report_json_member(r->out, "path", f[i].name, strlen(f[i].name));
                if (failed) {
                    fputs(", ", r->out);
                    report_json_member(r->out, "reason", f[i].reason, strlen(f[i].reason));
                } else {
                    fprintf(r->out, ", \"bytes\": %llu", (unsigned long long)f[i].bytes);
                    if (f[i].packed_bytes)
                        fprintf(r->out, ", \"compressed_bytes\": %llu",
                                (unsigned long long)f[i].packed_bytes);
                }
                fputc('}', r->out);
            }
        }
        fprintf(r->out, "],\n \"threads\": %d, \"chunk_size\": %llu, \"kernel\": \"%s\", "
                        "\"mode\": \"%s\", \"bytes\": %llu, \"seconds\": %.6f, \"gb_per_s\": %.4f",
                run->threads, (unsigned long long)run->chunk_size, run->kernel, run->mode,
                (unsigned long long)bytes, run->seconds, timer_rate(bytes, run->seconds));
        fprintf(r->out, ", \"encoding\": \"%s\", \"ignore_case\": %s, \"token_rule\": \"%s\"",
                encoding_name(r->encoding), r->fold ? "true" : "false", tokens_name(r->tokens));
        if (run->ranks > 0)
            fprintf(r->out, ", \"ranks\": %d", run->ranks);
        if (strcmp(run->mode, "verify") == 0)
            fprintf(r->out, ", \"verified\": true, \"serial_seconds\": %.6f",
                    run->serial_seconds);
        fputs("}\n", r->out);
    }
    return report_flushed(r->out);
}

void report_vocab_mismatch(FILE *out, const vocab_difference *d)
{
    fputs("wordtally: verification failed: token '", out);
    fwrite(d->key.key, 1, (size_t)(d->key.len < 80 ? d->key.len : 80), out); /* one short line */
    fprintf(out, "%s': parallel %llu, serial %llu\n", d->key.len > 80 ? "..." : "",
            (unsigned long long)d->a,
            (unsigned long long)d->b);
}
