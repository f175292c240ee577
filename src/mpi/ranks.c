/* ranks.c - MPI + OpenMP: each rank counts a contiguous share of every file's chunk table with its
 * own OpenMP team, bound inside the rank's CPU set; rank 0 gets the sums (MPI_Reduce on
 * MPI_UINT64_T) and reports. Only built into wordtally-mpi (make mpi).
 *
 * No rank may hang when another fails: every rank makes the same collective calls in the same
 * order whatever happened to it (ranks_combine runs once per file on every rank, failed or not),
 * and the ranks' error codes are gathered before anything depends on them. */
#include "ranks.h"
#include "ranks_internal.h"

#include "base/chunks.h"
#include "base/limits.h"
#include "base/words.h"
#include "engine/run.h"
#include "vocab/vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RANKS_TEXT(n) RANKS_TEXT_(n)
#define RANKS_TEXT_(n) #n

int my_rank, nranks;
char on_rank_reason[160];
static int saved_stderr = -1; /* a rank > 0's real stderr, given back by --verbose */

/* What every rank tells the others about one file (MPI_Allgather, as MPI_INT64_T). */
enum { F_ERR, F_BYTES, F_MISMATCH, F_FOUND, F_CHUNK, F_OFFSET, F_WORD, F_A, F_B, F_WHOLE, F_N };
static int64_t *gathered; /* size * F_N */

static void finalize(void)
{
    int done = 0;
    MPI_Finalized(&done);
    if (!done) {
        /* Whatever their exit status, no rank leaves before rank 0 has printed: mpirun may kill
         * the others as soon as one exits non-zero. */
        fflush(stdout);
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Finalize();
    }
}

/* ---- whole lines: a launcher forwards each rank's stdout and stderr as it reads them, so a line
 * written in pieces (stdio writes a message in several, and flushes a full buffer mid-line) can be
 * cut by another rank's. Each rank's stdout and stderr are streams (fopencookie) that hand on
 * whole lines only, several in one write(2) at most, and with several ranks stderr's lines say
 * whose they are: "wordtally: rank 1: thread 0: pinned ...". ---- */

int buf_room(bytes_buf *b, size_t need)
{
    if (b->p && b->n + need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + need)
        cap *= 2;
    uint8_t *np = realloc(b->p, cap);
    if (!np)
        return -1;
    b->p = np;
    b->cap = cap;
    return 0;
}

typedef struct {
    int fd;
    int tag;              /* stderr: insert "rank N: " after "wordtally: " */
    bytes_buf line;       /* the line begun and not ended yet */
} line_out;

static line_out line_stdout = {.fd = STDOUT_FILENO}, line_stderr = {.fd = STDERR_FILENO, .tag = 1};

/* Returns 0, or -1 (errno set) when the bytes could not all be written. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k == 0 ? (errno = EIO, -1) : -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Appends n bytes to b. Returns 0, or -1 when out of memory. */
static int line_append(bytes_buf *b, const char *p, size_t n)
{
    if (buf_room(b, n) < 0)
        return -1;
    memcpy(b->p + b->n, p, n);
    b->n += n;
    return 0;
}

/* Writes the complete lines of o's buffer in one write(2), keeps the rest. Returns 0, or -1
 * (errno set) when the write failed: the lines are dropped, and stdio sees the error (ferror), as
 * with a plain stream. */
static int line_emit(line_out *o, int all)
{
    const char *text = (const char *)o->line.p;
    size_t end = o->line.n;
    while (!all && end > 0 && text[end - 1] != '\n')
        end--;
    if (end == 0)
        return 0;
    int rc;
    if (!o->tag) {
        rc = write_all(o->fd, text, end);
    } else {
        static const char program[] = "wordtally: ";
        char tag[32];
        int taglen = snprintf(tag, sizeof tag, "rank %d: ", my_rank);
        bytes_buf out = {0};
        int ok = 1;
        for (size_t at = 0; at < end && ok;) {
            const char *nl = memchr(text + at, '\n', end - at);
            size_t len = nl ? (size_t)(nl - (text + at)) + 1 : end - at;
            const char *l = text + at;
            size_t skip = len >= sizeof program - 1 && memcmp(l, program, sizeof program - 1) == 0
                              ? sizeof program - 1 : 0;
            /* A line that already says whose it is (-v's "rank 1 of 2") is not tagged again. */
            const size_t id = (size_t)taglen - 2; /* "rank N" */
            int says = len - skip > id && memcmp(l + skip, tag, id) == 0 && l[skip + id] == ' ';
            ok = line_append(&out, program, sizeof program - 1) == 0 &&
                 (says || line_append(&out, tag, (size_t)taglen) == 0) &&
                 line_append(&out, l + skip, len - skip) == 0;
            at += len;
        }
        if (ok)
            rc = write_all(o->fd, (const char *)out.p, out.n);
        else
            rc = write_all(o->fd, text, end); /* out of memory: whole lines, untagged */
        int saved = errno;
        free(out.p);
        errno = saved;
    }
    memmove(o->line.p, o->line.p + end, o->line.n - end);
    o->line.n -= end;
    return rc;
}

static ssize_t line_write(void *cookie, const char *p, size_t n)
{
    line_out *o = cookie;
    if (line_append(&o->line, p, n) < 0) {
        if (line_emit(o, 1) < 0 || write_all(o->fd, p, n) < 0)
            return -1;
        return (ssize_t)n;
    }
    return line_emit(o, 0) < 0 ? -1 : (ssize_t)n;
}

/* At exit, before MPI_Finalize: what stdio still holds, then a last line without its newline. */
static void lines_flush(void)
{
    fflush(stdout);
    fflush(stderr);
    line_emit(&line_stdout, 1);
    line_emit(&line_stderr, 1);
}

static void lines_start(void)
{
    cookie_io_functions_t io = {.write = line_write};
    FILE *out = fopencookie(&line_stdout, "w", io);
    FILE *err = nranks > 1 ? fopencookie(&line_stderr, "w", io) : NULL;
    line_stderr.tag = nranks > 1;
    fflush(stdout);
    if (out && setvbuf(out, NULL, _IOFBF, 1 << 16) == 0)
        stdout = out; /* glibc's stdout and stderr may be assigned */
    if (!err)
        err = fopencookie(&line_stderr, "w", io);
    if (err && setvbuf(err, NULL, _IONBF, 0) == 0)
        stderr = err; /* unbuffered: line_write gets every piece at once, and ends lines */
    atexit(lines_flush);
}

_Noreturn void abort_ranks(void)
{
    MPI_Abort(MPI_COMM_WORLD, EXIT_INPUT);
    abort(); /* MPI_Abort does not return; the analysers do not know it */
}

void ranks_init(int *argc, char ***argv)
{
    int provided; /* only the master thread calls MPI: OpenMP teams never do */
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    atexit(finalize);
    MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    gathered = malloc((size_t)nranks * F_N * sizeof *gathered);
    if (!gathered) {
        fputs("wordtally: out of memory\n", stderr);
        abort_ranks();
    }
    lines_start();
    if (my_rank > 0) {
        /* One report and one copy of each message, from rank 0. */
        fflush(stdout);
        saved_stderr = dup(STDERR_FILENO);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            close(null);
        }
    }
}

int ranks_mpi(void)
{
    return 1;
}

const char *ranks_strerror(int err)
{
    return err == INPUT_ON_RANK ? on_rank_reason : input_strerror(err);
}

const char *ranks_describe(void)
{
    return "yes (MPI " RANKS_TEXT(MPI_VERSION) "." RANKS_TEXT(MPI_SUBVERSION) ")";
}

int ranks_agree(int status, const uint64_t mine[2])
{
    /* Every rank must take the same way out: a rank that stops here (a words file or a CPU
     * feature that only its node lacks) while the others go on into the next collective call
     * would leave them waiting for ever. */
    int worst;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    uint64_t digest[2] = {0, 0}, lo[2], hi[2];
    if (status < 0) {
        digest[0] = mine[0];
        digest[1] = mine[1];
    }
    MPI_Allreduce(digest, lo, 2, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(digest, hi, 2, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (worst < 0 && lo[0] != hi[0]) {
        fputs("wordtally: the MPI ranks read different word lists (--words-file differs between "
              "nodes?)\n", stderr);
        return EXIT_USAGE;
    }
    if (worst < 0 && lo[1] != hi[1]) {
        fputs("wordtally: the MPI ranks were given different command lines (FILEs, --chunk-size, "
              "--format, --kernel, --io, --top/--vocab or the counting mode differ between "
              "ranks)\n", stderr);
        return EXIT_USAGE;
    }
    if (worst != status && my_rank == 0)
        fputs("wordtally: another MPI rank rejected the command line (a --words-file or a CPU "
              "feature for --kernel that differs between nodes?)\n", stderr);
    return worst;
}

int ranks_check_inputs(int status, char *const *names, size_t n)
{
    /* -r, -L and --files-from expand differently on ranks given other options, lists or trees:
     * a rank with fewer inputs would leave the others waiting in a collective call, and one with
     * other files of the same sizes would add up other files' shares. The expanded list must
     * agree, as the options do. */
    int worst;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    uint64_t digest = digest_mix(FNV64_OFFSET, (uint64_t)n), lo, hi;
    for (size_t i = 0; i < n; i++)
        digest = digest_text(digest, names[i], strlen(names[i]));
    MPI_Allreduce(&digest, &lo, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&digest, &hi, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (worst < 0 && lo != hi) {
        fputs("wordtally: the MPI ranks found different inputs (-r, -L or --files-from give "
              "other names on some ranks)\n", stderr);
        return EXIT_USAGE;
    }
    if (worst != status && my_rank == 0)
        fputs("wordtally: another MPI rank could not list its inputs\n", stderr);
    return worst;
}

void ranks_place(topo *t, int bind, int verbose)
{
    if (verbose && saved_stderr >= 0)
        dup2(saved_stderr, STDERR_FILENO);
    MPI_Comm node;
    int local, nlocal;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, my_rank, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local);
    MPI_Comm_size(node, &nlocal);

    /* Did the launcher give this node's ranks different CPUs? Compare the sets as strings. */
    enum { LEN = 1024 };
    char mine[LEN] = "";
    if (t->allowed)
        hwloc_bitmap_snprintf(mine, LEN, t->allowed);
    char *all = malloc((size_t)nlocal * LEN);
    int shared = 0;
    if (all) {
        MPI_Allgather(mine, LEN, MPI_CHAR, all, LEN, MPI_CHAR, node);
        shared = 1;
        for (int i = 0; i < nlocal; i++)
            shared &= strcmp(all + (size_t)i * LEN, mine) == 0;
        free(all);
    } else {
        abort_ranks(); /* the others are in the Allgather */
    }
    MPI_Comm_free(&node);

    if (bind && shared && nlocal > 1 && topo_can_bind(t)) {
        /* The same split as the chunk table's; with more ranks than cores, they take turns. */
        uint64_t first = (uint64_t)(local % t->ncores), end = first + 1;
        if (t->ncores >= nlocal)
            chunks_share((uint64_t)t->ncores, (uint64_t)local, (uint64_t)nlocal, &first, &end);
        hwloc_bitmap_t set = hwloc_bitmap_alloc();
        for (uint64_t c = first; set && c < end; c++)
            hwloc_bitmap_or(set, set, t->core_set[c]);
        if (set && hwloc_set_cpubind(t->topology, set, HWLOC_CPUBIND_PROCESS) == 0) {
            topo_free(t);
            topo_init(t); /* now the rank's own set */
        } else {
            fprintf(stderr, "wordtally: warning: rank %d: could not bind to its share of the "
                            "node's cores; its threads may share cores with other ranks\n", my_rank);
        }
        hwloc_bitmap_free(set);
    }
    if (verbose) {
        char host[MPI_MAX_PROCESSOR_NAME] = "?";
        int len;
        MPI_Get_processor_name(host, &len);
        char *set = NULL;
        if (t->allowed)
            hwloc_bitmap_list_asprintf(&set, t->allowed);
        fprintf(stderr, "wordtally: rank %d of %d (%d of %d on %s): CPUs %s, %d core%s%s\n", my_rank,
                nranks, local, nlocal, host, set ? set : "?", t->ncores, t->ncores == 1 ? "" : "s",
                bind && shared && nlocal > 1 ? " (its share of the node's)" : "");
        free(set);
    }
}


/* --verify: rank 0 counts the whole file with the serial path, through the same run loop as
 * every count (run.h), on its own: parts 0 means no ranks to combine with. */
typedef struct {
    size_t nwords;
    uint64_t *counts;
    double seconds;
} whole_count;

static int keep_whole(void *ctx, const run_result *r)
{
    whole_count *w = ctx;
    if (!r->err)
        memcpy(w->counts, r->counts, w->nwords * sizeof *w->counts);
    w->seconds = r->st->serial_seconds;
    return r->err;
}

static int count_whole_serially(const count_setup *setup, const char *name, uint64_t *counts,
                                double *seconds)
{
    count_setup whole = *setup;
    whole.mode = COUNT_SERIAL;
    whole.parts = 0;
    whole.ranks = NULL; /* rank 0 alone */
    whole.threads = 1;
    whole_count w = {.nwords = setup->words->n, .counts = counts};
    char *names[] = {(char *)name};
    int err = run_inputs(&whole, names, 1, keep_whole, &w);
    *seconds = w.seconds;
    return err;
}

static int ranks_combine(const count_setup *setup, const char *name, uint64_t *counts, int err,
                  count_stats *st)
{
    int64_t mine[F_N] = {err, (int64_t)st->bytes, st->mismatch, st->where.found,
                         (int64_t)st->where_chunk, (int64_t)st->where_offset,
                         (int64_t)st->where.word, (int64_t)st->where.a, (int64_t)st->where.b,
                         st->whole};
    MPI_Allgather(mine, F_N, MPI_INT64_T, gathered, F_N, MPI_INT64_T, MPI_COMM_WORLD);

    /* Every rank draws the same conclusion from the same table. */
    err = 0;
    int mismatch = -1, failed = -1;
    for (int r = 0; r < nranks; r++) {
        const int64_t *g = gathered + (size_t)r * F_N;
        if (failed < 0 && g[F_ERR])
            failed = r;
        if (mismatch < 0 && g[F_MISMATCH])
            mismatch = r;
    }
    if (failed >= 0)
        err = (int)gathered[(size_t)failed * F_N + F_ERR];
    if (failed > 0 && my_rank == 0) { /* rank 0's message says which rank could not read it */
        snprintf(on_rank_reason, sizeof on_rank_reason, "%s (on MPI rank %d of %d)",
                 input_strerror(err), failed, nranks);
        err = INPUT_ON_RANK;
    }
    /* A compressed input is counted whole by rank 0 (count.c), the others add nothing: all
     * must have found it compressed. */
    for (int r = 1; r < nranks && !err; r++)
        if (gathered[(size_t)r * F_N + F_WHOLE] != gathered[F_WHOLE] ||
            (!gathered[F_WHOLE] && gathered[(size_t)r * F_N + F_BYTES] != gathered[F_BYTES]))
            err = INPUT_RANKS_DIFFER; /* their shares would not tile the file */

    double seconds[2] = {st->parallel_seconds, st->serial_seconds};
    MPI_Reduce(my_rank ? seconds : MPI_IN_PLACE, seconds, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    st->parallel_seconds = seconds[0];
    st->serial_seconds = seconds[1];
    if (err)
        return err;

    const size_t nwords = setup->words->n;
    MPI_Reduce(my_rank ? counts : MPI_IN_PLACE, counts, (int)nwords, MPI_UINT64_T, MPI_SUM, 0,
               MPI_COMM_WORLD);

    if (mismatch >= 0) { /* a rank's own share: its parallel and serial paths disagreed */
        const int64_t *g = gathered + (size_t)mismatch * F_N;
        st->mismatch = 1;
        st->where.found = (int)g[F_FOUND];
        st->where_chunk = (uint64_t)g[F_CHUNK];
        st->where_offset = (uint64_t)g[F_OFFSET];
        st->where.word = (size_t)g[F_WORD];
        st->where.a = (uint64_t)g[F_A];
        st->where.b = (uint64_t)g[F_B];
    } else if (my_rank == 0 && setup->mode == COUNT_VERIFY) {
        /* The whole file, serially, against the sum of the ranks' parallel counts: this also
         * checks the shares and the reduction. */
        uint64_t *whole = calloc(nwords, sizeof *whole);
        double whole_seconds = 0;
        err = whole ? count_whole_serially(setup, name, whole, &whole_seconds) : ENOMEM;
        if (!err && memcmp(whole, counts, nwords * sizeof *whole) != 0) {
            st->mismatch = 1;
            st->where.found = 0;
        }
        st->serial_seconds = whole_seconds;
        free(whole);
    }
    return err;
}

/* ---- many inputs (count_files) ---- */

/* Every rank's own look at every file of the batch, for the check that they all see the same
 * files: the first rank that cannot stat one (rank << 16 | errno, so that the smallest is the
 * first rank's), and the smallest and largest size the ranks see (the largest as its negation,
 * so that one MPI_MIN finds both). */
enum { L_FAIL, L_MIN, L_NEGMAX, L_N };
#define L_NONE INT64_MAX

static void look(const char *name, int64_t *l)
{
    struct stat st;
    l[L_FAIL] = L_NONE;
    l[L_MIN] = L_NONE;
    l[L_NEGMAX] = L_NONE;
    if (stat(name, &st) != 0)
        l[L_FAIL] = (int64_t)my_rank << 16 | (errno & 0xffff);
    else if (!S_ISREG(st.st_mode))
        l[L_MIN] = -1; /* not a regular file here: never the size the opener saw */
    else
        l[L_MIN] = l[L_NEGMAX] = (int64_t)st.st_size;
    if (l[L_NEGMAX] != L_NONE)
        l[L_NEGMAX] = -l[L_NEGMAX];
}

static void ranks_files_kinds(table_file *f, size_t m)
{
    /* Each rank fills in the files it opened first, zeros elsewhere: the sum is the opener's. */
    enum { K_ERR, K_DEFERRED, K_SIZE, K_N };
    int64_t *k = calloc(m * K_N, sizeof *k), *l = malloc(m * L_N * sizeof *l);
    if (!k || !l) {
        fputs("wordtally: out of memory\n", stderr);
        abort_ranks();
    }
    for (size_t j = (size_t)my_rank; j < m; j += (size_t)nranks) {
        k[j * K_N + K_ERR] = f[j].err;
        k[j * K_N + K_DEFERRED] = f[j].deferred;
        k[j * K_N + K_SIZE] = (int64_t)f[j].size;
    }
    for (size_t j = 0; j < m; j++)
        look(f[j].name, l + j * L_N);
    MPI_Allreduce(MPI_IN_PLACE, k, (int)(m * K_N), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, l, (int)(m * L_N), MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
    for (size_t j = 0; j < m; j++) {
        f[j].err = (int)k[j * K_N + K_ERR];
        f[j].deferred = (int)k[j * K_N + K_DEFERRED];
        f[j].size = f[j].st.bytes = (uint64_t)k[j * K_N + K_SIZE];
        if (f[j].err)
            f[j].failed_on = (int)(j % (size_t)nranks);
        if (f[j].err || f[j].deferred)
            continue; /* the one-input path checks the ranks' views of those itself */
        /* A file of one chunk is read by its opener alone: every rank must see the same file,
         * as when each read its share. */
        const int64_t *g = l + j * L_N;
        if (g[L_FAIL] != L_NONE) {
            f[j].err = (int)(g[L_FAIL] & 0xffff);
            f[j].failed_on = (int)(g[L_FAIL] >> 16);
        } else if (g[L_MIN] != (int64_t)f[j].size || -g[L_NEGMAX] != (int64_t)f[j].size) {
            f[j].err = INPUT_RANKS_DIFFER;
        }
    }
    free(l);
    free(k);
}

static void ranks_combine_files(const count_setup *setup, table_file *f, size_t m, uint64_t *counts)
{
    int *errs = malloc(m * (size_t)nranks * sizeof *errs), *mine = calloc(m, sizeof *mine);
    double *seconds = malloc(m * sizeof *seconds);
    if (!errs || !mine || !seconds) {
        fputs("wordtally: out of memory\n", stderr);
        abort_ranks();
    }
    for (size_t j = 0; j < m; j++) {
        mine[j] = f[j].err;
        seconds[j] = f[j].st.parallel_seconds;
    }
    MPI_Allgather(mine, (int)m, MPI_INT, errs, (int)m, MPI_INT, MPI_COMM_WORLD);
    for (size_t j = 0; j < m; j++) /* the opener's error was known to all; else the first */
        for (int r = 0; r < nranks && f[j].failed_on < 0 && !f[j].deferred; r++)
            if (errs[(size_t)r * m + j]) {
                f[j].err = errs[(size_t)r * m + j];
                f[j].failed_on = r;
            }
    MPI_Allreduce(MPI_IN_PLACE, seconds, (int)m, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    for (size_t j = 0; j < m; j++)
        f[j].st.parallel_seconds = seconds[j];
    MPI_Reduce(my_rank ? counts : MPI_IN_PLACE, counts, (int)(m * setup->words->n), MPI_UINT64_T,
               MPI_SUM, 0, MPI_COMM_WORLD);
    free(seconds);
    free(mine);
    free(errs);
}

static int ranks_failed_on(int err, int failed)
{
    if (!err || failed <= 0 || my_rank != 0)
        return err;
    snprintf(on_rank_reason, sizeof on_rank_reason, "%s (on MPI rank %d of %d)",
             input_strerror(err), failed, nranks);
    return INPUT_ON_RANK;
}

static int ranks_agree_stop(int stop)
{
    int any;
    MPI_Allreduce(&stop, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any;
}

static const count_ranks hooks = {
    .files_kinds = ranks_files_kinds,
    .combine_files = ranks_combine_files,
    .combine = ranks_combine,
    .failed_on = ranks_failed_on,
    .agree_stop = ranks_agree_stop,
};

void ranks_share(count_setup *setup)
{
    setup->part = my_rank;
    setup->parts = nranks;
    setup->ranks = &hooks;
}
