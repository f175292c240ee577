/* fuzz_count.c - differential fuzzing: every kernel, and the serial, parallel, verify, stream and
 * mmap paths of count_input, against a deliberately simple reference tokenizer.
 *
 * Built two ways: with clang -fsanitize=fuzzer (make fuzz) it is a libFuzzer target; with
 * -DFUZZ_REPLAY (make check, any compiler) main() runs it over the files named on the command line
 * (tests/fuzz/regressions/: inputs that once failed, kept for ever).
 *
 * An input is: byte 0 the chunk size (1..64, or 256K when it is 0), byte 1 the thread count (1..3)
 * and options, byte 2 the number of words (1..8); then each word as a length byte (1..16) and its
 * bytes (whitespace bytes are turned into other bytes; repeats, and words holding a whitespace
 * sequence, dropped); the rest is the text. Options of byte 1: 0x04 --encoding latin1 (else
 * utf-8), 0x08 -i, 0x10 --tokens=words (words that are not one word under the rule dropped; the
 * reference is the segmenter's own word list, wb_segments); 0x80 dense text: each text byte picks a piece (a word, a word cut short or
 * lengthened or in the other case, whitespace of either encoding, a near miss such as a truncated
 * sequence, a random byte) so matches are dense; otherwise the text is the bytes as is. */
#include "engine/count.h"
#include "io/input.h"
#include "emulated.h"
#include "kernels/kernel.h"
#include "io/mapio.h"
#include "base/words.h"
#include "reference.h"
#include "base/wordbreak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_WORDS 8
#define MAX_TEXT 60000 /* below a pipe's 64 KiB buffer: see driver() */

/* Near misses for the dense text: token bytes in utf-8 that look like whitespace sequences. */
static const char *const near_misses[] = {"\xE3\x80", "\xC2", "\xE2\x80\x8B", "\xD0\xA0",
                                          "\xC3\x85", "\xE1\x9A", "\xE2\x81", "\x80\x80"};
enum { NSEQS = REF_UTF8_WS + sizeof near_misses / sizeof *near_misses };

/* Piece i of the dense text: a utf-8 whitespace sequence, then the near misses. */
static const char *sequence(size_t i)
{
    return i < REF_UTF8_WS ? ref_utf8_ws[i] : near_misses[i - REF_UTF8_WS];
}

static void fail(const char *what, const char *kernel, size_t k, uint64_t got, uint64_t want)
{
    fprintf(stderr, "fuzz_count: %s (kernel %s): word %zu counted %llu, reference %llu\n", what,
            kernel, k, (unsigned long long)got, (unsigned long long)want);
    abort();
}

static void compare(const char *what, const char *kernel, const uint64_t *got, const uint64_t *want,
                    size_t nw)
{
    for (size_t k = 0; k < nw; k++)
        if (got[k] != want[k])
            fail(what, kernel, k, got[k], want[k]);
}

/* The word rule's reference: every word wb_segments finds (the segmenter that tests/wordbreak.py
 * holds to ICU and WordBreakTest.txt), compared with every target word as ref_equal does. */
typedef struct {
    const wordlist *w;
    const uint8_t *text;
    uint64_t *counts;
} word_ref;

static void ref_word(void *ctx, size_t start, size_t len, int word)
{
    word_ref *r = ctx;
    for (size_t k = 0; word && k < r->w->n; k++)
        r->counts[k] += (uint64_t)ref_equal(r->w, k, r->text + start, len);
}

static void ref_count_words(const wordlist *w, const uint8_t *d, size_t n, uint64_t *counts)
{
    word_ref r = {w, d, counts};
    memset(counts, 0, w->n * sizeof *counts);
    wb_segments(d, n, w->encoding == ENC_LATIN1 ? WB_LATIN1_MODE : 0, ref_word, &r);
}

/* count_input on the text as a regular file (memfd) or as a pipe: its bytes as they are
 * (--decompress=never), whatever its first bytes. Returns 1; 0 when the word rule's context
 * could not decide a boundary (a run of combining marks longer than KERNEL_BEFORE: SPEC §8's
 * input error), where there is no count to compare. */
static int driver(const count_setup *s, const unsigned char *t, size_t n, int as_pipe,
                   uint64_t *counts)
{
    input in = {.name = "fuzz"};
    int fds[2] = {-1, -1};
    if (as_pipe) {
        /* The whole text fits in the pipe's buffer (max_len is far below 64 KiB), so no writer
         * thread is needed: write, close, then read it back as a stream. */
        if (n > MAX_TEXT || pipe(fds) < 0 || write(fds[1], t, n) != (ssize_t)n)
            abort();
        close(fds[1]);
        in.fd = fds[0];
    } else {
        int fd = memfd_create("fuzz", 0);
        if (fd < 0 || write(fd, t, n) != (ssize_t)n)
            abort();
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        const input_settings raw = {.decompress = 0, .threads = 1}; /* the bytes as they are */
        int err = input_open(&in, path, &raw);
        close(fd);
        if (err != 0)
            abort();
    }
    count_stats st;
    int err = count_input(s, &in, counts, &st);
    if (err == INPUT_WORDS_UNDECIDED && s->words->tokens == TOKENS_WORDS) {
        if (as_pipe)
            close(fds[0]);
        else
            input_close(&in);
        return 0;
    }
    if (err || st.mismatch) {
        fprintf(stderr, "fuzz_count: count_input: error %d, mismatch %d (mode %d, %s)\n", err,
                st.mismatch, s->mode, as_pipe ? "pipe" : "file");
        abort();
    }
    if (as_pipe)
        close(fds[0]);
    else
        input_close(&in);
    return 1;
}

static unsigned char *text_buf;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    size_t chunk = data[0] ? (size_t)(data[0] % 64) + 1 : 256 * 1024;
    int threads = (data[1] & 3) % 3 + 1, dense = data[1] & 0x80;
    int latin1 = (data[1] & 0x04) != 0, fold = (data[1] & 0x08) != 0;
    int word_rule = (data[1] & 0x10) != 0;
    size_t want_words = (size_t)(data[2] % MAX_WORDS) + 1, pos = 3;

    char words[MAX_WORDS][17];
    size_t len[MAX_WORDS], nw = 0;
    wordlist w = {.encoding = latin1 ? ENC_LATIN1 : ENC_UTF8, .fold = fold,
                  .tokens = word_rule ? TOKENS_WORDS : TOKENS_SPACE};
    const char *why;
    while (nw < want_words && pos < size) {
        size_t l = (size_t)(data[pos++] % 16) + 1;
        if (pos + l > size)
            break;
        for (size_t j = 0; j < l; j++) {
            unsigned char c = data[pos + j]; /* no whitespace byte of either encoding, no NUL: */
            words[nw][j] = (char)(ref_ws_byte(c, ENC_LATIN1) || c == 0 ? c ^ 0x40 : c);
        }
        words[nw][l] = '\0';
        pos += l;
        len[nw] = l;
        if (words_add(&w, words[nw], &why) == 0) /* a repeat, a utf-8 space, not one word: skip */
            nw++;
    }
    if (nw == 0) {
        words_free(&w);
        return 0;
    }
    words_finish(&w);

    /* The text. */
    if (!text_buf && !(text_buf = malloc(MAX_TEXT)))
        abort();
    size_t n = 0;
    static const unsigned char ws[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D,
                                       0x1E, 0x1F, 0x20, 0x85, 0xA0};
    for (; pos < size && n + 40 < MAX_TEXT; pos++) {
        unsigned char b = data[pos];
        if (!dense) {
            text_buf[n++] = b;
            continue;
        }
        size_t k = (b >> 3) % nw;
        switch (b & 7) {
        case 0: case 1: case 2: /* a whole word */
            memcpy(text_buf + n, words[k], len[k]);
            n += len[k];
            break;
        case 3: /* a word cut short */
            memcpy(text_buf + n, words[k], len[k] - 1);
            n += len[k] - 1;
            break;
        case 4: /* a word and one more byte, or the word in the other case */
            for (size_t j = 0; j < len[k]; j++) {
                unsigned char c = (unsigned char)words[k][j];
                int letter = ref_lower(c) >= 'a' && ref_lower(c) <= 'z';
                text_buf[n++] = b & 0x20 && letter ? c ^ 0x20 : c;
            }
            if (!(b & 0x20))
                text_buf[n++] = (unsigned char)('a' + (b >> 6));
            break;
        case 5: /* a whitespace byte of either encoding */
            text_buf[n++] = ws[(b >> 3) % sizeof ws];
            break;
        case 6: /* a utf-8 whitespace sequence, or a near miss */
            memcpy(text_buf + n, sequence((b >> 3) % NSEQS), strlen(sequence((b >> 3) % NSEQS)));
            n += strlen(sequence((b >> 3) % NSEQS));
            break;
        default: /* a byte as is */
            text_buf[n++] = b;
        }
    }

    uint64_t want[MAX_WORDS] = {0};
    if (word_rule)
        ref_count_words(&w, text_buf, n, want);
    else
        ref_count(&w, text_buf, n, want);

    /* Every kernel this CPU runs (the word rule's, or the space rule's and the emulated ones), over
     * the chunk table and over the text as one block. */
    size_t tested = 0, kernels = word_rule ? kernel_words_count() : kernel_count() + NEMULATED;
    for (size_t i = 0; i < kernels; i++) {
        const kernel *kern = word_rule ? kernel_words_get(i)
                             : i < kernel_count() ? kernel_get(i)
                                                  : &emulated_kernels[i - kernel_count()];
        if (!kern)
            continue;
        uint64_t got[MAX_WORDS] = {0};
        (void)kernel_words_undecided(); /* clears the mark */
        ref_by_chunks(kern, &w, text_buf, n, chunk, got);
        if (!kernel_words_undecided())
            compare("kernel over the chunk table", kern->name, got, want, nw);
        if (n) {
            ref_by_chunks(kern, &w, text_buf, n, n, got);
            if (!kernel_words_undecided())
                compare("kernel over one block", kern->name, got, want, nw);
        }
        tested++;
    }
    if (tested == 0)
        abort();

    /* The drivers, with the fastest kernel: serial, parallel and verify; file (pread and mmap)
     * and pipe. */
    const char *why_k;
    count_setup s = {.words = &w,
                     .kern = word_rule ? kernel_select_words("auto", &why_k)
                                       : kernel_select("auto", &why_k),
                     .chunk_size = chunk,
                     .threads = threads};
    static const struct { int mode, pipe, io; const char *what; } paths[] = {
        {COUNT_SERIAL, 0, IO_PREAD, "serial path, file"},
        {COUNT_PARALLEL, 0, IO_PREAD, "parallel path, file"},
        {COUNT_VERIFY, 0, IO_MMAP, "verify, file by mmap"},
        {COUNT_VERIFY, 1, IO_PREAD, "verify, pipe"},
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        uint64_t got[MAX_WORDS] = {0};
        s.mode = paths[i].mode;
        s.io = paths[i].io;
        if (driver(&s, text_buf, n, paths[i].pipe, got))
            compare(paths[i].what, s.kern->name, got, want, nw);
    }
    words_free(&w);
    return 0;
}

#ifdef FUZZ_REPLAY
/* make check: replays the files given (regressions and seeds) without libFuzzer. */
int main(int argc, char **argv)
{
    static uint8_t buf[1 << 20];
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("fuzz replay: %d input%s, all agree with the reference\n", argc - 1,
           argc == 2 ? "" : "s");
    return 0;
}
#endif
