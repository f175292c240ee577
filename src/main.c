/* main.c - the whole run: options, threads and binding, count every input, report. */
#include "cli.h"
#include "count.h"
#include "input.h"
#include "kernel.h"
#include "progress.h"
#include "ranks.h"
#include "report.h"
#include "stdfd.h"
#include "sweep.h"
#include "topo.h"
#include "vocab_run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *mode_name(int mode)
{
    return mode == COUNT_SERIAL ? "serial" : mode == COUNT_VERIFY ? "verify" : "parallel";
}

int main(int argc, char **argv)
{
    /* ---- set-up (not timed) ---- */
    stdfd_reserve(); /* before anything opens a file: "-" never reads another input */
    ranks_init(&argc, &argv); /* wordtally-mpi only (ranks.h), like every ranks_ call */
    options o;
    int status = ranks_check_options(cli_parse(argc, argv, &o), &o);
    if (status >= 0) {
        cli_free(&o);
        return status;
    }

    topo machine;
    topo_init(&machine);
    ranks_place(&machine, topo_should_bind(o.no_bind), o.verbose);
    const char *source = "-t";
    int threads = o.threads ? o.threads : topo_default_threads(&machine, &source);
    if (o.mode == COUNT_SERIAL) {
        threads = 1;
        source = "--serial";
    }
    count_setup setup = {.words = &o.words, .kern = o.kern, .chunk_size = o.chunk_size,
                         .threads = threads, .mode = o.mode, .io = o.io};
    if (o.topology || o.sweep || o.repeat) { /* these own the rest of the run: topo.c, sweep.c */
        if (o.topology)
            status = topo_print(stdout, &machine, threads, source, topo_should_bind(o.no_bind)) < 0
                         ? EXIT_INPUT : EXIT_OK;
        else
            status = sweep_run(&o, &machine, &setup);
        topo_free(&machine);
        cli_free(&o);
        return status;
    }
    topo_warn_oversubscribed(&machine, threads);
    if (o.verbose)
        fprintf(stderr, "wordtally: %d thread%s (from %s); %d physical core%s, %d PUs allowed\n",
                threads, threads == 1 ? "" : "s", source, machine.ncores,
                machine.ncores == 1 ? "" : "s", machine.npus);
    team_place place;
    team_place_init(&place, &machine, threads, topo_should_bind(o.no_bind), o.verbose);
    if (o.mode != COUNT_SERIAL)
        setup.place = &place;

    static char *stdin_only[] = {"-"};
    char **names = o.nfiles ? o.files : stdin_only;
    int nfiles = o.nfiles ? o.nfiles : 1;
    if (o.top || o.vocab) { /* every token's count instead of the target words': vocab_run.c */
        status = vocab_run(&o, threads, names, nfiles);
        topo_free(&machine);
        cli_free(&o);
        return status;
    }
    ranks_share(&setup);
    progress bar; /* stderr only; per-chunk rows go to stdout as chunks complete */
    setup.progress = progress_init(&bar, o.progress, stderr);
    chunk_report rows = {.out = stdout, .format = o.format, .w = &o.words};
    if (o.per_chunk) {
        setup.per_chunk = report_chunk;
        setup.per_chunk_ctx = &rows;
        report_chunk_header(&rows);
    }
    file_result *files = calloc((size_t)nfiles, sizeof *files);
    uint64_t *counts = calloc((size_t)nfiles * o.words.n + o.words.n, sizeof *counts);
    if (!files || !counts) {
        fputs("wordtally: out of memory\n", stderr);
        free(files);
        free(counts);
        return EXIT_INPUT;
    }
    uint64_t *total = counts + (size_t)nfiles * o.words.n; /* after the check: NULL + n is UB */
    run_info run = {.threads = threads, .chunk_size = o.chunk_size, .kernel = o.kern->name,
                    .mode = mode_name(o.mode), .ranks = setup.parts};
    status = EXIT_OK;

    /* ---- counting (timed inside count_input: only the counting loops) ---- */
    for (int i = 0; i < nfiles; i++) {
        file_result *f = &files[i];
        f->name = names[i];
        f->counts = counts + (size_t)i * o.words.n;
        input in;
        count_stats st = {0};
        int err = input_open(&in, f->name);
        if (!err) {
            err = count_input(&setup, &in, f->counts, &st);
            input_close(&in);
        }
        err = ranks_combine(&setup, f, err, &st);
        f->bytes = st.bytes;
        run.seconds += o.mode == COUNT_SERIAL ? st.serial_seconds : st.parallel_seconds;
        run.serial_seconds += st.serial_seconds;
        if (err) {
            snprintf(f->reason, sizeof f->reason, "%s", input_strerror(err));
            fprintf(stderr, "wordtally: %s: %s\n", f->name, f->reason);
            f->failed = 1;
            if (status == EXIT_OK)
                status = EXIT_INPUT;
        } else if (st.mismatch) {
            report_mismatch(stderr, f->name, &o.words, &st);
            snprintf(f->reason, sizeof f->reason, "verification failed");
            f->failed = 1;
            status = EXIT_MISMATCH;
        }
        for (size_t k = 0; k < o.words.n && !f->failed; k++)
            total[k] += f->counts[k];
    }

    if (o.verbose && setup.place)
        team_place_report(&place, threads, stderr);
    team_place_free(&place);

    /* ---- report: only when something was counted, so a failed run prints no zeros ---- */
    int counted = 0;
    for (int i = 0; i < nfiles; i++)
        counted += !files[i].failed;
    if (counted) {
        int rc = o.per_chunk && o.format == FORMAT_CSV /* the chunk table is the whole report */
                     ? report_chunk_end(&rows)
                     : report_print(stdout, o.format, &o.words, files, nfiles, total, &run);
        if (rc < 0) {
            fprintf(stderr, "wordtally: standard output: %s\n", strerror(errno));
            if (status == EXIT_OK)
                status = EXIT_INPUT;
        }
    }
    free(files);
    free(counts);
    topo_free(&machine);
    cli_free(&o);
    return status;
}
