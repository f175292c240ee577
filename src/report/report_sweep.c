/* report_sweep.c - the --sweep table (strong or weak scaling) in text, CSV and JSON (SPEC §5). */
#include "report.h"
#include "report_internal.h"

#include "base/timer.h"

#include <stdint.h>

/* A run of 0 s (an empty input) has no speed: 0, so CSV and JSON stay numbers (it was warned).
 * The speed-up is the rate's over the first row's: the time's for strong scaling (same bytes),
 * and for weak scaling the bytes counted per second, which the ideal makes grow with threads. */
static double speedup_of(const sweep_row *first, const sweep_row *row)
{
    double base = timer_rate(first->bytes, first->min), rate = timer_rate(row->bytes, row->min);
    return base > 0 && rate > 0 && first->bytes ? rate / base : 0.0;
}

static double spread_of(const sweep_row *row)
{
    return row->min > 0 ? (row->max - row->min) / row->min : 0.0;
}

/* The warning column: empty, or why this row's times may say more about the machine than about
 * wordtally (no commas: a CSV cell as it is). */
static void print_busy(FILE *out, const sweep_table *t, const sweep_row *row)
{
    if (row->busy)
        fputs("busy: ", out);
    if (row->busy & SWEEP_BUSY_LOAD)
        fprintf(out, "load average %.2f before the sweep", t->load);
    if (row->busy & SWEEP_BUSY_SPREAD)
        fprintf(out, "%sruns spread %.0f%%", row->busy & SWEEP_BUSY_LOAD ? "; " : "",
                100 * spread_of(row));
}

static void sweep_csv(FILE *out, const sweep_table *t)
{
    const sweep_row *rows = t->rows;
    const char *scaling = t->weak ? "weak" : "strong";
    fputs("threads,seconds,gb_per_s,speedup,efficiency,median_seconds,max_seconds,"
          "warmup_seconds,runs,bytes,cores,scaling,load,spread,warning\n", out);
    for (int i = 0; i < t->n; i++) {
        double speedup = speedup_of(&rows[0], &rows[i]);
        fprintf(out, "%d,%.6f,%.4f,%.4f,%.4f,%.6f,%.6f,%.6f,%d,%llu,%d,%s,%.2f,%.4f,",
                rows[i].threads, rows[i].min, timer_rate(rows[i].bytes, rows[i].min), speedup,
                speedup * rows[0].threads / rows[i].threads, rows[i].median, rows[i].max,
                rows[i].warmup, t->runs, (unsigned long long)rows[i].bytes, t->cores, scaling,
                t->load, spread_of(&rows[i]));
        print_busy(out, t, &rows[i]);
        fputc('\n', out);
    }
}

static void sweep_json(FILE *out, const wordlist *w, const file_result *f, int nf,
                       const uint64_t *total, const sweep_table *t)
{
    const sweep_row *rows = t->rows;
    const char *scaling = t->weak ? "weak" : "strong";
    report_json_head(out, w, f, nf, total);
    fprintf(out, ",\n \"bytes\": %llu, \"kernel\": \"%s\", \"chunk_size\": %llu, "
                 "\"repeat\": %d, \"binding\": \"%s\", \"cores\": %d, \"io\": \"%s\",\n "
                 "\"scaling\": \"%s\", \"weak_bytes\": %llu, \"load\": %.2f,\n \"sweep\": [",
            (unsigned long long)report_total_bytes(f, nf), t->kernel,
            (unsigned long long)t->chunk_size, t->runs, t->binding, t->cores, t->io, scaling,
            (unsigned long long)t->weak, t->load);
    for (int i = 0; i < t->n; i++) {
        double speedup = speedup_of(&rows[0], &rows[i]);
        fprintf(out, "%s{\"threads\": %d, \"seconds\": %.6f, \"gb_per_s\": %.4f, "
                     "\"speedup\": %.4f, \"efficiency\": %.4f, \"median_seconds\": %.6f, "
                     "\"max_seconds\": %.6f, \"warmup_seconds\": %.6f, \"bytes\": %llu, "
                     "\"spread\": %.4f, \"warning\": \"",
                i ? ",\n           " : "", rows[i].threads, rows[i].min,
                timer_rate(rows[i].bytes, rows[i].min), speedup,
                speedup * rows[0].threads / rows[i].threads, rows[i].median, rows[i].max,
                rows[i].warmup, (unsigned long long)rows[i].bytes, spread_of(&rows[i]));
        print_busy(out, t, &rows[i]);
        fputc('"', out);
        for (size_t k = 0; rows[i].counts && k < w->n; k++)
            fprintf(out, "%s%llu", k ? ", " : ", \"counts\": [",
                    (unsigned long long)rows[i].counts[k]);
        fputs(rows[i].counts && w->n ? "]}" : "}", out);
    }
    fputs("]}\n", out);
}

static void sweep_text(FILE *out, const wordlist *w, const file_result *f, int nf,
                       const uint64_t *total, const sweep_table *t)
{
    const sweep_row *rows = t->rows;
    const char *scaling = t->weak ? "weak" : "strong";
    fprintf(out, "-- %s-scaling sweep: %llu bytes in %d file%s; kernel %s, chunk %llu bytes, "
                 "io %s; %d physical core%s; binding: %s\n",
            scaling, (unsigned long long)report_total_bytes(f, nf), nf, nf == 1 ? "" : "s", t->kernel,
            (unsigned long long)t->chunk_size, t->io, t->cores, t->cores == 1 ? "" : "s",
            t->binding);
    if (t->weak)
        fprintf(out, "-- weak scaling: t threads count the first t x %llu bytes; speed-up is "
                     "GB/s over the first row's\n", (unsigned long long)t->weak);
    fprintf(out, "-- each thread count: 1 warm-up run, then %d timed run%s; seconds and GB/s "
                 "are the best run's\n", t->runs, t->runs == 1 ? "" : "s");
    fputs("threads     seconds  median s       max s    GB/s  speed-up  efficiency\n", out);
    for (int i = 0; i < t->n; i++) {
        double speedup = speedup_of(&rows[0], &rows[i]);
        fprintf(out, "%7d %11.6f %9.6f %11.6f %7.3f %9.3f %11.3f", rows[i].threads,
                rows[i].min, rows[i].median, rows[i].max,
                timer_rate(rows[i].bytes, rows[i].min), speedup,
                speedup * rows[0].threads / rows[i].threads);
        if (rows[i].busy)
            fputs("  ", out);
        print_busy(out, t, &rows[i]);
        fputc('\n', out);
    }
    for (int i = 0; i < t->n; i++) {
        const uint64_t *c = rows[i].counts ? rows[i].counts : total;
        if (rows[i].counts)
            fprintf(out, "-- counts of the first %llu bytes (%d thread%s), equal in its %d "
                         "runs:", (unsigned long long)rows[i].bytes, rows[i].threads,
                    rows[i].threads == 1 ? "" : "s", t->runs + 1);
        else if (i == 0)
            fprintf(out, "-- counts, equal in all %d runs:", t->n * (t->runs + 1));
        else
            continue;
        for (size_t k = 0; k < w->n; k++)
            fprintf(out, " %s %llu", w->word[k], (unsigned long long)c[k]);
        fputc('\n', out);
    }
}

int report_sweep(FILE *out, int format, const wordlist *w, const file_result *files, int nfiles,
                 const uint64_t *total, const sweep_table *t)
{
    if (format == FORMAT_CSV)
        sweep_csv(out, t);
    else if (format == FORMAT_JSON)
        sweep_json(out, w, files, nfiles, total, t);
    else
        sweep_text(out, w, files, nfiles, total, t);
    return report_flushed(out);
}

