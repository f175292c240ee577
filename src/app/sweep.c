/* sweep.c - timed runs: --repeat (STREAM-style min/median/max after a warm-up run) and --sweep
 * (the same for each thread count of a list, re-binding the team each time, as a scaling table). */
#include "sweep.h"

#include "engine/count.h"
#include "io/input.h"
#include "io/mapio.h"
#include "base/quote.h"
#include "report/report.h"
#include "engine/run.h"
#include "base/timer.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double sweep_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

long sweep_first_difference(const uint64_t *a, const uint64_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return (long)i;
    return -1;
}

/* How many threads a team asked for t really has (STREAM prints both): OMP_DYNAMIC or
 * OMP_THREAD_LIMIT can give fewer, and the table would then be wrong about its first column. */
static int team_size(int t)
{
    int n = 0;
#pragma omp parallel num_threads(t)
    {
#pragma omp single
        n = omp_get_num_threads();
    }
    return n;
}

/* Every input must be a regular file: a stream cannot be read a second time. Checked before any
 * run, so nothing is timed when one is missing. */
static int check_inputs(const plan *p, uint64_t *sizes)
{
    for (size_t i = 0; i < p->ninputs; i++) {
        input in;
        int err = input_open(&in, p->names[i], &p->count.inputs);
        if (err) {
            fprintf(stderr, "wordtally: %s: %s\n", quote_name(0, p->names[i]), input_strerror(err));
            return EXIT_INPUT;
        }
        int seekable = in.seekable, packed = in.packed;
        sizes[i] = in.size;
        input_close(&in);
        if (!seekable) {
            fprintf(stderr, "wordtally: %s: %s; --sweep and --repeat read each input several "
                            "times\n", quote_name(0, p->names[i]),
                    packed ? "compressed (read as a stream)" : "not a regular file");
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

/* One count of every input: the counts go to counts[] (ninputs x nwords); seconds is the time in
 * the counting loops of the timed path only, as for a plain run. */
typedef struct {
    const count_setup *s;
    uint64_t *counts;
    double seconds;
} timed_run;

static int keep_counts(void *ctx, const run_result *r)
{
    timed_run *t = ctx;
    if (r->err) {
        fprintf(stderr, "wordtally: %s: %s\n", quote_name(0, r->name), input_strerror(r->err));
        return EXIT_INPUT; /* timings of part of the inputs would mislead */
    }
    const size_t nw = t->s->words->n;
    memcpy(t->counts + r->index * nw, r->counts, nw * sizeof *r->counts);
    t->seconds += t->s->mode == COUNT_SERIAL ? r->st->serial_seconds : r->st->parallel_seconds;
    return EXIT_OK;
}

static int count_all(const plan *p, const count_setup *s, uint64_t *counts, double *seconds)
{
    timed_run t = {.s = s, .counts = counts};
    int rc = run_inputs(s, p->names, p->ninputs, keep_counts, &t);
    *seconds = t.seconds;
    if (rc == ENOMEM)
        fputs("wordtally: out of memory\n", stderr);
    return rc ? EXIT_INPUT : EXIT_OK;
}

/* STREAM's rule: a time under 20 clock ticks is not a measurement; nor, in practice, is one under
 * a millisecond (thread start-up and page-cache noise are of that order). */
static void warn_if_short(double best)
{
    struct timespec res = {0, 1};
    clock_getres(CLOCK_MONOTONIC, &res);
    double tick = (double)res.tv_sec + 1e-9 * (double)res.tv_nsec;
    double floor = 20 * tick > 1e-3 ? 20 * tick : 1e-3;
    if (best < floor)
        fprintf(stderr, "wordtally: warning: the fastest run took %.6f s, under %.3f ms (the clock "
                        "ticks every %.0f ns): too short to time reliably; use a bigger input\n",
                best, floor * 1e3, tick * 1e9);
}

static const char *binding_name(int bind, int option)
{
    if (bind)
        return "wordtally";
    return option == BIND_NEVER || topo_should_bind(option) ? "none" : "openmp";
}

/* A plain run's report, as report.c prints it, with the timed runs added. */
static int print_repeat(const plan *p, const sweep_row *r, int runs, const file_result *files,
                        const kernel *kern)
{
    const options *o = p->opt;
    run_times t = {.runs = runs, .warmup = r->warmup, .min = r->min, .median = r->median,
                   .max = r->max};
    run_info run = {.threads = r->threads, .chunk_size = o->chunk_size, .kernel = kern->name,
                    .mode = o->mode == COUNT_SERIAL ? "serial" : "parallel", .seconds = r->min,
                    .times = &t, .total = o->total};
    return report_print(stdout, o->format, &o->words, files, (int)p->ninputs, &run);
}

int sweep_run(const plan *p, const topo *machine)
{
    const options *o = p->opt;
    const count_setup *base = &p->count;
    const kernel *kern = base->kern;
    const size_t nw = o->words.n, ncounts = p->ninputs * nw;
    const int runs = o->repeat ? o->repeat : REPEAT_DEFAULT;
    const char *why = NULL;
    uint64_t *sizes = calloc(p->ninputs, sizeof *sizes);
    if (!sizes) {
        fputs("wordtally: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    int status = check_inputs(p, sizes);
    if (status != EXIT_OK) {
        free(sizes);
        return status;
    }

    int *list = malloc(THREADS_MAX * sizeof *list);
    int n = 1;
    if (list && o->sweep)
        n = parse_thread_list(o->sweep, machine->ncores, list, THREADS_MAX, &why);
    else if (list)
        list[0] = base->threads;
    if (n < 0) {
        fprintf(stderr, "wordtally: --sweep %s: %s\n", quote_value(0, o->sweep), why);
        free(list);
        free(sizes);
        return EXIT_USAGE;
    }
    /* NOLINTNEXTLINE(clang-analyzer-optin.portability.UnixAPI): parse_thread_list gives -1 or >= 1 */
    sweep_row *rows = calloc((size_t)n, sizeof *rows);
    double *secs = calloc((size_t)runs, sizeof *secs);
    uint64_t *first = calloc(2 * ncounts + nw, sizeof *first);
    /* No arithmetic on a NULL pointer (undefined behaviour): counts and total only when allocated. */
    uint64_t *counts = first ? first + ncounts : NULL, *total = first ? counts + ncounts : NULL;
    int most = 1;
    for (int e = 0; list && e < n; e++)
        most = list[e] > most ? list[e] : most;
    /* The binding of the largest team: every thread count of the table is placed the same way. */
    const char *bind_why = p->bind_why;
    const int bind = o->mode != COUNT_SERIAL && topo_bind_plan(machine, most, o->bind, &bind_why);
    team_place place;
    team_place_init(&place, machine, most, bind, bind_why, o->verbose);
    if (!list || !rows || !secs || !first) {
        fputs("wordtally: out of memory\n", stderr);
        status = EXIT_INPUT;
    }

    for (int e = 0; e < n && status == EXIT_OK; e++) {
        const int t = list[e];
        topo_warn_oversubscribed(machine, t);
        int running = o->mode == COUNT_SERIAL ? 1 : team_size(t);
        if (running != t)
            fprintf(stderr, "wordtally: warning: asked for %d threads, the OpenMP runtime runs %d "
                            "(OMP_DYNAMIC, OMP_THREAD_LIMIT?)\n", t, running);
        count_setup setup = *base; /* everything main set up; only the team size varies */
        setup.threads = t;
        setup.place = o->mode != COUNT_SERIAL ? &place : NULL; /* each team pins itself */
        team_place_reset(&place);
        rows[e].threads = t;
        for (int r = 0; r <= runs && status == EXIT_OK; r++) {
            double s;
            status = count_all(p, &setup, e == 0 && r == 0 ? first : counts, &s);
            if (status != EXIT_OK)
                break;
            long d = e == 0 && r == 0 ? -1 : sweep_first_difference(first, counts, ncounts);
            if (d >= 0) {
                fprintf(stderr, "wordtally: %s: counts differ between runs: word %s is %llu "
                                "in the first run (%d thread%s) but %llu with %d thread%s (run "
                                "%d)\n", quote_name(0, p->names[d / (long)nw]),
                        quote_value(1, o->words.word[d % (long)nw]),
                        (unsigned long long)first[d], list[0], list[0] == 1 ? "" : "s",
                        (unsigned long long)counts[d], t, t == 1 ? "" : "s", r + 1);
                status = EXIT_MISMATCH;
                break;
            }
            if (r == 0)
                rows[e].warmup = s; /* page cache, thread start-up: reported apart, as STREAM */
            else
                secs[r - 1] = s;
        }
        if (o->verbose && setup.place)
            team_place_report(&place, t, stderr);
        if (status != EXIT_OK)
            break;
        rows[e].median = sweep_median(secs, runs); /* sorts: min and max are at the ends */
        rows[e].min = secs[0];
        rows[e].max = secs[runs - 1];
        warn_if_short(rows[e].min);
    }

    if (status == EXIT_OK) {
        for (size_t i = 0; i < ncounts; i++)
            total[i % nw] += first[i];
        int rc = -1;
        file_result *files = calloc(p->ninputs, sizeof *files);
        for (size_t i = 0; files && i < p->ninputs; i++)
            files[i] = (file_result){.name = p->names[i], .bytes = sizes[i],
                                     .counts = first + (size_t)i * nw};
        if (files && o->sweep) {
            sweep_table table = {.rows = rows, .n = n, .runs = runs, .kernel = kern->name,
                                 .chunk_size = o->chunk_size,
                                 .io = o->io == IO_MMAP ? "mmap" : "pread",
                                 .binding = binding_name(bind, o->bind),
                                 .cores = machine->ncores};
            rc = report_sweep(stdout, o->format, &o->words, files, (int)p->ninputs, total, &table);
        } else if (files) {
            rc = print_repeat(p, &rows[0], runs, files, kern);
        }
        free(files);
        if (rc < 0) {
            fprintf(stderr, "wordtally: standard output: %s\n", strerror(errno ? errno : EIO));
            status = EXIT_INPUT;
        }
    }
    team_place_free(&place);
    free(list);
    free(rows);
    free(secs);
    free(first);
    free(sizes);
    return status;
}
