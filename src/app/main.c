/* main.c - the whole run: options, the plan (threads, binding, kernel, inputs), the one run loop
 * over the inputs (run.h), the report. */
#include "cli.h"
#include "io/input.h"
#include "io/unpack.h"
#include "plan.h"
#include "engine/progress.h"
#include "base/quote.h"
#include "mpi/ranks.h"
#include "report/report.h"
#include "engine/run.h"
#include "base/stdfd.h"
#include "sweep.h"
#include "engine/topo.h"
#include "vocab_mode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A plain count: each input's result goes to the report as soon as it is done, so memory does not
 * grow with the number of inputs. */
typedef struct {
    const plan *p;
    report_stream out;
    run_info run;
    int status;
    const chunk_report *rows; /* --per-chunk's */
} tally;

static int tally_input(void *ctx, const run_result *r)
{
    tally *t = ctx;
    const wordlist *w = t->p->count.words;
    file_result f = {.name = r->name, .bytes = r->st->bytes, .packed_bytes = r->st->packed_bytes,
                     .counts = (uint64_t *)r->counts};
    t->run.seconds += t->p->count.mode == COUNT_SERIAL ? r->st->serial_seconds
                                                       : r->st->parallel_seconds;
    t->run.serial_seconds += r->st->serial_seconds;
    if (r->err == INPUT_STOPPED)
        return t->rows->err; /* stops the loop: standard output is gone */
    if (t->p->opt->verbose && *r->st->decoded)
        fprintf(stderr, "wordtally: %s: %s; %llu compressed bytes, %llu bytes of text\n",
                quote_name(0, r->name), r->st->decoded, (unsigned long long)r->st->packed_bytes,
                (unsigned long long)r->st->bytes);
    if (r->err) {
        snprintf(f.reason, sizeof f.reason, "%s", r->why ? r->why : ranks_strerror(r->err));
        fprintf(stderr, "wordtally: %s: %s\n", quote_name(0, f.name), f.reason);
        f.failed = 1;
        if (t->status == EXIT_OK)
            t->status = EXIT_INPUT;
    } else if (r->st->mismatch) {
        report_mismatch(stderr, f.name, w, r->st);
        snprintf(f.reason, sizeof f.reason, "verification failed");
        f.failed = 1;
        t->status = EXIT_MISMATCH;
    }
    if (report_input(&t->out, &f) < 0)
        return errno ? errno : EIO; /* stops the loop: standard output is gone, or memory */
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
    tally t = {.p = p, .run = {.threads = p->count.threads, .chunk_size = o->chunk_size,
                               .kernel = o->kern->name, .mode = mode_name(o->mode),
                               .ranks = p->count.parts, .total = o->total},
             .rows = &rows};
    uint64_t *total = calloc(nw ? nw : 1, sizeof *total);
    if (!total) {
        fputs("wordtally: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    /* CSV with --per-chunk is the chunk table alone (one table per output). */
    const int format = o->per_chunk && o->format == FORMAT_CSV ? REPORT_NONE : o->format;
    int stop = report_begin(&t.out, stdout, format, &o->words, o->total, n, total) < 0
                   ? ENOMEM
                   : run_inputs(&s, p->names, n, tally_input, &t);
    if (o->verbose && s.place)
        team_place_report(s.place, s.threads, stderr);
    int rc = report_end(&t.out, &t.run);
    if (format == REPORT_NONE)
        rc = report_chunk_end(&rows);
    if (stop == ENOMEM) {
        fputs("wordtally: out of memory\n", stderr);
        t.status = EXIT_INPUT;
    } else if (stop || rc < 0) {
        fprintf(stderr, "wordtally: standard output: %s\n", strerror(stop ? stop : errno));
        if (t.status == EXIT_OK)
            t.status = EXIT_INPUT;
    }
    free(total);
    return t.status;
}

/* Idle OpenMP threads wait passively (docs/HPC.md, "Waiting threads"). Unless told otherwise,
 * libgomp's idle threads spin for milliseconds every time the team waits: for the reader of a pipe
 * or a decoder that is most of the run, 1 to 1.5 CPU-seconds per GB spent doing nothing, taken
 * from the other jobs of a shared node. libgomp reads OMP_WAIT_POLICY once, in its constructor,
 * and nothing the program does after that changes it. A policy the user chose (OMP_WAIT_POLICY,
 * GOMP_SPINCOUNT, KMP_BLOCKTIME) stands. */
#ifdef OMP_ENV_READ_AFTER_CONSTRUCTORS
/* The runtime reads its environment after this (the Makefile links libgomp statically, so its
 * constructor comes after this one, of the first priority a program may use; LLVM's libomp reads
 * it at the first OpenMP call): setting the variable is enough. */
__attribute__((constructor(101))) static void wait_passively(void)
{
    if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT") && !getenv("KMP_BLOCKTIME"))
        setenv("OMP_WAIT_POLICY", "passive", 1);
}
#else
/* A shared libgomp has read its environment before any constructor of the program. Only the
 * executable's .preinit_array runs earlier, but there the C library is not initialised yet:
 * environ is still NULL, and the C library's own constructor sets it back to the array the kernel
 * gave, so a setenv made there is lost. So this hook, with that array as its argument, starts the
 * program again with the variable added: no library's constructor has run yet, so libgomp has
 * neither warned about a bad OMP_NUM_THREADS nor pinned this thread for OMP_PROC_BIND, and the new
 * image starts as the first would have. When the exec fails (no /proc) the program runs on as
 * started. */
static int env_has(char *const *envp, const char *name)
{
    size_t n = strlen(name);
    for (; *envp; envp++)
        if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
            return 1;
    return 0;
}

static void wait_passively(int argc, char **argv, char **envp)
{
    (void)argc;
    if (!envp || env_has(envp, "OMP_WAIT_POLICY") || env_has(envp, "GOMP_SPINCOUNT") ||
        env_has(envp, "KMP_BLOCKTIME"))
        return;
    size_t n = 0;
    while (envp[n])
        n++;
    if (n > 1u << 16) /* an environment that large runs as started: not worth half a MiB of stack */
        return;
    char *env[n + 2]; /* no malloc before the C library is initialised */
    memcpy(env, envp, n * sizeof *env);
    env[n] = "OMP_WAIT_POLICY=passive";
    env[n + 1] = NULL;
    execve("/proc/self/exe", argv, env); /* returns only when it failed */
}

__attribute__((section(".preinit_array"), used)) static void (*const wait_hook)(int, char **,
                                                                              char **) =
    wait_passively;
#endif

int main(int argc, char **argv)
{
    stdfd_reserve(); /* before anything opens a file: "-" never reads another input */
    ranks_init(&argc, &argv); /* one process's no-op in plain wordtally (ranks_none.c) */
    options o;
    int status = cli_parse(argc, argv, &o);
    if (ranks_mpi())
        status = cli_check_ranks(status, &o);
    uint64_t digest[2] = {0, 0};
    if (status < 0)
        cli_digest(&o, digest);
    status = ranks_agree(status, digest);
    if (status >= 0) {
        cli_free(&o);
        return status;
    }
    topo machine;
    topo_init(&machine);
    ranks_place(&machine, topo_should_bind(o.bind), o.verbose);
    plan p;
    status = plan_resolve(&p, &o, &machine); /* an exit code if the inputs cannot be listed */
    unpack_keep_cpus(); /* before the team is pinned: decoding threads run on these CPUs */
    status = ranks_check_inputs(status, p.names, p.ninputs);
    if (status >= 0) {
        ;
    } else if (o.topology) {
        status = topo_print(stdout, &machine, p.count.threads, p.threads_from, p.bind,
                            p.bind_why) < 0
                     ? EXIT_INPUT : EXIT_OK;
    } else if (o.sweep || o.repeat) { /* timed runs: sweep.c */
        status = sweep_run(&p, &machine);
    } else {
        team_place place;
        plan_start_team(&p, &machine, &place);
        ranks_share(&p.count);
        if (o.top || o.vocab) /* every token's count instead of the target words': vocab_mode.c */
            status = vocab_run(&o, &p.count, p.names, (int)p.ninputs);
        else
            status = count_and_report(&p);
        team_place_free(&place);
    }
    if (status == EXIT_OK && p.inputs.empty) /* empty names in a --null list, reported already */
        status = EXIT_INPUT;
    plan_free(&p);
    topo_free(&machine);
    cli_free(&o);
    return status;
}
