/* report.c - what a count prints on standard output: the text, CSV and JSON reports, -q and
 * the --per-chunk rows (the --sweep table: report_sweep.c; --top/--vocab: report_vocab.c). Their
 * layout is specified in docs/SPEC.md §5. */
#include "report.h"
#include "report_internal.h"

#include "base/quote.h"
#include "base/timer.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

uint64_t report_total_bytes(const file_result *f, int n)
{
    uint64_t b = 0;
    for (int i = 0; i < n; i++)
        if (!f[i].failed)
            b += f[i].bytes;
    return b;
}

/* A name in the text report: quoted as messages quote it (GNU wc does the same). */
static const char *display_name(const char *name)
{
    return strcmp(name, "-") == 0 ? "(standard input)" : quote_name(0, name);
}

/* A word as the text report shows it: quoted as --top quotes a token when it is not printable
 * UTF-8 (no terminal escape reaches the screen), else its own bytes. */
static const char *shown_word(const wordlist *w, size_t i)
{
    const char *quoted = quote_token(0, w->word[i], w->len[i]);
    return quoted ? quoted : w->word[i];
}

/* Characters, not bytes, so that the counts line up after words with accents or in Cyrillic. */
static size_t columns(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void text_counts(FILE *out, const wordlist *w, const uint64_t *counts)
{
    size_t width = 4;
    for (size_t i = 0; i < w->n; i++) {
        size_t c = columns(shown_word(w, i));
        if (c > width && c < 40)
            width = c;
    }
    for (size_t i = 0; i < w->n; i++) {
        const char *s = shown_word(w, i);
        fputs(s, out);
        for (size_t c = columns(s); c < width; c++)
            fputc(' ', out);
        fprintf(out, " %llu\n", (unsigned long long)counts[i]);
    }
}

/* RFC 4180: quote a field holding a separator, a quote or a line break. Any bytes (NUL too). */
void report_csv_bytes(FILE *out, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, n, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

static void csv_field(FILE *out, const char *s)
{
    report_csv_bytes(out, s, strlen(s));
}

/* -q: the total counts alone, on one line in word order: the oracle's own output (docs/SPEC.md). */
static void print_counts(FILE *out, const wordlist *w, const uint64_t *total)
{
    for (size_t k = 0; k < w->n; k++)
        fprintf(out, "%s%llu", k ? " " : "", (unsigned long long)total[k]);
    fputc('\n', out);
}

/* The length of the valid UTF-8 sequence starting at s[0] (RFC 3629: no overlong form, no
 * surrogate, nothing above U+10FFFF), or 0 when s[0] starts none: that byte is invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t len;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

int report_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, len; i < n; i += len)
        if ((len = utf8_sequence(p + i, n - i)) == 0)
            return 0;
    return 1;
}

void report_json_bytes(FILE *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence(p + i, n - i);
        if (len == 0) {
            fputs("\xef\xbf\xbd", out); /* U+FFFD, one per invalid byte */
            i++;
        } else if (p[i] == '"' || p[i] == '\\') {
            fprintf(out, "\\%c", p[i++]);
        } else if (p[i] < 0x20) {
            fprintf(out, "\\u%04x", p[i++]);
        } else {
            fwrite(p + i, 1, len, out);
            i += len;
        }
    }
    fputc('"', out);
}

void report_json_base64(FILE *out, const char *s, size_t n)
{
    static const char digit[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        fputc(digit[v >> 18 & 63], out);
        fputc(digit[v >> 12 & 63], out);
        fputc(i + 1 < n ? digit[v >> 6 & 63] : '=', out);
        fputc(i + 2 < n ? digit[v & 63] : '=', out);
    }
    fputc('"', out);
}

void report_json_member(FILE *out, const char *key, const char *s, size_t n)
{
    fprintf(out, "\"%s\": ", key);
    report_json_bytes(out, s, n);
    if (!report_utf8_valid(s, n)) {
        fprintf(out, ", \"%s_base64\": ", key);
        report_json_base64(out, s, n);
    }
}

static void json_counts(FILE *out, const uint64_t *c, size_t n)
{
    fputc('[', out);
    for (size_t k = 0; k < n; k++)
        fprintf(out, "%s%llu", k ? "," : "", (unsigned long long)c[k]);
    fputc(']', out);
}

/* {"WORD": COUNT, ...} for the words that are valid UTF-8: two invalid words could print as the
 * same key, so those are only in the arrays (with words_base64). */
static void json_counts_by_word(FILE *out, const wordlist *w, const uint64_t *c)
{
    fputc('{', out);
    for (size_t k = 0, first = 1; k < w->n; k++) {
        if (!report_utf8_valid(w->word[k], w->len[k]))
            continue;
        fputs(first ? "" : ", ", out);
        first = 0;
        report_json_bytes(out, w->word[k], w->len[k]);
        fprintf(out, ": %llu", (unsigned long long)c[k]);
    }
    fputc('}', out);
}

/* The counts object's opening: `{"schema": 1`, the words (and their exact bytes when some are not
 * valid UTF-8), and the opening of the files list. */
static void json_open(FILE *out, const wordlist *w)
{
    fputs("{\"schema\": 1,\n \"words\": [", out);
    int all_valid = 1;
    for (size_t k = 0; k < w->n; k++) {
        fputs(k ? "," : "", out);
        report_json_bytes(out, w->word[k], w->len[k]);
        all_valid &= report_utf8_valid(w->word[k], w->len[k]);
    }
    fputc(']', out);
    if (!all_valid) { /* the exact bytes, position by position; null: the word above is exact */
        fputs(",\n \"words_base64\": [", out);
        for (size_t k = 0; k < w->n; k++) {
            fputs(k ? "," : "", out);
            if (report_utf8_valid(w->word[k], w->len[k]))
                fputs("null", out);
            else
                report_json_base64(out, w->word[k], w->len[k]);
        }
        fputc(']', out);
    }
    fputs(",\n \"files\": [", out);
}

/* One counted input of the files list; `first`: no comma before it. */
static void json_file(FILE *out, const wordlist *w, const file_result *f, int first)
{
    fputs(first ? "{" : ",\n           {", out);
    report_json_member(out, "path", f->name, strlen(f->name));
    fprintf(out, ", \"bytes\": %llu, ", (unsigned long long)f->bytes);
    if (f->packed_bytes)
        fprintf(out, "\"compressed_bytes\": %llu, ", (unsigned long long)f->packed_bytes);
    fputs("\"counts\": ", out);
    json_counts(out, f->counts, w->n);
    fputs(", \"counts_by_word\": ", out);
    json_counts_by_word(out, w, f->counts);
    fputc('}', out);
}

/* Closes the files list, then the errors (the failed ones of f[0..nf)) and the total. */
static void json_errors_total(FILE *out, const wordlist *w, const file_result *f, size_t nf,
                              const uint64_t *total)
{
    fputs("],\n \"errors\": [", out);
    int first = 1;
    for (size_t i = 0; i < nf; i++) {
        if (!f[i].failed)
            continue;
        fputs(first ? "{" : ",\n            {", out);
        first = 0;
        report_json_member(out, "path", f[i].name, strlen(f[i].name));
        fputs(", ", out);
        report_json_member(out, "reason", f[i].reason, strlen(f[i].reason));
        fputc('}', out);
    }
    fputs("],\n \"total\": ", out);
    json_counts(out, total, w->n);
    fputs(", \"counts_by_word\": ", out);
    json_counts_by_word(out, w, total);
}

void report_json_head(FILE *out, const wordlist *w, const file_result *f, int nf,
                      const uint64_t *total)
{
    json_open(out, w);
    for (int i = 0, first = 1; i < nf; i++)
        if (!f[i].failed) {
            json_file(out, w, &f[i], first);
            first = 0;
        }
    json_errors_total(out, w, f, (size_t)nf, total);
}

/* The run's figures after the total, and the closing brace. */
static void json_run(FILE *out, const wordlist *w, uint64_t bytes, const run_info *r)
{
    fprintf(out, ",\n \"threads\": %d, \"chunk_size\": %llu, \"kernel\": \"%s\", \"mode\": \"%s\", "
                 "\"bytes\": %llu, \"seconds\": %.6f, \"gb_per_s\": %.4f",
            r->threads, (unsigned long long)r->chunk_size, r->kernel, r->mode,
            (unsigned long long)bytes, r->seconds, timer_rate(bytes, r->seconds));
    fprintf(out, ", \"encoding\": \"%s\", \"ignore_case\": %s, \"tokens\": \"%s\"",
            encoding_name(w->encoding), w->fold ? "true" : "false", tokens_name(w->tokens));
    if (r->ranks > 0)
        fprintf(out, ", \"ranks\": %d", r->ranks);
    if (strcmp(r->mode, "verify") == 0)
        fprintf(out, ", \"verified\": true, \"serial_seconds\": %.6f", r->serial_seconds);
    if (r->times)
        fprintf(out, ",\n \"repeat\": %d, \"warmup_seconds\": %.6f, \"min_seconds\": %.6f, "
                     "\"median_seconds\": %.6f, \"max_seconds\": %.6f",
                r->times->runs, r->times->warmup, r->times->min, r->times->median, r->times->max);
    fputs("}\n", out);
}

int report_flushed(FILE *out)
{
    if (fflush(out) != 0 || ferror(out)) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* Per-input parts appear as inputs are done: text and CSV from the first counted input on, so a
 * run that counts nothing prints nothing (JSON excepted: its errors are the answer then). */
static void stream_start(report_stream *r)
{
    if (r->started)
        return;
    r->started = 1;
    if (r->format == FORMAT_CSV)
        fputs("file,bytes,word,count,kind\n", r->out);
    else if (r->format == FORMAT_JSON)
        json_open(r->out, r->w);
}

int report_begin(report_stream *r, FILE *out, int format, const wordlist *w, int total_when,
                 size_t ninputs, uint64_t *total)
{
    *r = (report_stream){.out = out, .format = format, .w = w, .total_when = total_when,
                         .total = total};
    /* Sections per input when several were named, failed ones too: the reader then sees whose
     * counts these are, as wc shows a row per file and the total. */
    r->per_input = total_when == TOTAL_AUTO ? ninputs > 1 : total_when != TOTAL_ONLY;
    size_t per_mib = ((size_t)8 << 20) / (8 * (w->n ? w->n : 1));
    r->batch = per_mib < 1 ? 1 : per_mib > REPORT_BATCH ? REPORT_BATCH : per_mib;
    r->pending = malloc(r->batch * sizeof *r->pending);
    r->pending_counts = malloc(r->batch * (w->n ? w->n : 1) * sizeof *r->pending_counts);
    if (r->pending && r->pending_counts)
        return 0;
    free(r->pending);
    free(r->pending_counts);
    r->pending = NULL;
    r->pending_counts = NULL;
    r->batch = 0;
    return -1;
}

/* Prints one counted input's part of the report. */
static void print_input(report_stream *r, const file_result *f)
{
    const wordlist *w = r->w;
    stream_start(r);
    if (r->format == FORMAT_TEXT && r->per_input) {
        fprintf(r->out, "== %s (%llu bytes)\n", display_name(f->name),
                (unsigned long long)f->bytes);
        text_counts(r->out, w, f->counts);
    } else if (r->format == FORMAT_CSV && r->total_when != TOTAL_ONLY) {
        /* One row per file and word (kind "file"), and at the end one per word for the total
         * (kind "total", empty file field): summing the file rows never counts a word twice. */
        for (size_t k = 0; k < w->n; k++) {
            csv_field(r->out, f->name);
            fprintf(r->out, ",%llu,", (unsigned long long)f->bytes);
            csv_field(r->out, w->word[k]);
            fprintf(r->out, ",%llu,file\n", (unsigned long long)f->counts[k]);
        }
    } else if (r->format == FORMAT_JSON) {
        json_file(r->out, w, f, r->printed == 0);
    }
    r->printed++;
}

static int print_pending(report_stream *r)
{
    for (size_t i = 0; i < r->npending; i++)
        print_input(r, &r->pending[i]);
    r->npending = 0;
    return ferror(r->out) ? -1 : 0;
}

int report_input(report_stream *r, const file_result *f)
{
    const wordlist *w = r->w;
    if (f->failed) { /* kept for JSON's errors list: only the failures are kept */
        if (r->nfailed == r->cap) {
            size_t cap = r->cap ? 2 * r->cap : 16;
            file_result *more = realloc(r->failed, cap * sizeof *more);
            if (!more)
                return -1;
            r->failed = more, r->cap = cap;
        }
        r->failed[r->nfailed] = *f;
        r->failed[r->nfailed++].counts = NULL;
        return 0;
    }
    r->counted++;
    r->bytes += f->bytes;
    r->packed += f->packed_bytes > 0;
    r->packed_bytes += f->packed_bytes;
    for (size_t k = 0; k < w->n; k++)
        r->total[k] += f->counts[k];
    file_result *p = &r->pending[r->npending];
    *p = *f;
    p->counts = r->pending_counts + r->npending++ * w->n;
    memcpy(p->counts, f->counts, w->n * sizeof *p->counts);
    return r->npending == r->batch ? print_pending(r) : 0;
}

static void text_summary(FILE *out, const wordlist *w, const report_stream *s, const run_info *r)
{
    uint64_t bytes = s->bytes;
    char ranks[48] = "";
    if (r->ranks > 0)
        snprintf(ranks, sizeof ranks, "%d MPI rank%s x ", r->ranks, r->ranks == 1 ? "" : "s");
    char packed[96] = ""; /* what the bytes are, when some were compressed */
    if (s->packed)
        snprintf(packed, sizeof packed, " of text (%d compressed: %llu bytes)", s->packed,
                 (unsigned long long)s->packed_bytes);
    fprintf(out, "-- %llu bytes%s in %d file%s, %.3f s, %.2f GB/s; %s, %s%d thread%s, kernel %s, "
                 "chunk %llu bytes, %s%s, tokens %s\n",
            (unsigned long long)bytes, packed, s->counted, s->counted == 1 ? "" : "s", r->seconds,
            timer_rate(bytes, r->seconds), r->mode, ranks, r->threads, r->threads == 1 ? "" : "s",
            r->kernel, (unsigned long long)r->chunk_size, encoding_name(w->encoding),
            w->fold ? " -i" : "", tokens_name(w->tokens));
    if (strcmp(r->mode, "verify") == 0)
        fprintf(out, "-- verified: serial path agrees (%.3f s, %.2f GB/s)\n", r->serial_seconds,
                timer_rate(bytes, r->serial_seconds));
    if (r->times) /* STREAM's layout: a fixed table a person reads and a script parses */
        fprintf(out, "-- runs  best GB/s      min s   median s      max s  (after a warm-up run "
                     "of %.6f s)\n-- %4d %10.3f %10.6f %10.6f %10.6f\n", r->times->warmup,
                r->times->runs, timer_rate(bytes, r->times->min), r->times->min, r->times->median,
                r->times->max);
}

int report_end(report_stream *r, const run_info *run)
{
    const wordlist *w = r->w;
    int rc = 0;
    if ((r->counted || r->format == FORMAT_JSON) && r->format != REPORT_NONE) {
        print_pending(r);
        stream_start(r);
        if (r->format == FORMAT_TEXT) {
            if (r->per_input && r->total_when != TOTAL_NEVER)
                fputs("== total\n", r->out);
            if (r->total_when != TOTAL_NEVER)
                text_counts(r->out, w, r->total);
            text_summary(r->out, w, r, run);
        } else if (r->format == FORMAT_CSV) {
            for (size_t k = 0; k < w->n && r->total_when != TOTAL_NEVER; k++) {
                fprintf(r->out, ",%llu,", (unsigned long long)r->bytes);
                csv_field(r->out, w->word[k]);
                fprintf(r->out, ",%llu,total\n", (unsigned long long)r->total[k]);
            }
        } else if (r->format == FORMAT_JSON) {
            json_errors_total(r->out, w, r->failed, r->nfailed, r->total);
            json_run(r->out, w, r->bytes, run);
        } else {
            print_counts(r->out, w, r->total);
        }
        rc = report_flushed(r->out);
    }
    free(r->failed);
    free(r->pending);
    free(r->pending_counts);
    r->failed = r->pending = NULL;
    r->pending_counts = NULL;
    return rc;
}

int report_print(FILE *out, int format, const wordlist *w, const file_result *files, int nfiles,
                 const run_info *run)
{
    uint64_t *sum = calloc(w->n ? w->n : 1, sizeof *sum);
    if (!sum) {
        errno = ENOMEM;
        return -1;
    }
    report_stream r;
    int rc = report_begin(&r, out, format, w, run->total, (size_t)nfiles, sum);
    for (int i = 0; i < nfiles && rc == 0; i++)
        rc = report_input(&r, &files[i]);
    rc = report_end(&r, run) < 0 ? -1 : rc;
    free(sum);
    return rc;
}

void report_chunk_header(const chunk_report *r)
{
    if (r->format != FORMAT_CSV)
        return;
    fputs("file,chunk,offset,length", r->out);
    for (size_t k = 0; k < r->w->n; k++) {
        fputc(',', r->out);
        csv_field(r->out, r->w->word[k]);
    }
    fputc('\n', r->out);
}

int report_chunk(void *ctx, const char *name, const chunk *c, const uint64_t *counts)
{
    chunk_report *r = ctx;
    if (r->format == FORMAT_CSV) {
        csv_field(r->out, name);
        fprintf(r->out, ",%llu,%llu,%llu", (unsigned long long)c->index,
                (unsigned long long)c->offset, (unsigned long long)c->length);
        for (size_t k = 0; k < r->w->n; k++)
            fprintf(r->out, ",%llu", (unsigned long long)counts[k]);
    } else {
        fprintf(r->out, "%s chunk %llu offset %llu length %llu:", display_name(name),
                (unsigned long long)c->index, (unsigned long long)c->offset,
                (unsigned long long)c->length);
        for (size_t k = 0; k < r->w->n; k++)
            fprintf(r->out, " %s %llu", r->w->word[k], (unsigned long long)counts[k]);
    }
    fputc('\n', r->out);
    if (ferror(r->out)) { /* a buffer of rows was written, and failed */
        r->err = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

int report_chunk_end(const chunk_report *r)
{
    return report_flushed(r->out);
}

void report_mismatch(FILE *out, const char *name, const wordlist *w, const count_stats *st)
{
    if (st->where.found)
        fprintf(out, "wordtally: %s: verification failed: chunk %llu (offset %llu), word %s: "
                     "parallel %llu, serial %llu\n", quote_name(0, name),
                (unsigned long long)st->where_chunk, (unsigned long long)st->where_offset,
                quote_value(1, w->word[st->where.word]),
                (unsigned long long)st->where.a, (unsigned long long)st->where.b);
    else
        fprintf(out, "wordtally: %s: verification failed: the totals differ, but no single "
                     "chunk reproduces it\n", quote_name(0, name));
}
