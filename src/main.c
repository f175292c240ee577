/* main.c - the whole run: options, the plan (threads, binding, kernel, inputs), the one run loop
 * over the inputs (run.h), the report. */
#include "cli.h"
#include "input.h"
#include "plan.h"
#include "progress.h"
#include "quote.h"
#include "ranks.h"
#include "report.h"
#include "run.h"
#include "stdfd.h"
#include "sweep.h"
#include "topo.h"
#include "vocab_run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* What a plain count keeps of each input for the report. */
typedef struct {
    const plan *p;
    file_result *files; /* one per input */
    uint64_t *counts;   /* ninputs x words, then the total */
    uint64_t *total;
    run_info run;
    int status;
} tally;

static int tally_input(void *ctx, const run_result *r)
{
    tally *t = ctx;
    const wordlist *w = t->p->count.words;
    file_result *f = &t->files[r->index];
    f->name = r->name;
    f->counts = t->counts + r->index * w->n;
    f->bytes = r->st->bytes;
    memcpy(f->counts, r->counts, w->n * sizeof *f->counts);
    t->run.seconds += t->p->count.mode == COUNT_SERIAL ? r->st->serial_seconds
                                                       : r->st->parallel_seconds;
    t->run.serial_seconds += r->st->serial_seconds;
    if (r->err) {
        snprintf(f->reason, sizeof f->reason, "%s", input_strerror(r->err));
        fprintf(stderr, "wordtally: %s: %s\n", quote_name(0, f->name), f->reason);
        f->failed = 1;
        if (t->status == EXIT_OK)
            t->status = EXIT_INPUT;
    } else if (r->st->mismatch) {
        report_mismatch(stderr, f->name, w, r->st);
        snprintf(f->reason, sizeof f->reason, "verification failed");
        f->failed = 1;
        t->status = EXIT_MISMATCH;
    }
    for (size_t k = 0; k < w->n && !f->failed; k++)
        t->total[k] += f->counts[k];
    return 0;
}

static const char *mode_name(int mode)
{
    return mode == COUNT_SERIAL ? "serial" : mode == COUNT_VERIFY ? "verify" : "parallel";
}

/* A plain count of every input, then the report: only when something was counted, so a failed
 * run prints no zeros; but JSON always, as a script reads its errors list. */
static int count_and_report(const plan *p)
{
    const options *o = p->opt;
    const size_t n = p->ninputs, nw = o->words.n;
    count_setup s = p->count;
    progress bar; /* stderr only; per-chunk rows go to stdout as chunks complete */
    s.progress = progress_init(&bar, o->progress, stderr);
    chunk_report rows = {.out = stdout, .format = o->format, .w = &o->words};
    if (o->per_chunk) {
        s.per_chunk = report_chunk;
        s.per_chunk_ctx = &rows;
        report_chunk_header(&rows);
    }
    tally t = {.p = p, .files = calloc(n, sizeof *t.files),
               .counts = calloc(n * nw + nw, sizeof *t.counts),
               .run = {.threads = p->count.threads, .chunk_size = o->chunk_size,
                       .kernel = o->kern->name, .mode = mode_name(o->mode),
                       .ranks = p->count.parts, .total = o->total}};
    if (t.counts)
        t.total = t.counts + n * nw; /* only then: NULL + n is undefined behaviour */
    if (!t.files || !t.counts || run_inputs(&s, p->names, n, tally_input, &t)) {
        fputs("wordtally: out of memory\n", stderr);
        t.status = EXIT_INPUT;
    }
    if (o->verbose && s.place)
        team_place_report(s.place, s.threads, stderr);
    int counted = 0;
    for (size_t i = 0; t.files && t.counts && i < n; i++)
        counted += !t.files[i].failed;
    if (counted || (o->format == FORMAT_JSON && t.files && t.counts)) {
        int rc = o->per_chunk && o->format == FORMAT_CSV /* the chunk table is the whole report */
                     ? report_chunk_end(&rows)
                     : report_print(stdout, o->format, &o->words, t.files, (int)n, t.total, &t.run);
        if (rc < 0) {
            fprintf(stderr, "wordtally: standard output: %s\n", strerror(errno));
            if (t.status == EXIT_OK)
                t.status = EXIT_INPUT;
        }
    }
    free(t.files);
    free(t.counts);
    return t.status;
}

int main(int argc, char **argv)
{
    stdfd_reserve(); /* before anything opens a file: "-" never reads another input */
    ranks_init(&argc, &argv); /* wordtally-mpi only (ranks.h), like every ranks_ call */
    options o;
    int status = ranks_check_options(cli_parse(argc, argv, &o), &o);
    if (status >= 0) {
        cli_free(&o);
        return status;
    }
    input_decompress = o.decompress;
    topo machine;
    topo_init(&machine);
    ranks_place(&machine, topo_should_bind(o.no_bind), o.verbose);
    plan p;
    status = plan_resolve(&p, &o, &machine); /* an exit code if the inputs cannot be listed */
    if (status >= 0) {
        ;
    } else if (o.topology) {
        status = topo_print(stdout, &machine, p.count.threads, p.threads_from, p.bind) < 0
                     ? EXIT_INPUT : EXIT_OK;
    } else if (o.sweep || o.repeat) { /* timed runs: sweep.c */
        status = sweep_run(&p, &machine);
    } else {
        team_place place;
        plan_start_team(&p, &machine, &place);
        ranks_share(&p.count);
        if (o.top || o.vocab) /* every token's count instead of the target words': vocab_run.c */
            status = vocab_run(&o, p.count.threads, p.names, (int)p.ninputs);
        else
            status = count_and_report(&p);
        team_place_free(&place);
    }
    plan_free(&p);
    topo_free(&machine);
    cli_free(&o);
    return status;
}
