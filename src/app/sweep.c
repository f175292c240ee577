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
            fprintf(stderr, "wordtally: %s: %s\n", quote_name(0, p->names[i]),
                    input_error(&in, err));
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
        fprintf(stderr, "wordtally: %s: %s\n", quote_name(0, r->name),
                r->why ? r->why : input_strerror(r->err));
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

/* --weak: the first `bytes` bytes of the one input, counted as if they were the whole file (so
 * the counts are those of `head -c bytes FILE`). check_inputs saw that it is long enough. */
static int count_prefix(const plan *p, const count_setup *s, uint64_t bytes, uint64_t *counts,
                        double *seconds)
{
    timed_run t = {.s = s, .counts = counts};
    count_stats st = {0};
    input in;
    int err = input_open(&in, p->names[0], &p->count.inputs);
    if (!err) {
        if (in.size < bytes) {
            err = INPUT_CHANGED; /* shorter than when the sweep began */
        } else {
            input_limit(&in, bytes);
            memset(counts, 0, s->words->n * sizeof *counts);
            err = count_input(s, &in, counts, &st);
        }
        input_close(&in);
    }
    run_result r = {.name = p->names[0], .err = err, .counts = counts, .st = &st};
    int status = keep_counts(&t, &r);
    *seconds = t.seconds;
    return status;
}

/* The 1-minute load average, or -1 where the system does not say. */
static double load_average(void)
{
    double load[1];
    return getloadavg(load, 1) == 1 ? load[0] : -1.0;
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

/* --weak: one input, long enough for the largest thread count's prefix. */
static int check_weak(const plan *p, const uint64_t *sizes, int most)
{
    const uint64_t weak = p->opt->weak;
    if (p->ninputs != 1) {
        fputs("wordtally: --weak: needs one FILE (t threads count its first t x SIZE bytes)\n",
              stderr);
        return EXIT_USAGE;
    }
    if (sizes[0] / (uint64_t)most < weak) {
        fprintf(stderr, "wordtally: %s: %llu bytes; --weak %llu with %d threads needs %llu\n",
                quote_name(0, p->names[0]), (unsigned long long)sizes[0],
                (unsigned long long)weak, most, (unsigned long long)weak * (uint64_t)most);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Says on stderr, once, what the table's warning column says row by row. */
static void warn_if_busy(const sweep_row *rows, int n, double load)
{
    int any = 0;
    for (int e = 0; e < n; e++)
        any |= rows[e].busy;
    if (any & SWEEP_BUSY_LOAD)
        fprintf(stderr, "wordtally: warning: the machine was busy: load average %.2f before the "
                        "sweep (other work takes cores the threads need): the speed-ups describe "
                        "the machine, not wordtally; measure on an idle or exclusive node\n", load);
    for (int e = 0; e < n; e++)
        if (rows[e].busy & SWEEP_BUSY_SPREAD)
            fprintf(stderr, "wordtally: warning: the runs of %d thread%s differ by %.0f%% (%.6f "
                            "to %.6f s): something else held the threads up; more --repeat runs "
                            "or an idle node\n", rows[e].threads, rows[e].threads == 1 ? "" : "s",
                    100 * (rows[e].max - rows[e].min) / rows[e].min, rows[e].min, rows[e].max);
}

/* What every row of a sweep shares. */
typedef struct {
    const plan *p;
    const topo *machine;
    const int *list; /* the thread counts, n of them */
    int n, runs;
    uint64_t bytes;  /* of the inputs */
    uint64_t *first, *counts; /* the counts every later run must equal, and a later run's */
    double *secs;    /* a row's timed runs */
    team_place *place;
    double load;     /* before any run of ours: the other work's */
} sweep;

/* Row e of the sweep: a warm-up run and the timed runs with list[e] threads, each checked against
 * the first counts. Returns EXIT_OK, or an exit status after a message. */
static int sweep_row_run(const sweep *w, int e, sweep_row *row)
{
    const plan *p = w->p;
    const options *o = p->opt;
    const size_t nw = o->words.n, ncounts = p->ninputs * nw;
    const int t = w->list[e];
    topo_warn_oversubscribed(w->machine, t);
    int running = o->mode == COUNT_SERIAL ? 1 : team_size(t);
    if (running != t)
        fprintf(stderr, "wordtally: warning: asked for %d threads, the OpenMP runtime runs %d "
                        "(OMP_DYNAMIC, OMP_THREAD_LIMIT?)\n", t, running);
    count_setup setup = p->count; /* everything main set up; only the team size varies */
    setup.threads = t;
    setup.place = o->mode != COUNT_SERIAL ? w->place : NULL; /* each team pins itself */
    team_place_reset(w->place);
    row->threads = t;
    row->bytes = o->weak ? (uint64_t)t * o->weak : w->bytes;
    uint64_t *ref = o->weak ? w->first + (size_t)e * nw : w->first;
    const int ref_threads = o->weak ? t : w->list[0];
    int status = EXIT_OK;
    for (int r = 0; r <= w->runs && status == EXIT_OK; r++) {
        const int is_ref = o->weak ? r == 0 : e == 0 && r == 0;
        uint64_t *into = is_ref ? ref : w->counts;
        double s;
        status = o->weak ? count_prefix(p, &setup, row->bytes, into, &s)
                         : count_all(p, &setup, into, &s);
        if (status != EXIT_OK)
            break;
        long d = is_ref ? -1 : sweep_first_difference(ref, w->counts, ncounts);
        if (d >= 0) {
            fprintf(stderr, "wordtally: %s: counts differ between runs: word %s is %llu "
                            "in the first run (%d thread%s) but %llu with %d thread%s (run "
                            "%d)\n", quote_name(0, p->names[d / (long)nw]),
                    quote_value(1, o->words.word[d % (long)nw]),
                    (unsigned long long)ref[d], ref_threads, ref_threads == 1 ? "" : "s",
                    (unsigned long long)w->counts[d], t, t == 1 ? "" : "s", r + 1);
            status = EXIT_MISMATCH;
            break;
        }
        if (r == 0)
            row->warmup = s; /* page cache, thread start-up: reported apart, as STREAM */
        else
            w->secs[r - 1] = s;
    }
    if (o->verbose && setup.place)
        team_place_report(w->place, t, stderr);
    if (status != EXIT_OK)
        return status;
    row->median = sweep_median(w->secs, w->runs); /* sorts: min and max are at the ends */
    row->min = w->secs[0];
    row->max = w->secs[w->runs - 1];
    row->counts = o->weak ? ref : NULL;
    if (w->load > SWEEP_BUSY_LOAD_ABOVE)
        row->busy |= SWEEP_BUSY_LOAD;
    if (row->min > 0 && row->max - row->min > SWEEP_BUSY_SPREAD_ABOVE * row->min)
        row->busy |= SWEEP_BUSY_SPREAD;
    warn_if_short(row->min);
    return EXIT_OK;
}

/* The table (--sweep) or the repeated run's line (--repeat). Returns the exit status. */
static int sweep_report(const sweep *w, sweep_row *rows, const uint64_t *sizes, int bind)
{
    const plan *p = w->p;
    const options *o = p->opt;
    const size_t nw = o->words.n, ncounts = p->ninputs * nw;
    /* The report's files and total: strong, the inputs' counts; weak, the largest prefix's. */
    int widest = 0;
    for (int e = 1; o->weak && e < w->n; e++)
        widest = rows[e].bytes > rows[widest].bytes ? e : widest;
    uint64_t *shown = w->first + (o->weak ? (size_t)widest * nw : 0);
    uint64_t *total = calloc(nw ? nw : 1, sizeof *total);
    file_result *files = calloc(p->ninputs, sizeof *files);
    for (size_t i = 0; total && i < ncounts; i++)
        total[i % nw] += shown[i];
    for (size_t i = 0; files && i < p->ninputs; i++)
        files[i] = (file_result){.name = p->names[i],
                                 .bytes = o->weak ? rows[widest].bytes : sizes[i],
                                 .counts = shown + (size_t)i * nw};
    int rc = -1;
    if (files && total && o->sweep) {
        warn_if_busy(rows, w->n, w->load);
        sweep_table table = {.rows = rows, .n = w->n, .runs = w->runs,
                             .kernel = p->count.kern->name, .chunk_size = o->chunk_size,
                             .io = o->io == IO_MMAP ? "mmap" : "pread",
                             .binding = binding_name(bind, o->bind),
                             .cores = w->machine->ncores, .weak = o->weak, .load = w->load};
        rc = report_sweep(stdout, o->format, &o->words, files, (int)p->ninputs, total, &table);
    } else if (files && total) {
        rc = print_repeat(p, &rows[0], w->runs, files, p->count.kern);
    }
    free(files);
    free(total);
    if (rc < 0) {
        fprintf(stderr, "wordtally: standard output: %s\n", strerror(errno ? errno : EIO));
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

/* The thread counts of the sweep (--sweep LIST, or the run's own for --repeat) into list.
 * Returns how many, or -1 after a message. */
static int sweep_threads(const plan *p, const topo *machine, int *list)
{
    const char *why = NULL;
    if (!p->opt->sweep) {
        list[0] = p->count.threads;
        return 1;
    }
    int n = parse_thread_list(p->opt->sweep, machine->ncores, list, THREADS_MAX, &why);
    if (n < 0)
        fprintf(stderr, "wordtally: --sweep %s: %s\n", quote_value(0, p->opt->sweep), why);
    return n;
}

int sweep_run(const plan *p, const topo *machine)
{
    const options *o = p->opt;
    const size_t nw = o->words.n, ncounts = p->ninputs * nw;
    sweep w = {.p = p, .machine = machine, .runs = o->repeat ? o->repeat : REPEAT_DEFAULT,
               .load = load_average()};
    uint64_t *sizes = calloc(p->ninputs, sizeof *sizes);
    int *list = malloc(THREADS_MAX * sizeof *list);
    if (!sizes || !list) {
        free(sizes);
        free(list);
        fputs("wordtally: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    int status = check_inputs(p, sizes);
    w.n = status == EXIT_OK ? sweep_threads(p, machine, list) : 1;
    w.list = list;
    if (w.n < 0)
        status = EXIT_USAGE;
    int most = 1;
    for (int e = 0; status == EXIT_OK && e < w.n; e++)
        most = list[e] > most ? list[e] : most;
    if (status == EXIT_OK && o->weak)
        status = check_weak(p, sizes, most);
    if (status != EXIT_OK) {
        free(list);
        free(sizes);
        return status;
    }
    for (size_t i = 0; i < p->ninputs; i++)
        w.bytes += sizes[i];
    /* NOLINTNEXTLINE(clang-analyzer-optin.portability.UnixAPI): sweep_threads gives -1 or >= 1 */
    sweep_row *rows = calloc((size_t)w.n, sizeof *rows);
    w.secs = calloc((size_t)w.runs, sizeof *w.secs);
    /* first: the counts every later run must equal (strong: the first run's, all inputs; weak:
     * each row's first run, one row after another); counts: a later run's. */
    const size_t nfirst = o->weak ? (size_t)w.n * nw : ncounts;
    w.first = calloc(nfirst + ncounts + 1, sizeof *w.first);
    /* No arithmetic on a NULL pointer (undefined behaviour): counts only when allocated. */
    w.counts = w.first ? w.first + nfirst : NULL;
    /* The binding of the largest team: every thread count of the table is placed the same way. */
    const char *bind_why = p->bind_why;
    const int bind = o->mode != COUNT_SERIAL && topo_bind_plan(machine, most, o->bind, &bind_why);
    team_place place;
    team_place_init(&place, machine, most, bind, bind_why, o->verbose);
    w.place = &place;
    if (!rows || !w.secs || !w.first) {
        fputs("wordtally: out of memory\n", stderr);
        status = EXIT_INPUT;
    }
    for (int e = 0; e < w.n && status == EXIT_OK; e++)
        status = sweep_row_run(&w, e, &rows[e]);
    if (status == EXIT_OK)
        status = sweep_report(&w, rows, sizes, bind);
    team_place_free(&place);
    free(list);
    free(rows);
    free(w.secs);
    free(w.first);
    free(sizes);
    return status;
}
