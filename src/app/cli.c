/* cli.c - parsing and checking the command line; the usage text. */
#include "cli.h"

#include "base/chunks.h"
#include "engine/count.h"
#include "buildinfo.h"
#include "io/mapio.h"
#include "engine/progress.h"
#include "base/quote.h"
#include "base/stdfd.h"
#include "engine/topo.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: wordtally [OPTION]... [FILE]...\n"
    "Count how often target words occur in FILEs, exactly, with all cores.\n"
    "With no FILE, or when FILE is -, read standard input.\n"
    "\n"
    "A token is a maximal run of bytes other than whitespace; a word counts when a token\n"
    "equals it byte for byte (case-sensitive unless -i). Whitespace (--encoding):\n"
    "  utf-8 (default)  Unicode whitespace as UTF-8: bytes 09-0D 1C-20 (hex) and the sequences\n"
    "                   of U+0085 U+00A0 U+1680 U+2000-200A U+2028 U+2029 U+202F U+205F U+3000;\n"
    "                   any other byte, invalid UTF-8 included, is a token byte\n"
    "  latin1           the bytes 09-0D 1C-20 85 A0\n"
    "\n"
    "  -w, --word WORD        count WORD; repeat for several (default: dog cat boy girl)\n"
    "      --words-file F     count the words in F, one per line (blank lines skipped;\n"
    "                         - : standard input, then FILEs must be named)\n"
    "      --encoding ENC     utf-8 (default) or latin1: which bytes are whitespace (above)\n"
    "  -i, --ignore-case      match whatever the case: in utf-8 by Unicode simple case\n"
    "                         folding (accented, Greek, Cyrillic letters; KELVIN SIGN = k),\n"
    "                         in latin1 A-Z = a-z only\n"
    "      --tokens=RULE      space (default): tokens are the runs of non-whitespace above;\n"
    "                         words: the words of Unicode word segmentation (UAX #29 as\n"
    "                         ICU does it): \"dog,\" holds dog, \"e-mail\" holds e and mail,\n"
    "                         \"dog's\" and \"3.14\" are one word each\n"
    "  -t, --threads N        threads (default: OMP_NUM_THREADS, else the physical cores\n"
    "                         this process may use)\n"
    "  -c, --chunk-size SIZE  bytes per chunk of the chunk table; K, M, G, T suffixes are\n"
    "                         powers of 1024 (default: 256K); every chunk costs about 1 us\n"
    "                         on its own, so tiny chunks are slow: -c 1 takes 10-25 CPU\n"
    "                         minutes per GB\n"
    "      --serial           count with the serial path only (one thread, no OpenMP)\n"
    "      --verify           count with the parallel and the serial path and compare:\n"
    "                         exit 3 naming the first differing chunk and word\n"
    "  -f, --format FMT       text (default), csv or json\n"
    "  -q, --quiet            print only the total counts, on one line in word order\n"
    "      --kernel NAME      counting kernel: auto (default: the fastest this CPU runs),\n"
    "                         scalar, avx2, avx2-filter, avx512, vbmi (x86-64), neon or\n"
    "                         sve (AArch64); an error if the CPU lacks it; --tokens=words\n"
    "                         has auto, scalar, avx2, avx512, neon and sve (words-NAME)\n"
    "      --io MODE          how files are read: pread (default) into per-thread buffers, or\n"
    "                         mmap (counted in place; a file that shrinks is an error, exit 1)\n"
    "      --bind             pin thread i to core i of the allowed CPUs, always (default:\n"
    "                         only when the threads fill them, or when the allowed CPUs\n"
    "                         are fewer than the machine's: a job's, a cpuset, taskset)\n"
    "      --no-bind          do not pin threads to cores (also off when OMP_PROC_BIND\n"
    "                         or OMP_PLACES is set: the OpenMP runtime's binding stands)\n"
    "  -v, --verbose          print threads, cores and where each thread runs, and how\n"
    "                         each compressed input was decoded, on stderr\n"
    "      --repeat N         count N times after a warm-up run; report min, median and\n"
    "                         max seconds (FILEs only: a stream cannot be read twice)\n"
    "      --sweep LIST       scaling table: for each thread count of LIST (e.g. 1,2,4,8,\n"
    "                         or 'cores' for 1 to all physical cores) a warm-up run and\n"
    "                         --repeat runs (default 3): best and median seconds, GB/s,\n"
    "                         speed-up over the first entry, parallel efficiency;\n"
    "                         exit 3 if any two runs' counts differ; a warning (stderr\n"
    "                         and the table) when the machine was busy\n"
    "      --weak SIZE        with --sweep, weak scaling: t threads count the first\n"
    "                         t x SIZE bytes of the one FILE (K, M, G, T suffixes)\n"
    "      --topology         print the cores as hwloc sees them and where the threads\n"
    "                         would run, then exit\n"
    "      --per-chunk        also the counts of every chunk, in chunk-table order (CSV:\n"
    "                         file,chunk,offset,length, a column per word; text: a line\n"
    "                         per chunk before the totals; not with --format json)\n"
    "      --progress         progress on stderr (bytes, GB/s, time left) even when\n"
    "                         stderr is not a terminal; --no-progress: never (default:\n"
    "                         only when stderr is a terminal)\n"
    "      --top K            instead of target words: the K most frequent tokens (words\n"
    "                         with --tokens=words), most frequent first, ties in byte\n"
    "                         order (text: COUNT TOKEN lines; csv: token,count; json: a\n"
    "                         \"vocab\" list)\n"
    "      --vocab            every distinct token with its count, in the order of --top\n"
    "      --max-memory SIZE  memory for the --top/--vocab tables (default: half of RAM);\n"
    "                         a larger vocabulary is counted in several passes over the\n"
    "                         FILEs, one hash partition at a time (at least 1M)\n"
    "  -r, --recursive        a directory FILE stands for the regular files under it,\n"
    "                         in byte order of their paths (symbolic links skipped)\n"
    "  -L, --dereference      with -r, follow symbolic links inside directories\n"
    "      --include=GLOB     only files whose base name matches GLOB (a shell pattern,\n"
    "                         quoted: '*.txt'); repeat for several\n"
    "      --exclude=GLOB     skip files whose base name matches GLOB (wins over --include)\n"
    "      --exclude-dir=GLOB with -r, skip directories whose base name matches GLOB\n"
    "                         (e.g. .git); for anything richer: find ... -print0 |\n"
    "                         wordtally --files-from - --null\n"
    "      --files-from F     also count the inputs named in F, one per line (- : standard\n"
    "                         input); --null: names end with NUL bytes (find -print0),\n"
    "                         an empty one an error (exit 1; the others are counted)\n"
    "      --total=WHEN       text and CSV: the total when several inputs are counted\n"
    "                         (auto, the default), always, only (no per-input rows) or never;\n"
    "                         not with --top/--vocab (one vocabulary over all inputs)\n"
    "      --decompress=WHEN  auto (default): a FILE or stream whose first bytes are gzip,\n"
    "                         zstd, xz or bzip2 is counted as the text it holds, a tar or\n"
    "                         zip archive as its regular members (each its own token\n"
    "                         stream), damaged data an error (exit 1); never: count every\n"
    "                         input's bytes as they are\n"
    "  -h, --help             print this help and exit\n"
    "  -V, --version          print the version and the build features (kernels, MPI,\n"
    "                         libraries), then exit\n"
    "\n"
    "Exit status: 0 success; 1 an input could not be read (the others are still counted);\n"
    "2 usage error (nothing counted); 3 --verify found the two paths disagree, or two\n"
    "runs of --sweep/--repeat counted differently.\n";

enum { /* long options without a short form: values above any character */
    OPT_WORDS_FILE = 256, OPT_SERIAL, OPT_VERIFY, OPT_KERNEL, OPT_NO_BIND, OPT_SWEEP, OPT_REPEAT,
    OPT_TOPOLOGY, OPT_PER_CHUNK, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_IO, OPT_TOP, OPT_VOCAB,
    OPT_MAX_MEMORY, OPT_ENCODING, OPT_FILES_FROM, OPT_NULL, OPT_TOTAL, OPT_DECOMPRESS, OPT_BIND,
    OPT_INCLUDE, OPT_EXCLUDE, OPT_EXCLUDE_DIR, OPT_TOKENS, OPT_WEAK
};

static const struct option long_options[] = {
    {"word", required_argument, NULL, 'w'},
    {"recursive", no_argument, NULL, 'r'},
    {"dereference", no_argument, NULL, 'L'},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"exclude-dir", required_argument, NULL, OPT_EXCLUDE_DIR},
    {"files-from", required_argument, NULL, OPT_FILES_FROM},
    {"null", no_argument, NULL, OPT_NULL},
    {"total", required_argument, NULL, OPT_TOTAL},
    {"decompress", required_argument, NULL, OPT_DECOMPRESS},
    {"words-file", required_argument, NULL, OPT_WORDS_FILE},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"tokens", required_argument, NULL, OPT_TOKENS},
    {"ignore-case", no_argument, NULL, 'i'},
    {"threads", required_argument, NULL, 't'},
    {"chunk-size", required_argument, NULL, 'c'},
    {"serial", no_argument, NULL, OPT_SERIAL},
    {"verify", no_argument, NULL, OPT_VERIFY},
    {"format", required_argument, NULL, 'f'},
    {"quiet", no_argument, NULL, 'q'},
    {"kernel", required_argument, NULL, OPT_KERNEL},
    {"bind", no_argument, NULL, OPT_BIND},
    {"no-bind", no_argument, NULL, OPT_NO_BIND},
    {"verbose", no_argument, NULL, 'v'},
    {"sweep", required_argument, NULL, OPT_SWEEP},
    {"repeat", required_argument, NULL, OPT_REPEAT},
    {"weak", required_argument, NULL, OPT_WEAK},
    {"topology", no_argument, NULL, OPT_TOPOLOGY},
    {"per-chunk", no_argument, NULL, OPT_PER_CHUNK},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"io", required_argument, NULL, OPT_IO},
    {"top", required_argument, NULL, OPT_TOP},
    {"vocab", no_argument, NULL, OPT_VOCAB},
    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* A usage error's one line; the --help hint only where the help can help (not a file's fault). */
static int usage_message(const char *option, const char *value, const char *why, int hint)
{
    const char *try = hint ? " (try --help)" : "";
    if (value)
        fprintf(stderr, "wordtally: %s %s: %s%s\n", option, quote_value(0, value), why, try);
    else
        fprintf(stderr, "wordtally: %s: %s%s\n", quote_name(0, option), why, try);
    return EXIT_USAGE;
}

static int usage_error(const char *option, const char *value, const char *why)
{
    return usage_message(option, value, why, 1);
}

/* An option getopt_long rejected: "--no" is ambiguous (--no-bind, --no-progress, --null), which
 * getopt reports as unknown too. The candidates are named. */
static int unknown_option(const char *arg)
{
    size_t n = strncmp(arg, "--", 2) == 0 ? strcspn(arg + 2, "=") : 0;
    char list[256] = "";
    int found = 0;
    for (const struct option *o = long_options; n && o->name; o++) {
        if (strncmp(o->name, arg + 2, n) != 0)
            continue;
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s--%s", found ? ", " : "", o->name);
        found++;
    }
    if (found > 1) {
        char why[300];
        snprintf(why, sizeof why, "ambiguous option: %s", list);
        return usage_error(arg, NULL, why);
    }
    return usage_error(arg, NULL, "unknown option");
}

/* The option getopt rejected, as the user wrote it. A long one is the argument itself; a short
 * one may sit inside a cluster ("-vx") that getopt has not finished with, so argv[optind - 1]
 * can even be the previous argument: name the letter alone. */
static const char *bad_option(char **argv, char buf[3])
{
    const char *arg = argv[optind - 1];
    if (optopt == 0 || strncmp(arg, "--", 2) == 0)
        return arg;
    buf[0] = '-';
    buf[1] = (char)optopt;
    buf[2] = '\0';
    return buf;
}

/* Whether standard input is one of the inputs: no FILE and no --files-from, or a FILE "-". */
static int stdin_is_input(const options *o)
{
    if (o->nfiles == 0 && !o->names.files_from)
        return 1;
    for (int i = 0; i < o->nfiles; i++)
        if (strcmp(o->files[i], "-") == 0)
            return 1;
    return 0;
}

/* --sweep and --repeat time several runs of the same count: they need inputs that can be read
 * again, and one path to time. */
static int check_timed_runs(const options *o)
{
    const char *name = o->sweep ? "--sweep" : "--repeat";
    if (o->weak && !o->sweep)
        return usage_error("--weak", NULL, "needs --sweep (it sets the bytes each thread counts)");
    if (o->topology || (!o->sweep && !o->repeat))
        return -1;
    if (o->sweep && o->threads)
        return usage_error("--sweep", NULL, "not with --threads (the list gives the thread counts)");
    if (o->sweep && o->mode != COUNT_PARALLEL)
        return usage_error("--sweep", NULL, "not with --serial or --verify (it times the parallel "
                                            "path; every run's counts are compared)");
    if (o->mode == COUNT_VERIFY)
        return usage_error("--repeat", NULL, "not with --verify (time one path: the parallel "
                                             "one, or --serial)");
    if (o->per_chunk)
        return usage_error(name, NULL, "not with --per-chunk (it would print every run's chunks)");
    if (stdin_is_input(o))
        return usage_error(name, NULL, "needs FILEs (standard input cannot be read twice)");
    return -1;
}

/* --top and --vocab count every token: target words and per-chunk or timed runs do not apply. */
static int check_vocab(options *o)
{
    const char *name = o->top ? "--top" : "--vocab";
    if (o->top && o->vocab)
        return usage_error("--top", NULL, "not with --vocab (--vocab is every token)");
    if (o->words.n)
        return usage_error(name, NULL, "not with --word or --words-file (it counts every token)");
    if (o->per_chunk || o->sweep || o->repeat)
        return usage_error(name, NULL, "not with --per-chunk, --sweep or --repeat");
    if (o->io != IO_PREAD) /* a token may go on past a block: the sink reads on by pread */
        return usage_error(name, NULL, "not with --io mmap (it reads by pread)");
    if (!o->max_memory)
        o->max_memory = topo_memory_bytes() / 2; /* SPEC §5: half of what the process may use */
    return -1;
}

static const char *const default_words[] = {"dog", "cat", "boy", "girl"};

static const char short_options[] = ":w:t:c:f:iqrLvhV";

/* The mode (--encoding, -i, --tokens) is read in a pass of its own before the other options: the
 * words are checked against it, and it may come after them. Returns -1, or EXIT_USAGE after the
 * message. */
static int parse_mode(int argc, char **argv, wordlist *w)
{
    int c;
    opterr = 0;
    optind = 0; /* 0: a full restart of GNU getopt */
    while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        if (c == 'i')
            w->fold = 1;
        if (c == OPT_TOKENS) {
            int t = tokens_from_name(optarg);
            if (t < 0)
                return usage_error("--tokens", optarg, "expected space or words");
            w->tokens = t;
        }
        if (c != OPT_ENCODING)
            continue;
        int enc = encoding_from_name(optarg);
        if (enc < 0)
            return usage_error("--encoding", optarg, "expected utf-8 or latin1");
        w->encoding = enc;
    }
    return -1;
}

int cli_parse(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->chunk_size = CHUNK_DEFAULT_SIZE;
    o->mode = COUNT_PARALLEL;
    o->format = FORMAT_TEXT;
    o->kernel = "auto";
    o->decompress = 1;

    const char *why = NULL;
    int quiet = 0, total_given = 0;
    int words_stdin = 0; /* --words-file -: standard input is read, to its end */
    uint64_t v;
    int c;
    char optbuf[3];
    if (parse_mode(argc, argv, &o->words) >= 0)
        return EXIT_USAGE;
    opterr = 0; /* our own one-line messages */
    optind = 0;
    while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (words_add(&o->words, optarg, &why) < 0)
                return usage_error("--word", optarg, why);
            break;
        case OPT_WORDS_FILE:
            if (words_add_file(&o->words, optarg, &why) < 0) /* the file's fault: no hint */
                return usage_message("--words-file", optarg, why ? why : strerror(errno), 0);
            words_stdin |= strcmp(optarg, "-") == 0;
            break;
        case OPT_ENCODING: /* read by parse_mode */
        case OPT_TOKENS:
        case 'i':
            break;
        case 't':
            if (parse_count(optarg, THREADS_MAX, &v) < 0)
                return usage_error("--threads", optarg, "not a thread count from 1 to 4096");
            o->threads = (int)v;
            break;
        case 'c':
            if (parse_size(optarg, &v) < 0)
                return usage_error("--chunk-size", optarg,
                                   "not a size from 1 byte to 4 EiB (e.g. 4096, 256K, 1M)");
            o->chunk_size = v;
            break;
        case OPT_SERIAL:
        case OPT_VERIFY: /* one path or both: the later option must not silently win */
            if (o->mode != COUNT_PARALLEL && o->mode != (c == OPT_SERIAL ? COUNT_SERIAL : COUNT_VERIFY))
                return usage_error("--serial", NULL, "not with --verify (--verify runs the serial "
                                                     "path too)");
            o->mode = c == OPT_SERIAL ? COUNT_SERIAL : COUNT_VERIFY;
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                o->format = FORMAT_TEXT;
            else if (strcmp(optarg, "csv") == 0)
                o->format = FORMAT_CSV;
            else if (strcmp(optarg, "json") == 0)
                o->format = FORMAT_JSON;
            else
                return usage_error("--format", optarg, "expected text, csv or json");
            break;
        case 'r':
            o->names.recursive = 1;
            break;
        case 'L':
            o->names.follow = 1;
            break;
        case OPT_FILES_FROM:
            o->names.files_from = optarg;
            break;
        case OPT_INCLUDE:
        case OPT_EXCLUDE:
        case OPT_EXCLUDE_DIR: {
            name_rules *r = &o->names;
            int err = c == OPT_INCLUDE   ? names_add_pattern(&r->include, &r->ninclude, optarg)
                      : c == OPT_EXCLUDE ? names_add_pattern(&r->exclude, &r->nexclude, optarg)
                                         : names_add_pattern(&r->exclude_dir, &r->nexclude_dir, optarg);
            if (err < 0) {
                fputs("wordtally: out of memory\n", stderr);
                return EXIT_USAGE;
            }
            break;
        }
        case OPT_NULL:
            o->names.null = 1;
            break;
        case OPT_TOTAL: {
            static const char *const when[] = {"auto", "always", "only", "never"};
            int k = 0;
            while (k < 4 && strcmp(optarg, when[k]) != 0)
                k++;
            if (k == 4)
                return usage_error("--total", optarg, "expected auto, always, only or never");
            o->total = k; /* the order of TOTAL_* */
            total_given = 1;
            break;
        }
        case OPT_DECOMPRESS:
            if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "never") != 0)
                return usage_error("--decompress", optarg, "expected auto or never");
            o->decompress = strcmp(optarg, "auto") == 0;
            break;
        case 'q':
            quiet = 1;
            break;
        case OPT_KERNEL:
            o->kernel = optarg;
            break;
        case OPT_NO_BIND:
        case OPT_BIND: /* the later of --bind and --no-bind must not silently win */
            if (o->bind != BIND_AUTO && o->bind != (c == OPT_BIND ? BIND_ALWAYS : BIND_NEVER))
                return usage_error("--bind", NULL, "not with --no-bind");
            o->bind = c == OPT_BIND ? BIND_ALWAYS : BIND_NEVER;
            break;
        case 'v':
            o->verbose = 1;
            break;
        case OPT_SWEEP:
            if (parse_thread_list(optarg, 1, NULL, THREADS_MAX, &why) < 0)
                return usage_error("--sweep", optarg, why);
            o->sweep = optarg;
            break;
        case OPT_REPEAT:
            if (parse_count(optarg, REPEAT_MAX, &v) < 0)
                return usage_error("--repeat", optarg, "not a run count from 1 to 1000");
            o->repeat = (int)v;
            break;
        case OPT_WEAK:
            if (parse_size(optarg, &v) < 0)
                return usage_error("--weak", optarg, "not a size from 1 byte to 4 EiB (e.g. 64M, 1G)");
            o->weak = v;
            break;
        case OPT_TOPOLOGY:
            o->topology = 1;
            break;
        case OPT_PER_CHUNK:
            o->per_chunk = 1;
            break;
        case OPT_PROGRESS:
            o->progress = PROGRESS_ON;
            break;
        case OPT_IO:
            if (strcmp(optarg, "pread") == 0 || strcmp(optarg, "mmap") == 0) {
                o->io = strcmp(optarg, "mmap") == 0 ? IO_MMAP : IO_PREAD;
                break;
            }
            return usage_error("--io", optarg, "expected pread or mmap");
        case OPT_TOP:
            if (parse_count(optarg, UINT64_MAX / 2, &v) < 0)
                return usage_error("--top", optarg, "not a count from 1");
            o->top = v;
            break;
        case OPT_VOCAB:
            o->vocab = 1;
            break;
        case OPT_MAX_MEMORY:
            if (parse_size(optarg, &v) < 0 || v < (1u << 20))
                return usage_error("--max-memory", optarg, "not a size from 1M (e.g. 64M, 4G)");
            o->max_memory = v;
            break;
        case OPT_NO_PROGRESS:
            o->progress = PROGRESS_OFF;
            break;
        case 'h':
            fputs(usage, stdout);
            return stdfd_flush(stdout) < 0 ? EXIT_INPUT : EXIT_OK;
        case 'V':
            buildinfo_print(stdout);
            return stdfd_flush(stdout) < 0 ? EXIT_INPUT : EXIT_OK;
        case ':':
            return usage_error(bad_option(argv, optbuf), NULL, "needs a value");
        default:
            return unknown_option(bad_option(argv, optbuf));
        }
    }
    if (o->top || o->vocab) {
        int status = check_vocab(o);
        if (status >= 0)
            return status;
        if (total_given) /* not silently ignored: there is no per-input row to choose */
            return usage_error("--total", NULL, "not with --top or --vocab (their report is one "
                                                "vocabulary over all inputs)");
    } else if (o->max_memory) {
        return usage_error("--max-memory", NULL, "needs --top or --vocab (it limits their tables)");
    }
    if (o->words.n == 0)
        for (size_t i = 0; i < sizeof default_words / sizeof *default_words; i++)
            words_add(&o->words, default_words[i], &why);
    words_finish(&o->words);
    o->files = argv + optind;
    o->nfiles = argc - optind;
    if (o->names.null && !o->names.files_from)
        return usage_error("--null", NULL, "needs --files-from (it says how that list is separated)");
    if (o->names.follow && !o->names.recursive)
        return usage_error("-L", NULL, "needs -r (it follows links inside directories)");
    /* With --files-from, stdin_is_input means a FILE "-": the list is read from it, to its end. */
    if (o->names.files_from && strcmp(o->names.files_from, "-") == 0 && stdin_is_input(o))
        return usage_error("--files-from", "-", "standard input holds the names: it cannot "
                                                "be an input too");
    if (words_stdin && !o->topology &&
        (stdin_is_input(o) || (o->names.files_from && strcmp(o->names.files_from, "-") == 0)))
        return usage_error("--words-file", "-", "standard input holds the words: name the FILEs");
    o->kern = o->words.tokens == TOKENS_WORDS ? kernel_select_words(o->kernel, &why)
                                              : kernel_select(o->kernel, &why);
    if (!o->kern)
        return usage_error("--kernel", o->kernel, why);
    if (o->per_chunk && o->format == FORMAT_JSON) /* JSON is one summary object (SPEC §5) */
        return usage_error("--per-chunk", NULL, "needs --format text or csv, not json");
    if (quiet) { /* the counts alone: nothing else may print on stdout */
        if (o->format != FORMAT_TEXT)
            return usage_error("--quiet", NULL,
                               "prints the counts only: not with --format csv or json");
        if (o->per_chunk || o->sweep || o->top || o->vocab)
            return usage_error("--quiet", NULL, "prints the counts only: not with --per-chunk, "
                                                "--sweep, --top or --vocab");
        o->format = FORMAT_COUNTS;
    }
    return check_timed_runs(o);
}

void cli_free(options *o)
{
    words_free(&o->words);
    names_rules_free(&o->names);
}

/* ---- wordtally-mpi: what the ranks must agree on ---- */

int cli_check_ranks(int status, const options *o)
{
    if (status < 0 && (o->sweep || o->repeat)) {
        /* They time one process's team; N ranks would each time their own, contending. */
        fprintf(stderr, "wordtally: %s: measures one process: use wordtally (without MPI), once "
                        "per node\n", o->sweep ? "--sweep" : "--repeat");
        return EXIT_USAGE;
    }
    if (status < 0 && o->per_chunk) {
        /* Each rank sees only its own share's chunks. */
        fputs("wordtally: --per-chunk: not with MPI ranks: use wordtally (without MPI)\n", stderr);
        return EXIT_USAGE;
    }
    int stdin_named = o->nfiles == 0 && !o->topology && !o->names.files_from; /* --topology reads no input */
    for (int i = 0; status < 0 && i < o->nfiles; i++)
        stdin_named |= strcmp(o->files[i], "-") == 0;
    if (status >= 0 || !stdin_named)
        return status;
    fputs("wordtally: -: standard input cannot be shared between MPI ranks; give FILE names "
          "(or run wordtally without MPI)\n", stderr);
    return EXIT_USAGE;
}

/* A digest of the word list: ranks that read different --words-file copies must not add up the
 * counts of different words. */
static uint64_t words_digest(const wordlist *w)
{
    uint64_t h = w->n;
    for (size_t i = 0; i < w->n; i++)
        h = h * FNV64_PRIME ^ words_hash((const uint8_t *)w->word[i], w->len[i]);
    return h * FNV64_PRIME ^ (uint64_t)w->tokens; /* which tokens the words are matched with */
}

/* A digest of every other setting that shapes the shares or the report. Ranks launched with
 * different command lines (an MPMD launch, node-local globs or scripts) would otherwise hang in a
 * collective call (another number of FILEs) or add up overlapping shares (another chunk size):
 * a wrong count. The thread count and the binding may differ: they shape neither. */
static uint64_t settings_digest(const options *o)
{
    uint64_t h = FNV64_OFFSET;
    h = digest_mix(h, (uint64_t)o->nfiles);
    for (int i = 0; i < o->nfiles; i++)
        h = digest_text(h, o->files[i], strlen(o->files[i]));
    h = digest_mix(h, o->chunk_size);
    h = digest_mix(h, (uint64_t)o->mode);
    h = digest_mix(h, (uint64_t)o->format);
    h = digest_text(h, o->kernel, strlen(o->kernel));
    h = digest_mix(h, (uint64_t)o->io);
    h = digest_mix(h, (uint64_t)o->decompress); /* which bytes are counted */
    h = digest_mix(h, (uint64_t)o->per_chunk);
    h = digest_mix(h, (uint64_t)o->topology);
    h = digest_mix(h, (uint64_t)o->repeat);
    h = digest_mix(h, o->weak);
    h = digest_mix(h, o->top);
    h = digest_mix(h, (uint64_t)o->vocab);
    h = digest_mix(h, (uint64_t)o->words.encoding); /* --encoding and -i: which tokens, which matches */
    h = digest_mix(h, (uint64_t)o->words.fold);
    const name_rules *r = &o->names; /* which inputs the walks keep */
    const char **lists[3] = {r->include, r->exclude, r->exclude_dir};
    const int counts[3] = {r->ninclude, r->nexclude, r->nexclude_dir};
    for (int k = 0; k < 3; k++) {
        h = digest_mix(h, (uint64_t)counts[k]);
        for (int i = 0; i < counts[k]; i++)
            h = digest_text(h, lists[k][i], strlen(lists[k][i]));
    }
    const char *sweep = o->sweep ? o->sweep : "";
    return digest_text(h, sweep, strlen(sweep));
}

void cli_digest(const options *o, uint64_t digest[2])
{
    digest[0] = words_digest(&o->words);
    digest[1] = settings_digest(o);
}
