/* report.h - printing the results: text for people, CSV and JSON for scripts. */
#ifndef WORDTALLY_REPORT_H
#define WORDTALLY_REPORT_H

#include "base/chunks.h"
#include "engine/count.h"
#include "vocab/vocab.h"
#include "base/words.h"

#include <stdint.h>
#include <stdio.h>

enum { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON, FORMAT_COUNTS /* -q: the total counts alone */ };
/* --total, as in GNU wc: the total when several inputs (auto), always, alone, or never. */
enum { TOTAL_AUTO, TOTAL_ALWAYS, TOTAL_ONLY, TOTAL_NEVER };

typedef struct {
    const char *name;   /* as given on the command line; "-" is standard input */
    uint64_t bytes;     /* of text: a compressed input's decoded bytes */
    uint64_t packed_bytes; /* a compressed input: the compressed bytes they came from; else 0 */
    uint64_t *counts;   /* one per word */
    int failed;         /* not counted: out of the counts; on stderr and in JSON's errors */
    char reason[320];   /* why it failed: the message's text after "wordtally: NAME: " */
} file_result;

/* --repeat: the timed runs of a plain count (STREAM-style: the warm-up run is reported apart). */
typedef struct {
    int runs;                   /* timed runs, after the warm-up */
    double warmup;              /* seconds of the warm-up run */
    double min, median, max;    /* seconds of the timed runs */
} run_times;

typedef struct {
    int threads;
    uint64_t chunk_size;
    const char *kernel;
    const char *mode;       /* "parallel", "serial" or "verify" */
    double seconds;         /* counting time of the path whose counts are reported */
    double serial_seconds;  /* with verify: the serial path's time */
    int ranks;              /* wordtally-mpi: MPI ranks (threads is per rank); 0 otherwise */
    const run_times *times; /* --repeat: the runs (seconds is then their min); NULL: one run */
    int total;              /* --total (text and CSV): TOTAL_* of cli.h; 0 is auto */
} run_info;

/* sweep_row.busy: the load average before the sweep showed other work on the machine, or this
 * thread count's runs differ by more than sweep.h allows. */
enum { SWEEP_BUSY_LOAD = 1, SWEEP_BUSY_SPREAD = 2 };

/* --sweep: the runs of one thread count. */
typedef struct {
    int threads;
    double warmup, min, median, max; /* seconds */
    uint64_t bytes;          /* counted by each run: the inputs', or --weak's threads x SIZE */
    const uint64_t *counts;  /* --weak: this row's counts (one per word); NULL: the table's */
    int busy;                /* SWEEP_BUSY_* (sweep.h): why its times may not be the code's */
} sweep_row;

/* --sweep: the table, and what all its runs shared. */
typedef struct {
    const sweep_row *rows;
    int n;
    int runs;            /* timed runs per thread count */
    const char *kernel;
    uint64_t chunk_size;
    const char *io;      /* "pread" or "mmap" */
    const char *binding; /* "wordtally", "openmp" or "none" */
    int cores;           /* physical cores the process may use */
    uint64_t weak;       /* --weak SIZE: bytes per thread; 0: strong scaling */
    double load;         /* 1-minute load average before the first run; < 0: unknown */
} sweep_table;

/* The report, printed as the inputs are done, so that its memory does not grow with the number of
 * inputs: report_begin, report_input for each input in order (counted or failed), report_end.
 * Counted inputs are printed in batches (up to REPORT_BATCH of them, and 8 MiB of counts): printing
 * between every two inputs kept the counting team's idle threads spinning, which tripled the CPU
 * time of many small files with long word lists. Text and CSV print nothing when no input was
 * counted (no zeros that look like an answer); JSON always prints its one object, with the failed
 * inputs in `errors`. */
#define REPORT_BATCH 4096
typedef struct {
    FILE *out;
    int format;
    const wordlist *w;
    int total_when;       /* --total: TOTAL_* of cli.h */
    int per_input;        /* a section (text) per input */
    int started;          /* the head is printed */
    int counted;          /* inputs counted so far */
    int printed;          /* of them, printed */
    uint64_t bytes;       /* their bytes */
    int packed;           /* of them, compressed */
    uint64_t packed_bytes; /* and those's compressed bytes */
    uint64_t *total;      /* one per word, zeroed by the caller: their sum */
    file_result *failed;  /* the failed inputs, for JSON's errors (a failure is kept; a count not) */
    size_t nfailed, cap;
    file_result *pending; /* counted inputs not printed yet, their counts in pending_counts */
    uint64_t *pending_counts;
    size_t npending, batch;
} report_stream;

/* A format (besides FORMAT_*) that prints nothing: --per-chunk's CSV table is the whole report. */
#define REPORT_NONE (-1)

/* Returns 0, or -1 when out of memory. */
int report_begin(report_stream *r, FILE *out, int format, const wordlist *w, int total_when,
                 size_t ninputs, uint64_t *total);
/* Returns 0, or -1 if writing failed or memory ran out (errno set). */
int report_input(report_stream *r, const file_result *f);
/* The total and the run's figures. Returns 0, or -1 if writing failed (errno set). */
int report_end(report_stream *r, const run_info *run);

/* The whole report of files[0..nfiles) at once (--repeat). Returns 0, or -1 if writing failed. */
int report_print(FILE *out, int format, const wordlist *w, const file_result *files, int nfiles,
                 const run_info *run);

/* Prints the --sweep table in `format` (text, csv or json), then for text the counts. Returns 0, or
 * -1 if writing failed (errno set). */
int report_sweep(FILE *out, int format, const wordlist *w, const file_result *files, int nfiles,
                 const uint64_t *total, const sweep_table *t);

/* The one-line message of a --verify mismatch in `name`: the first differing chunk and word. */
void report_mismatch(FILE *out, const char *name, const wordlist *w, const count_stats *st);

/* JSON strings (docs/SPEC.md, output formats): output is always valid UTF-8. The bytes s[0..n) are
 * written as they are where they are valid UTF-8 (escaping only '"', '\\' and control bytes), each
 * invalid byte as U+FFFD. */
void report_json_bytes(FILE *out, const char *s, size_t n);
/* 1 if s[0..n) is valid UTF-8 (RFC 3629), else 0. */
int report_utf8_valid(const char *s, size_t n);
/* s[0..n) in base64 (RFC 4648, padded), as a JSON string. */
void report_json_base64(FILE *out, const char *s, size_t n);
/* `"KEY": STRING`, and when s[0..n) is not valid UTF-8, `, "KEY_base64": BASE64` beside it: the
 * exact bytes for a reader that needs them. */
void report_json_member(FILE *out, const char *key, const char *s, size_t n);
/* The opening of every counts object (the report's and --sweep's): `{"schema": 1`, `words`
 * (`words_base64`), `files`, `errors`, `total`, `counts_by_word`; the caller adds its own keys and
 * the closing brace. */
void report_json_head(FILE *out, const wordlist *w, const file_result *f, int nf,
                      const uint64_t *total);

/* --per-chunk: rows printed while counting, before report_print's totals. */
typedef struct {
    FILE *out;
    int format;          /* FORMAT_TEXT or FORMAT_CSV */
    const wordlist *w;
    int err; /* a row could not be written: why (errno) */
} chunk_report;

/* The CSV header (file,chunk,offset,length,WORD...); nothing for text. */
void report_chunk_header(const chunk_report *r);
/* A count_setup.per_chunk callback: ctx is a chunk_report. Returns -1 once standard output has
 * failed (r->err says why): the count stops there. */
int report_chunk(void *ctx, const char *name, const chunk *c, const uint64_t *counts);
/* CSV with --per-chunk is the chunk table alone (one table per output): flushes it instead of
 * report_print. Returns 0, or -1 if writing failed (errno set). */
int report_chunk_end(const chunk_report *r);

/* --top and --vocab (SPEC §7): the table printed entry by entry as it is produced (a table on
 * disk need not fit in memory), then the summary. */
typedef struct {
    FILE *out;
    int format;
    uint64_t top;       /* --top K; 0: --vocab */
    int encoding, fold; /* --encoding (ENC_* of words.h) and -i: what a token is, as counted */
    int tokens;         /* --tokens: TOKENS_SPACE or TOKENS_WORDS */
    uint64_t rows;      /* entries printed so far */
} vocab_report;

typedef struct {
    uint64_t tokens, distinct;
    int passes;         /* over hash partitions (1 when the vocabulary fit in --max-memory) */
    uint64_t max_memory;
} vocab_summary;

void report_vocab_begin(vocab_report *r);
/* Prints one entry; a vocab_runs_merge emit callback (ctx is the vocab_report). Returns 0. */
int report_vocab_entry(void *ctx, const vocab_entry *e);
/* The summary after the table. Returns 0, or -1 if writing failed (errno set). */
int report_vocab_end(vocab_report *r, const file_result *files, int nfiles,
                     const vocab_summary *sum, const run_info *run);
/* --verify: the first token whose counts differ between the parallel and the serial path. */
void report_vocab_mismatch(FILE *out, const vocab_difference *d);

#endif
