/* vocab_mode.c - a --top/--vocab run: every input counted into per-thread tables, merged and
 * sorted, then printed. When the vocabulary does not fit in --max-memory, the run is redone in
 * passes: pass p counts only the tokens of hash partition p, so each pass's table is a fraction
 * of the whole. --top keeps the best K across passes; --vocab writes each pass's sorted table to
 * a temporary file and merges those at the end. A stream cannot be read twice: its vocabulary
 * must fit in one pass, and an input that fails part-way is undone by counting again without it. */
#include "vocab_mode.h"

#include "engine/count.h"
#include "io/input.h"
#include "base/quote.h"
#include "mpi/ranks.h"
#include "report/report.h"
#include "base/timer.h"
#include "vocab/vocab_count.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PARTS_MAX 4096

typedef struct {
    const options *o;
    vocab_setup s;
    input_settings inputs; /* how the inputs are opened */
    int nfiles;
    file_result *files;
    int status;
    char *stream;         /* per input: not a regular file by stat(), so counted after the others */
    int recount;          /* an input failed after some of its tokens were counted: count again */
    uint64_t total_bytes; /* of the regular files, for the first pass's estimate */
} run_state;

/* Is there a report to print? JSON always has one, listing the errors even when every input
 * failed; text and CSV, as the plain count's, print nothing then. */
static int has_report(const run_state *r)
{
    for (int i = 0; i < r->nfiles; i++)
        if (!r->files[i].failed)
            return 1;
    return r->o->format == FORMAT_JSON;
}

/* Where temporary files go: TMPDIR, else /tmp. */
static const char *temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

/* A temporary file, gone when closed. */
static FILE *temp_file(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/wordtally-vocab-XXXXXX", temp_dir());
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+b");
    if (!f)
        close(fd);
    return f;
}

static uint64_t pass_tokens(const vocab_pass *v)
{
    uint64_t n = v->serial.tokens;
    for (int i = 0; i < v->ntables; i++)
        n += v->tables[i].tokens;
    return n;
}

/* A stream is read once: its tokens are counted into tables of their own and added to the pass's
 * only once it has been read to its end, so that one failing part-way leaves nothing behind. */
static int count_stream_alone(const vocab_setup *s, const input *in, vocab_pass *v)
{
    vocab_pass mine;
    int err = vocab_pass_init(&mine, s);
    if (!err)
        err = vocab_count_input(s, in, &mine);
    v->bytes += mine.bytes;
    v->over_budget |= mine.over_budget;
    v->parallel_seconds += mine.parallel_seconds;
    v->serial_seconds += mine.serial_seconds;
    for (int i = 0; !err && i < v->ntables; i++)
        if (vocab_merge(&v->tables[i], &mine.tables[i]) < 0)
            err = ENOMEM;
    if (!err && vocab_merge(&v->serial, &mine.serial) < 0)
        err = ENOMEM;
    vocab_pass_free(&mine);
    return err;
}

/* Input i into the pass. A failed input is named, and left out of the report: r->recount is set
 * when some of its tokens were counted, in this pass or an earlier one (every pass is then counted
 * again without it). */
static void count_one(run_state *r, vocab_pass *v, int i)
{
    file_result *f = &r->files[i];
    input in = {.why = ""};
    char stream_over[160] = "";
    uint64_t before = v->bytes, tokens = pass_tokens(v);
    int err = v->over_budget ? 0 : input_open(&in, f->name, &r->inputs);
    if (!err && !v->over_budget) {
        /* A compressed regular file, or one whose size procfs or sysfs makes up, is read as a
         * stream, but opened again it reads the same. */
        int again = in.seekable || !r->stream[i];
        if (!again && r->s.parts > 1) {
            snprintf(stream_over, sizeof stream_over, "the vocabulary does not fit in memory "
                     "(--max-memory %llu bytes), and a stream cannot be read again in passes",
                     (unsigned long long)r->o->max_memory);
            err = EFBIG;
        } else {
            err = in.seekable ? vocab_count_input(&r->s, &in, v)
                              : count_stream_alone(&r->s, &in, v);
            if (err == ENOMEM) { /* not the input's fault: count in finer passes */
                v->over_budget = 1;
                err = 0;
            }
        }
        f->packed_bytes = input_packed_bytes(&in); /* what the text came from, for JSON */
        input_close(&in);
    }
    uint64_t bytes = v->bytes - before;
    err = ranks_vocab_file(err, &bytes, &v->over_budget);
    f->bytes = bytes;
    if (err) {
        const char *why = err == INPUT_UNPACK ? input_error(&in, err) : ranks_strerror(err);
        snprintf(f->reason, sizeof f->reason, "%s", *stream_over ? stream_over : why);
        fprintf(stderr, "wordtally: %s: %s\n", quote_name(0, f->name), f->reason);
        f->failed = 1;
        r->status = EXIT_INPUT;
        r->recount = ranks_any(pass_tokens(v) != tokens) || r->s.part > 0;
    }
}

/* One pass over every input not failed yet: the regular files, then the streams, so that the
 * pass can be counted again without a file that failed part-way before any stream is read.
 * Returns 0, or EXIT_MISMATCH (printed). With MPI ranks every step is taken by all of them: they
 * agree on each file's outcome and on whether the pass must be redone, and the merged table is
 * shuffled so that each rank owns a partition. */
static int count_pass(run_state *r, vocab_pass *v, double *merge_seconds)
{
    /* Not run_inputs (run.c): its loop counts target words; this one orders, retries, tables. */
    for (int streams = 0; streams <= 1; streams++)
        for (int i = 0; i < r->nfiles && !r->recount; i++)
            if (!r->files[i].failed && r->stream[i] == streams)
                count_one(r, v, i);
    if (r->recount)
        return 0;
    if (v->over_budget)
        return 0;
    double t0 = timer_now();
    int err = vocab_pass_merge(v);
    *merge_seconds += timer_now() - t0;
    size_t need = vocab_memory(&v->tables[0]) + v->tables[0].used * sizeof(vocab_entry);
    int mismatch = 0;
    if (!err && r->s.mode == COUNT_VERIFY) { /* each rank checks its own share */
        vocab_difference d;
        mismatch = vocab_compare(&v->tables[0], &v->serial, &d);
        if (mismatch > 0)
            report_vocab_mismatch(stderr, &d);
        err = mismatch < 0;
        mismatch = mismatch > 0;
    }
    if (ranks_any(mismatch)) {
        if (!mismatch)
            fputs("wordtally: verification failed on another MPI rank\n", stderr);
        return EXIT_MISMATCH;
    }
    t0 = timer_now();
    /* Out of memory, or over the limit: finer partitions. */
    v->over_budget = ranks_any(err || (r->s.budget && need > r->o->max_memory));
    if (!v->over_budget && r->s.ranks > 1)
        v->over_budget = ranks_vocab_shuffle(&v->tables[0]) < 0;
    *merge_seconds += timer_now() - t0;
    return 0;
}

/* One try at the whole vocabulary in `parts` hash partitions, and what it leaves to print. */
typedef struct {
    uint32_t parts;
    uint32_t nruns;     /* --vocab: one sorted run on disk per partition (0: printed at once) */
    FILE **runs;
    vocab_topk best;    /* --top K: the best entries across the partitions */
    vocab_summary sum;
    run_info run;
    int redo;           /* over budget, or a failed input's tokens counted: try again */
} attempt;

/* The next try's partitions when a pass went over budget: from the share of the input that
 * pass got through (the same on every rank). 0 when even PARTS_MAX did not fit (printed). */
static uint32_t finer_parts(const run_state *r, uint32_t parts, const vocab_pass *v)
{
    uint64_t got = ranks_sum(v->bytes);
    uint64_t total = r->total_bytes ? r->total_bytes : got;
    uint64_t factor = got && total ? (13 * total / got + 9) / 10 : 2;
    factor = factor < 2 ? 2 : factor > 64 ? 64 : factor;
    if (parts >= PARTS_MAX) {
        fprintf(stderr, "wordtally: --max-memory: the vocabulary does not fit in %llu bytes, even "
                        "in %d passes\n", (unsigned long long)r->o->max_memory, PARTS_MAX);
        return 0;
    }
    return parts * factor > PARTS_MAX ? PARTS_MAX : parts * (uint32_t)factor;
}

/* A pass's merged table into the try's result: the best K, the table printed at once, or a
 * sorted run on disk. Returns 1, or 0 after a message (r->status set when it was not memory). */
static int keep_table(run_state *r, attempt *a, uint32_t p, const vocab_table *t,
                      vocab_report *out)
{
    a->sum.tokens += ranks_sum(t->tokens);
    a->sum.distinct += ranks_sum(t->used);
    if (r->o->top)
        return vocab_topk_table(&a->best, t) == 0;
    size_t n;
    vocab_entry *e = vocab_sorted(t, &n);
    int ok = e || n == 0;
    if (ok && !a->nruns && has_report(r)) {
        report_vocab_begin(out);
        for (size_t i = 0; i < n; i++)
            report_vocab_entry(out, &e[i]);
    } else if (ok && a->runs) {
        ok = (a->runs[p] = temp_file()) && vocab_run_write(a->runs[p], e, n) == 0;
        if (!ok) {
            fprintf(stderr, "wordtally: %s: temporary file: %s\n", temp_dir(), strerror(errno));
            r->status = EXIT_INPUT; /* said: not memory */
        }
    }
    free(e);
    return ok;
}

/* Counts partition p of the try into a pass, and keeps its table. Returns 1 to go on. */
static int count_partition(run_state *r, attempt *a, uint32_t p, vocab_report *out)
{
    vocab_pass v;
    double merge = 0;
    r->s.part = p;
    if (vocab_pass_init(&v, &r->s) != 0)
        return 0;
    int rc = count_pass(r, &v, &merge);
    a->run.seconds += (r->o->mode == COUNT_SERIAL ? v.serial_seconds : v.parallel_seconds) + merge;
    a->run.serial_seconds += v.serial_seconds;
    int ok = 1, kept = 0;
    if (rc) {
        r->status = rc;
        ok = 0;
    } else if (v.over_budget) { /* again with finer partitions */
        a->parts = finer_parts(r, a->parts, &v);
        if (!a->parts)
            r->status = EXIT_INPUT;
        a->redo = ok = a->parts != 0;
    } else if (r->recount) { /* a failed input's tokens are in this pass or an earlier one */
        a->redo = 1;
    } else {
        ok = keep_table(r, a, p, &v.tables[0], out);
        kept = 1;
    }
    vocab_pass_free(&v);
    /* The ranks agree on the other outcomes already (count_pass); a table's can differ. */
    return kept ? !ranks_any(!ok) : ok;
}

/* After the last partition: rank 0 gathers the other ranks' results, then prints the report. */
static void gather_and_print(run_state *r, attempt *a, vocab_report *out)
{
    /* NOLINTNEXTLINE(bugprone-branch-clone): both are 0 with one process */
    int ok = r->o->top ? ranks_vocab_top(&a->best) == 0
                       : !a->nruns || ranks_vocab_runs(&a->runs, &a->nruns, temp_file) == 0;
    if (!ok) {
        fputs("wordtally: out of memory or temporary files, gathering the MPI ranks' tables\n",
              stderr);
        r->status = EXIT_INPUT;
        return;
    }
    if (r->s.rank != 0 || !has_report(r))
        return;
    if (r->o->top) {
        size_t n = vocab_topk_finish(&a->best);
        report_vocab_begin(out);
        for (size_t i = 0; i < n; i++)
            report_vocab_entry(out, &a->best.e[i]);
    } else if (a->nruns) {
        report_vocab_begin(out);
        if (vocab_runs_merge(a->runs, a->nruns, report_vocab_entry, out) != 0) {
            fprintf(stderr, "wordtally: %s: temporary file: %s\n", temp_dir(), strerror(errno));
            r->status = EXIT_INPUT;
        }
    }
    if (report_vocab_end(out, r->files, r->nfiles, &a->sum, &a->run) < 0) {
        fprintf(stderr, "wordtally: standard output: %s\n", strerror(errno));
        r->status = EXIT_INPUT;
    }
}

/* One try: every partition, then the report. Returns 1 when another try is needed. */
static int try_parts(run_state *r, attempt *a, vocab_report *out)
{
    const options *o = r->o;
    /* Each thread's table may take a share of the limit; merging needs as much again. */
    r->s.budget = (size_t)(o->max_memory / (2 * (uint64_t)(r->s.threads + (o->mode == COUNT_VERIFY))));
    r->s.parts = a->parts;
    r->recount = 0;
    a->redo = 0;
    a->sum = (vocab_summary){.max_memory = o->max_memory, .passes = (int)a->parts};
    a->run.seconds = a->run.serial_seconds = 0;
    /* --vocab in one pass on one rank prints the table at once; otherwise sorted runs. */
    a->nruns = (a->parts > 1 || r->s.ranks > 1) && !o->top ? a->parts : 0;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of FILE pointers, sized as such */
    a->runs = a->nruns ? calloc(a->nruns, sizeof *a->runs) : NULL;
    int ok = (!a->nruns || a->runs) && (!o->top || vocab_topk_init(&a->best, (size_t)o->top) == 0);
    ok = !ranks_any(!ok); /* every MPI rank takes the same way */
    const uint32_t parts = a->parts;
    for (uint32_t p = 0; ok && p < parts && !a->redo; p++)
        ok = count_partition(r, a, p, out);
    if (!ok && r->status == EXIT_OK) {
        fprintf(stderr, "wordtally: %s: out of memory (a smaller --max-memory counts in more "
                        "passes)\n", o->top ? "--top" : "--vocab");
        r->status = EXIT_INPUT;
    }
    if (ok && !a->redo && r->status != EXIT_MISMATCH)
        gather_and_print(r, a, out);
    for (uint32_t p = 0; a->runs && p < a->nruns; p++)
        if (a->runs[p])
            fclose(a->runs[p]);
    free(a->runs);
    a->runs = NULL;
    vocab_topk_free(&a->best);
    return ok && a->redo;
}

int vocab_run(const options *o, const count_setup *count, char **names, int nfiles)
{
    const int threads = count->threads;
    /* Arena blocks and sort arrays above this size are mapped on their own, so that what a pass
     * frees goes back to the system (malloc's adaptive threshold would keep it for reuse). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    run_state r = {.o = o, .nfiles = nfiles, .status = EXIT_OK,
                   .inputs = {.decompress = o->decompress, .threads = threads}};
    r.s = (vocab_setup){.threads = threads, .mode = o->mode, .chunk_size = o->chunk_size,
                        .utf8 = o->words.encoding == ENC_UTF8, .fold = o->words.fold,
                        .tokens = o->words.tokens, .parts = 1, .kern = count->kern, .place = count->place};
    ranks_vocab_share(&r.s.rank, &r.s.ranks);
    r.files = calloc((size_t)nfiles, sizeof *r.files);
    r.stream = calloc((size_t)nfiles, 1);
    if (!r.files || !r.stream) {
        free(r.files);
        free(r.stream);
        fprintf(stderr, "wordtally: %s: out of memory (a smaller --max-memory counts in more "
                        "passes)\n", o->top ? "--top" : "--vocab");
        return EXIT_INPUT;
    }
    struct stat st;
    for (int i = 0; i < nfiles; i++) {
        r.files[i].name = names[i];
        int kind = input_kind(names[i], &st);
        if (kind == INPUT_KIND_FILE || kind == INPUT_KIND_STDIN_FILE)
            r.total_bytes += (uint64_t)st.st_size; /* how much a first pass got through */
        /* Read once, after the files (count_pass): streams, and standard input even when it is a
         * file, since reading it leaves its offset at the end for whoever reads it next. */
        r.stream[i] = (char)(kind == INPUT_KIND_STREAM || kind == INPUT_KIND_STDIN_FILE);
    }
    vocab_report out = {.out = stdout, .format = o->format, .top = o->top,
                        .encoding = o->words.encoding, .fold = o->words.fold,
                        .tokens = o->words.tokens};
    attempt a = {.parts = 1,
                 .run = {.threads = threads, .chunk_size = o->chunk_size,
                         .kernel = count->kern->name,
                         .ranks = r.s.ranks > 1 ? (int)r.s.ranks : 0,
                         .mode = o->mode == COUNT_SERIAL   ? "serial"
                                 : o->mode == COUNT_VERIFY ? "verify"
                                                           : "parallel"}};
    while (r.status != EXIT_MISMATCH && try_parts(&r, &a, &out))
        ;
    free(r.files);
    free(r.stream);
    return r.status;
}
