/* check_kernel.c - the kernels on hand-made cases, and against a plain tokenizer for every chunk
 * size. Every kernel this CPU can run is tested the same way. */
#include "check_suites.h"

#include "emulated.h"
#include "kernels/kernel.h"
#include "reference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mode words are made in (words.h): the hand-made cases below are latin1's; the differential
 * tests run every kernel in every mode (loop index = kernel + NKERNELS * mode). */
static int test_enc = ENC_LATIN1, test_fold = 0;
#define NMODES 4
static const char *const mode_names[NMODES] = {"latin1", "utf-8", "latin1 -i", "utf-8 -i"};
static void set_mode(int m)
{
    test_enc = m % 2 ? ENC_UTF8 : ENC_LATIN1;
    test_fold = m / 2;
}

static wordlist make_words(const char *const *list, size_t n)
{
    wordlist w = {0};
    const char *why;
    w.encoding = test_enc;
    w.fold = test_fold;
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(words_add(&w, list[i], &why), 0);
    words_finish(&w);
    return w;
}

static const char *const animals[] = {"dog", "cat", "boy", "girl"};

/* Every kernel of kernel.c's list, so a kernel added there is tested here with nothing else to
 * change; the ones this CPU cannot run are skipped (kernel_select says why). After them, the
 * emulated builds (emulated.h), which run everywhere. */
#define NNAMED kernel_count()
#define NKERNELS (NNAMED + NEMULATED)
/* Every kernel built in (kernel_get), the ones this CPU cannot run skipped with kernel_select's
 * reason. After them, the emulated builds (emulated.h), which run everywhere. */

/* KERNEL_CHECK=quick (sanitizer builds, many times slower): lengths up to 130 and every 21st
 * alignment, which still cross two 64-byte blocks at every phase. KERNEL_CHECK=emulated (make
 * check-arm64, under qemu-user): the same, and the SIMDe-emulated kernels are left to the native
 * runs, where they take a fraction of the time. KERNEL_CHECK_ONLY=NAME checks kernel NAME alone
 * (the SVE kernel at each vector length, the others once). KERNEL_CHECK_PART=K/N runs the K-th of
 * N parts of the kernel-and-mode cases (loop index modulo N): make check-kernels runs the parts
 * side by side, one per CPU. */
static int kernel_check_is(const char *level)
{
    const char *q = getenv("KERNEL_CHECK");
    return q && strcmp(q, level) == 0;
}
static int quick_check(void)
{
    return kernel_check_is("quick") || kernel_check_is("emulated");
}

/* Kernel i % NKERNELS (a loop index also carries the mode); NULL for a kernel this CPU lacks,
 * said on stderr: a skipped kernel is never a silent pass. */
static const kernel *kernel_or_skip(size_t i)
{
    const char *why = "";
    const char *part = getenv("KERNEL_CHECK_PART");
    if (part) {
        char *slash, *end = NULL;
        unsigned long part_k = strtoul(part, &slash, 10), part_n = 0;
        if (slash != part && *slash == '/')
            part_n = strtoul(slash + 1, &end, 10);
        if (!part_n || !end || *end || part_k >= part_n) {
            fprintf(stderr, "KERNEL_CHECK_PART=%s: expected K/N with K < N\n", part);
            abort(); /* never a run that skips every case and passes */
        }
        if (i % part_n != part_k)
            return NULL; /* another part's case: that part checks it */
    }
    i %= NKERNELS;
    if (i >= kernel_count()) {
        if (kernel_check_is("emulated")) {
            fprintf(stderr, "SKIP: kernel %s: KERNEL_CHECK=emulated\n",
                    emulated_kernels[i - kernel_count()].name);
            return NULL;
        }
        return &emulated_kernels[i - kernel_count()];
    }
    const char *only = getenv("KERNEL_CHECK_ONLY");
    if (only && strcmp(only, kernel_name(i)) != 0) {
        fprintf(stderr, "SKIP: kernel %s: KERNEL_CHECK_ONLY=%s\n", kernel_name(i), only);
        return NULL;
    }
    const kernel *k = kernel_get(i);
    if (!k) {
        kernel_select(kernel_name(i), &why);
        fprintf(stderr, "SKIP: kernel %s: %s\n", kernel_name(i), why);
    }
    return k;
}

/* Every kernel at every chunk size counts want[i] of word i (of n) in text; so does the
 * reference. */
static void expect_words(int mode, const char *const *list, size_t nw, const char *text, size_t n,
                         const uint64_t *want)
{
    set_mode(mode);
    wordlist w = make_words(list, nw);
    uint64_t c[8];
    for (size_t ki = 0; ki < NKERNELS; ki++) {
        const kernel *k = kernel_or_skip(ki);
        for (size_t chunk = 1; k && chunk <= n + 1; chunk++) {
            ref_by_chunks(k, &w, (const uint8_t *)text, n, chunk, c);
            for (size_t i = 0; i < nw; i++)
                ck_assert_msg(c[i] == want[i], "%s, %s, chunk %zu: word %zu counted %llu, not %llu",
                              k->name, mode_names[mode], chunk, i, (unsigned long long)c[i],
                              (unsigned long long)want[i]);
        }
    }
    ref_count(&w, (const uint8_t *)text, n, c);
    for (size_t i = 0; i < nw; i++)
        ck_assert_msg(c[i] == want[i], "reference, %s: word %zu counted %llu, not %llu",
                      mode_names[mode], i, (unsigned long long)c[i], (unsigned long long)want[i]);
    words_free(&w);
}

static void expect_counts(int mode, const char *text, size_t n, uint64_t dog, uint64_t cat,
                          uint64_t boy, uint64_t girl)
{
    const uint64_t want[4] = {dog, cat, boy, girl};
    expect_words(mode, animals, 4, text, n, want);
}
#define EXPECT(lit, a, b, c, d) expect_counts(0, lit, sizeof(lit) - 1, a, b, c, d)
#define EXPECT_MODE(m, lit, a, b, c, d) expect_counts(m, lit, sizeof(lit) - 1, a, b, c, d)
enum { LATIN1, UTF8, LATIN1_I, UTF8_I };

START_TEST(kernel_counts_plain_words)
{
    EXPECT("dog cat dog boy girl girl girl", 2, 1, 1, 3);
}
END_TEST

START_TEST(kernel_near_misses_do_not_count)
{
    EXPECT("dogs Dog dog, \"dog cats catboy girls boyish doggirl xdog", 0, 0, 0, 0);
}
END_TEST

START_TEST(kernel_words_at_input_start_and_end)
{
    EXPECT("dog", 1, 0, 0, 0);
    EXPECT("dog girl", 1, 0, 0, 1);
    EXPECT("\n\ncat\n", 0, 1, 0, 0);
}
END_TEST

START_TEST(kernel_every_whitespace_byte_separates)
{
    EXPECT("dog\tdog\ndog\vdog\fdog\rdog\x1c" "dog\x1d" "dog\x1e" "dog\x1f" "dog dog\x85" "dog\xa0"
           "dog",
           13, 0, 0, 0);
}
END_TEST

START_TEST(kernel_other_bytes_are_token_bytes)
{
    /* NUL, 0x84, 0x86, 0x9f, 0xa1, 0x08, 0x0e, 0x1b, 0x21 join the word to its neighbour. */
    EXPECT("dog\0 \x84" "dog \x86" "dog dog\x9f \xa1" "dog \x08" "dog dog\x0e \x1b" "dog dog!", 0, 0,
           0, 0);
    EXPECT("\0 dog \0", 1, 0, 0, 0);
}
END_TEST

/* utf-8: the multi-byte sequences separate, lone 85 and A0 and truncated sequences do not; a
 * chunk edge inside a sequence (every chunk size from 1) changes nothing. */
START_TEST(kernel_utf8_whitespace_sequences)
{
    EXPECT_MODE(UTF8, "\xd0\xa0" "dog \xc3\x85" "dog dog\xe3\x80\x80" "dog\xc2\xa0" "cat", 2, 1, 0, 0);
    EXPECT_MODE(LATIN1, "\xd0\xa0" "dog \xc3\x85" "dog dog\xe3\x80\x80" "dog\xc2\xa0" "cat", 2, 1, 0, 0);
    EXPECT_MODE(UTF8, "dog\xc2\x85" "dog\xe1\x9a\x80" "dog\xe2\x80\x80" "dog\xe2\x80\x8a" "dog"
                      "\xe2\x80\xa8" "dog\xe2\x80\xa9" "dog\xe2\x80\xaf" "dog\xe2\x81\x9f" "dog",
                9, 0, 0, 0);
    EXPECT_MODE(UTF8, "dog\x85 dog\xa0 dog\xe3\x80 dog\xe2\x80\x8b \x80" "dog \xe3\x80\x80\x80" "dog", 0, 0, 0, 0);
    EXPECT_MODE(UTF8, "\xe3\x80\x80" "dog\xe3\x80\x80\xe3\x80\x80" "cat\xe2\xe2\x80\x80" "boy", 1, 0, 1, 0);
    EXPECT_MODE(UTF8_I, "DOG\xe3\x80\x80" "Cat\xc2\xa0" "bOy \xc3\x89" "girl girL", 1, 1, 1, 1);
    EXPECT_MODE(LATIN1_I, "DOG\xa0" "Cat\x85" "bOy girL", 1, 1, 1, 1);
}
END_TEST

/* -i in utf-8 folds by Unicode (É é, KELVIN SIGN k, long s, final sigma, Cyrillic), latin1 -i
 * ASCII only; every kernel, every chunk size. */
START_TEST(kernel_unicode_case_folding)
{
    static const char *const list[] = {"\xc3\x89t\xc3\xa9", "kk", "ss", "\xcf\x83\xcf\x82",
                                       "\xd0\xa1\xd0\xbe\xd0\xb1"};
    static const char text[] =
        "\xc3\x89T\xc3\x89 \xc3\xa9t\xc3\xa9 \xc3\x89t\xc3\xa9\xe3\x80\x80\xc3\x89TE "     /* été 3 */
        "\xe2\x84\xaa\xe2\x84\xaa Kk k\xe2\x84\xaa\xc2\xa0kk\xe2\x84\xaa kK "              /* kk 4 */
        "\xc5\xbf\xc5\xbf sS \xc5\xbfs\xc3\x9f ss\n"                                   /* ss 3 */
        "\xce\xa3\xce\xa3 \xcf\x82\xcf\x83 \xcf\x83\xcf\x83 \xce\xa3 "                      /* σς 3 */
        "\xd1\x81\xd0\xbe\xd0\xb1 \xd0\xa1\xd0\x9e\xd0\x91 \xd0\xa1\xd0\xbe\xd0\xb1\xff"; /* соб 2 */
    static const uint64_t want[2][5] = {{3, 4, 3, 3, 2}, {0, 2, 2, 0, 0}};
    expect_words(UTF8_I, list, 5, text, sizeof text - 1, want[0]);
    expect_words(LATIN1_I, list, 5, text, sizeof text - 1, want[1]);
    /* ASCII words: only KELVIN SIGN and LONG S can fold to their letters (kernel_fold.c then
     * looks for those alone), and without k and s nothing but ASCII can match. */
    static const char *const ascii[] = {"kk", "ss", "cat"};
    static const uint64_t want_ascii[3] = {4, 3, 0};
    expect_words(UTF8_I, ascii, 3, text, sizeof text - 1, want_ascii);
    expect_words(UTF8_I, ascii + 2, 1, text, sizeof text - 1, want_ascii + 2);
}
END_TEST

START_TEST(kernel_no_whitespace_at_all)
{
    EXPECT("dogcatboygirldogcatboygirl", 0, 0, 0, 0);
    EXPECT("", 0, 0, 0, 0);
    EXPECT("     ", 0, 0, 0, 0);
}
END_TEST

START_TEST(kernel_tokens_longer_than_a_chunk)
{
    EXPECT("dogdogdogdogdogdogdogdogdog dog catcatcatcatcatcatcatcat girl", 1, 0, 0, 1);
}
END_TEST

/* Random buffers over an alphabet rich in words, near misses and every whitespace byte. */
static size_t random_text(uint8_t *d, size_t n, unsigned *seed)
{
    static const char *const parts[] = {"dog", "cat", "boy", "girl", "Dog", "dogs", "do", "g",
                                        "\0", "\x85", "\xa0", "\x1c", "\x1f", " ", "\n", "\t",
                                        "\xe9", "\x84", "a", "verylongtokenxx"};
    size_t i = 0;
    while (i < n) {
        const char *p = parts[rand_r(seed) % 20];
        size_t len = *p ? strlen(p) : 1;
        for (size_t j = 0; j < len && i < n; j++)
            d[i++] = (uint8_t)p[j];
    }
    return n;
}

START_TEST(kernel_matches_reference_for_every_chunk_size)
{
    const kernel *k = kernel_or_skip((size_t)_i);
    if (!k)
        return;
    set_mode(LATIN1);
    wordlist w = make_words(animals, 4);
    uint8_t d[600];
    uint64_t want[4], got[4];
    unsigned seed = 12345;
    for (int round = 0; round < 20; round++) {
        size_t n = (size_t)rand_r(&seed) % sizeof d;
        random_text(d, n, &seed);
        ref_count(&w, d, n, want);
        for (size_t chunk = 1; chunk <= n + 1; chunk += 1 + chunk / 16) {
            ref_by_chunks(k, &w, d, n, chunk, got);
            ck_assert_mem_eq(got, want, sizeof want);
        }
    }
    words_free(&w);
}
END_TEST

START_TEST(kernel_many_and_long_words)
{
    const kernel *k = kernel_or_skip((size_t)_i);
    if (!k)
        return;
    /* 70 words of 1 to 255 bytes; the text holds each of them, their prefixes and extensions. */
    static char store[70][260];
    const char *list[70];
    for (int i = 0; i < 70; i++) {
        size_t len = 1 + (size_t)(i * 37) % 255;
        for (size_t j = 0; j < len; j++)
            store[i][j] = (char)('A' + (i + (int)j) % 50);
        store[i][len] = '\0';
        list[i] = store[i];
    }
    set_mode(LATIN1);
    wordlist w = make_words(list, 70);
    size_t cap = 70 * 3 * 270, n = 0;
    uint8_t *d = malloc(cap);
    for (int i = 0; i < 70; i++) {
        size_t len = strlen(list[i]);
        memcpy(d + n, list[i], len), n += len, d[n++] = (uint8_t)(i % 2 ? 0x85 : ' ');
        memcpy(d + n, list[i], len - 1), n += len - 1, d[n++] = '\n';
        memcpy(d + n, list[i], len), n += len, d[n++] = 'z', d[n++] = 0xa0;
    }
    uint64_t want[70], got[70];
    ref_count(&w, d, n, want);
    for (int i = 0; i < 70; i++)
        ck_assert_uint_ge(want[i], 1); /* every word is in the text */
    size_t sizes[] = {1, 2, 3, 63, 64, 65, 255, 256, 4095, n};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        ref_by_chunks(k, &w, d, n, sizes[s], got);
        ck_assert_mem_eq(got, want, sizeof want);
    }
    free(d);
    words_free(&w);
}
END_TEST

/* The token layer (kernel.h, tokens_fn) of every kernel that has one, against ref_mark_ws: token
 * starts and ends for random windows [a, a + len) with a random limit, bytes past limit + 2
 * changed to show that none is read, every whitespace byte and sequence, both encodings. */
START_TEST(kernel_token_layer_matches_reference)
{
    const kernel *k = kernel_or_skip((size_t)_i);
    if (!k || !k->tokens)
        return;
    static const char *const parts[] = {"dog", " ", "\n", "\x1c", "\x85", "\xa0", "\xc2\x85",
                                        "\xc2\xa0", "\xe2\x80\x80", "\xe2\x80\xa9", "\xe3\x80\x80",
                                        "\xe1\x9a\x80", "\xe2\x81\x9f", "\xe2\x80", "\xc2", "x",
                                        "verylongtokenverylongtokenverylongtoken", "\0", "\xe9"};
    enum { N = 700 };
    uint8_t d[N + 256], ws[N + 256];
    uint32_t start[N], end[N], rstart[N], rend[N];
    unsigned seed = 777;
    int rounds = quick_check() ? 300 : 3000;
    for (int round = 0; round < rounds; round++) {
        int enc = round % 2 ? ENC_UTF8 : ENC_LATIN1;
        for (size_t i = 0; i < sizeof d;) {
            const char *q = parts[rand_r(&seed) % (sizeof parts / sizeof *parts)];
            size_t L = *q ? strlen(q) : 1;
            for (size_t j = 0; j < L && i < sizeof d; j++)
                d[i++] = (uint8_t)q[j];
        }
        size_t a = 3 + (size_t)rand_r(&seed) % 200;
        size_t limit = (size_t)rand_r(&seed) % (N - a - 4);
        size_t len = limit ? (size_t)rand_r(&seed) % (limit + 1) : 0;
        /* Past limit + 2 nothing may be read: make it whatever comes next. */
        for (size_t i = a + limit + 2; i < sizeof d; i++)
            d[i] = (uint8_t)rand_r(&seed);
        ref_mark_ws(enc, d, a + limit + 2, ws);
        size_t rn = 0, run_in = 0, x = 0;
        if (!ws[a - 1]) {
            while (x < limit && !ws[a + x])
                x++;
            run_in = x;
        }
        for (; x < len; x++)
            if (!ws[a + x] && ws[a + x - 1]) {
                rstart[rn] = (uint32_t)x;
                size_t e = x;
                while (e < limit && !ws[a + e])
                    e++;
                rend[rn++] = (uint32_t)e;
            }
        size_t got_in = 12345;
        size_t n = k->tokens(enc, d + a, len, limit, start, end, &got_in);
        ck_assert_msg(n == rn && got_in == run_in,
                      "%s, round %d (a %zu, len %zu, limit %zu): %zu tokens, run in %zu; "
                      "expected %zu, %zu", k->name, round, a, len, limit, n, got_in, rn, run_in);
        ck_assert_mem_eq(start, rstart, n * sizeof *start);
        ck_assert_mem_eq(end, rend, n * sizeof *end);
        /* Without run_in: the same tokens (the one running in is not followed). */
        ck_assert_uint_eq(k->tokens(enc, d + a, len, limit, start, end, NULL), rn);
        ck_assert_mem_eq(start, rstart, n * sizeof *start);
        ck_assert_mem_eq(end, rend, n * sizeof *end);
    }
}
END_TEST

/* The word rule's vector token layers (kernel_simd.h) against the scalar one, tokens_words, whose
 * words tests/words.py and vocab_words.py hold to the segmenter's oracle: the same answer, bounds
 * and open word (start, where reading stopped, the state there) on random windows of text
 * made to be adversarial: every class of byte beside every other (ASCII letters, digits, '_',
 * '@', the joiners ' . , ; and the breakers : "), 2-byte letters and 2-byte non-letters,
 * 3-byte punctuation, marks, ZWJ, emoji, Hebrew, invalid UTF-8, words longer than a block,
 * mostly clean text (decided by the vector) with more or fewer pieces it leaves to the scalar
 * layer, every alignment, windows that end inside a word or at the input's end. */
static const char long_letters[] = /* 66 bytes of 2-byte letters: longer than a block */
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
    "\xd0\xb4\xd0\xb4\xd0\xb4\xd0\xb4\xd0\xb4\xd0\xb4\xd0\xb4\xd0\xb4\xd0\xb4\xd0\xb4\xd0\xb4"
    "\xce\xb1\xce\xb1\xce\xb1\xce\xb1\xce\xb1\xce\xb1\xce\xb1\xce\xb1\xce\xb1\xce\xb1\xce\xb1";
static const char *const word_parts[] = {
    /* the vector decides these */
    "dog", "a", "Z", "@", "0", "3.14", "1,000", "9;9", "_", "__", "x_", "_y", "can't", "e.g.",
    "U.S.A", "a'", "'", ".", ",", ";", ":", "\"", "-", " ", "  ", "\n", "\r\n", "\t", "!", "#",
    "\xc3\xa9", "\xc3\x89t\xc3\xa9", "\xd0\xb4\xd0\xbe\xd0\xbc", "\xce\xb1\xce\xb2", "\xcb\x88",
    "\xd2\x81", "\xcf\x80", "stra\xc3\x9f\x65", "a.\xc3\xa9", "\xc3\xa9'\xc3\xa9",
    "verylongwordverylongwordverylongwordverylongwordverylongwordverylongword",
    long_letters,
    /* 2- and 3-byte separators (kernel_simd.h, separator_runs) */
    "\xc2\xa0", "\xc2\xab", "\xc2\xbb", "\xc2\xa8", "\xc2\xac", "\xc2\xbf", "\xe2\x80\x94",
    "\xe2\x80\x93", "\xe2\x80\x90", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e",
    "\xe2\x80\xa6", "\xe2\x80\xa5", "\xe2\x80\xa2",
    /* 2-byte non-letters the vector must not take for letters */
    "\xc3\x97", "\xc3\xb7", "\xce\x84", "\xce\x87", "\xcb\x98", "\xd2\x83", "\xcf\xb6",
    "\xd7\x90", "\xd7\x90\"\xd7\x91",
    /* the scalar layer's: the separators' neighbours that join or are marks, marks, ZWJ, emoji,
     * invalid UTF-8 (cut-off separators too) */
    "\xe2\x80\x99", "\xe2\x80\x98", "\xe2\x80\xa4", "\xe2\x80\xa7", "\xe2\x80\x8f",
    "\xe2\x80\xa8", "\xe2\x80\xaf", "\xc2\xb7", "\xc2\xad", "a\xe2\x80\x99s", "1\xe2\x80\x99\x33",
    "\xe2\x80", "\xe2", "\xc2", "\xcc\x81", "\xcc\x81\xcc\x81\xcc\x81",
    "\xe2\x80\x8d", "\xf0\x9f\x98\x80", "\xe2\x80\x8d\xf0\x9f\x98\x80", "\xef\xbc\x9a",
    "\xe3\x82\xab\xe3\x82\xbf", "\xe6\xbc\xa2", "\xff", "\xc3", "\x80", "\xed\xa0\x80",
    "\xc0\xaf", "\xd0", "\xf4\x90\x80\x80", "\0"};
#define CLEAN_PARTS 57 /* the first ones: ASCII, 2-byte letters, separators */

START_TEST(kernel_words_token_layer_matches_scalar)
{
    const size_t ki = (size_t)_i;
    const kernel *k = kernel_words_get(ki);
    const char *only = getenv("KERNEL_CHECK_ONLY");
    if (!k || k->word_tokens == tokens_words || (only && strcmp(only, k->name + 6) != 0)) {
        if (!k || only)
            fprintf(stderr, "SKIP: words kernel %zu: not run here or not KERNEL_CHECK_ONLY\n", ki);
        return;
    }
    ck_assert_uint_eq(sizeof word_parts / sizeof *word_parts > CLEAN_PARTS, 1);
    enum { N = 1400 };
    uint8_t buf[KERNEL_BEFORE + N + 64];
    uint32_t start[N], end[N], rstart[N], rend[N];
    unsigned seed = 4242;
    int rounds = quick_check() ? 3000 : 30000;
    for (int round = 0; round < rounds; round++) {
        int enc = round % 5 ? ENC_UTF8 : ENC_LATIN1;
        /* From all clean text to half of it the scalar layer's. */
        unsigned dirty = (unsigned[]){0, 1, 3, 10, 50}[round % 7 % 5];
        for (size_t i = 0; i < sizeof buf;) {
            size_t np = sizeof word_parts / sizeof *word_parts;
            size_t w = (unsigned)rand_r(&seed) % 100 < dirty
                           ? CLEAN_PARTS + (size_t)rand_r(&seed) % (np - CLEAN_PARTS)
                           : (size_t)rand_r(&seed) % CLEAN_PARTS;
            const char *q = word_parts[w];
            size_t L = *q ? strlen(q) : 1;
            for (size_t j = 0; j < L && i < sizeof buf; j++)
                buf[i++] = (uint8_t)q[j];
        }
        /* Every alignment of the window; its length from 0 to beyond 12 blocks; what follows it
         * from 3 bytes to most of the buffer, or the input's end and a space there. */
        const uint8_t *p = buf + KERNEL_BEFORE + round % 64;
        size_t room = N - 64 - 1;
        size_t len = round % 11 == 0 ? (size_t)rand_r(&seed) % 80 : (size_t)rand_r(&seed) % 800;
        size_t avail = len + 3 + (round % 3 ? (size_t)rand_r(&seed) % (room - len - 3)
                                            : (size_t)rand_r(&seed) % 70);
        int eof = round % 4 == 1;
        if (eof)
            buf[p - buf + avail] = ' ';
        size_t n = 0, rn = 0;
        words_open o = {0}, ro = {0};
        int r = k->word_tokens(enc, p, len, avail, eof, start, end, &n, &o);
        int want = tokens_words(enc, p, len, avail, eof, rstart, rend, &rn, &ro);
        ck_assert_msg(r == want, "%s, round %d (offset %zu, len %zu, avail %zu, eof %d): "
                      "answer %d, scalar %d", k->name, round, (size_t)(p - buf), len, avail,
                      eof, r, want);
        if (r == WORDS_UNDECIDED)
            continue;
        ck_assert_msg(n == rn, "%s, round %d (offset %zu, len %zu, avail %zu, eof %d): %zu "
                      "words, scalar %zu", k->name, round, (size_t)(p - buf), len, avail, eof,
                      n, rn);
        for (size_t i = 0; i < n; i++)
            ck_assert_msg(start[i] == rstart[i] && end[i] == rend[i],
                          "%s, round %d (offset %zu, len %zu, avail %zu, eof %d): word %zu at "
                          "%u..%u, scalar %u..%u", k->name, round, (size_t)(p - buf), len, avail,
                          eof, i, start[i], end[i], rstart[i], rend[i]);
        if (r == WORDS_OPEN)
            ck_assert_msg(o.start == ro.start && o.at == ro.at && !memcmp(&o.s, &ro.s, sizeof o.s),
                          "%s, round %d: open word at %zu (read to %zu), scalar %zu (%zu)",
                          k->name, round, o.start, o.at, ro.start, ro.at);
    }
}
END_TEST

START_TEST(kernel_select_rejects_unknown)
{
    const char *why = NULL;
    ck_assert_ptr_nonnull(kernel_select("auto", &why));
    ck_assert_ptr_null(kernel_select("sse9", &why));
    ck_assert_ptr_nonnull(why);
}
END_TEST

/* ---- differential tests: every kernel against a plain per-block reading of the contract ---- */

/* The contract of kernel.h read literally: tokens starting in p[0..len), each compared with every
 * word by memcmp. Independent of words_find and of the kernels. */
static void block_reference(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    size_t defined = KERNEL_BEFORE + len + kernel_tail(w);
    uint8_t *mark = malloc(defined), *ws = mark + KERNEL_BEFORE;
    ref_mark_ws(w->encoding, p - KERNEL_BEFORE, defined, mark);
    for (size_t i = 0; i < len; i++) {
        if (ws[i] || !ws[(long)i - 1])
            continue;
        size_t n = 0;
        while (n <= w->rawmax && !ws[i + n])
            n++;
        for (size_t k = 0; k < w->n; k++)
            counts[k] += (uint64_t)ref_equal(w, k, p + i, n);
    }
    free(mark);
}

/* A list of n words for the short-key index and the paths around it: lengths 1 to 40 mostly
 * (the index takes 1 to 16), the lengths at its edges and at the blocks' (8, 9, 16, 17, 31 to
 * 33, 63 to 65, 255, 256) and with `longest` one of WORDS_MAX_LEN; a third of the words made
 * from an earlier one with its last byte changed, a third one byte longer or shorter (shared
 * prefixes); bytes >= 0x80 and punctuation among the letters, and with -i upper case letters
 * (keys that differ only in case would be refused as duplicates, so keys are lower case). */
static wordlist big_words(size_t n, unsigned seed, int longest)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzaeiounst0123456789-'_.\xe9\xc3\x80\x9f\xff";
    static const size_t edges[] = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256};
    const size_t na = sizeof alphabet - 1, ne = sizeof edges / sizeof *edges;
    wordlist w = {0};
    w.encoding = test_enc;
    w.fold = test_fold;
    char *buf = malloc(WORDS_MAX_LEN + 1);
    while (w.n < n) {
        size_t len;
        unsigned r = (unsigned)rand_r(&seed);
        if (longest && w.n == n / 2) {
            len = WORDS_MAX_LEN;
            memset(buf, 'L', len);
        } else if (w.n >= 8 && r % 3 != 0) { /* from an earlier word */
            const char *from = w.key[(size_t)rand_r(&seed) % w.n];
            len = strlen(from);
            memcpy(buf, from, len);
            if (r % 3 == 1 && len < 300)
                buf[len++] = alphabet[(size_t)rand_r(&seed) % na];
            else if (r % 3 == 1 || (r % 6 == 2 && len > 1))
                len--;
            else
                buf[len - 1] = alphabet[(size_t)rand_r(&seed) % na];
        } else {
            len = w.n < ne ? edges[w.n] : 1 + (size_t)rand_r(&seed) % (r % 8 ? 20 : 40);
            for (size_t j = 0; j < len; j++)
                buf[j] = alphabet[(size_t)rand_r(&seed) % na];
        }
        buf[len] = '\0';
        for (size_t j = 0; test_fold && j < len; j++) /* the word as written: some upper case */
            if (buf[j] >= 'a' && buf[j] <= 'z' && rand_r(&seed) % 3 == 0)
                buf[j] = (char)(buf[j] - 32);
        const char *why;
        if (len > 0)
            (void)words_add(&w, buf, &why); /* a duplicate is refused: the loop makes another */
    }
    free(buf);
    words_finish(&w);
    return w;
}

/* Word lists that take each path of the vector kernels and sit on their limits; the last four
 * are long lists (big_words): 64 words, 1,000, 4,096 with one of WORDS_MAX_LEN, and 10,000. */
enum { NSETS = 16, NBIG = 4 };

/* The sets a differential runs: under qemu (KERNEL_CHECK=emulated) all but the 10,000-word list,
 * whose index and reference would take most of check-arm64's time; the native runs check it. */
static int word_sets(void)
{
    return kernel_check_is("emulated") ? NSETS - 1 : NSETS;
}
static wordlist word_set(int which)
{
    static char store[80][300];
    const char *list[80];
    size_t n = 0;
    switch (which) {
    case 0: /* the default list: the fast path */
        for (; n < 4; n++)
            list[n] = animals[n];
        break;
    case 1: /* one one-byte word */
        list[n++] = "a";
        break;
    case 2: /* eight words of 1..8 bytes sharing prefixes */
        for (; n < 8; n++) {
            memcpy(store[n], "abcdefgh", n + 1);
            store[n][n + 1] = '\0';
            store[n][n] = (char)('a' + 7 - (int)n); /* not all prefixes of each other */
            list[n] = store[n];
        }
        break;
    case 3: /* 16 words of 4 bytes: 64 bytes in all, the fast path's limit */
        for (; n < 16; n++) {
            snprintf(store[n], 5, "b%c%cb", 'a' + (int)n % 4, 'a' + (int)n / 4);
            list[n] = store[n];
        }
        break;
    case 4: /* words of 31 and 32 bytes, bytes >= 0x80 inside: the longest the fast path takes */
        memset(store[0], 0xe9, 31), store[0][31] = '\0';
        memset(store[1], 0xe9, 32), store[1][32] = '\0';
        list[n++] = store[0], list[n++] = store[1];
        break;
    case 5: /* a 33-byte word: the general path */
        memset(store[0], 'q', 33), store[0][33] = '\0';
        list[n++] = store[0], list[n++] = "q";
        break;
    case 6: /* 17 short words: the general path */
        for (; n < 17; n++) {
            snprintf(store[n], 4, "c%c", 'a' + (int)n);
            list[n] = store[n];
        }
        break;
    case 7: /* words ending in the first bytes of a utf-8 whitespace sequence: the text after
             * them can make those bytes whitespace, so the token ends inside the word */
        list[n++] = "ab\xc2", list[n++] = "x\xe2\x80", list[n++] = "\xe3";
        list[n++] = "q\xe1\x9a", list[n++] = "yy\xe2";
        break;
    case 8: /* words starting with the last bytes of a utf-8 whitespace sequence, which a token
             * may follow or be part of, and with letters in both cases */
        list[n++] = "\x80", list[n++] = "\x80\x80", list[n++] = "\x9a\x80", list[n++] = "\x9f" "Z";
        list[n++] = "\xa9" "Ab", list[n++] = "Dog", list[n++] = "dOGS";
        break;
    case 12:
        return big_words(64, 12, 0);
    case 13:
        return big_words(1000, 13, 0);
    case 14:
        return big_words(4096, 14, 1);
    case 15:
        return big_words(10000, 15, 0);
    case 9: /* ASCII first bytes, non-letters among them, bytes >= 0x80 after (avx2-filter's
             * unmasked look-ups), one ending in a utf-8 lead byte */
        list[n++] = "a-b", list[n++] = "x9z\xe9", list[n++] = "Q_q", list[n++] = "Dog\xc2";
        list[n++] = "c@t\xe9\xff";
        break;
    case 10: /* letters that Unicode folding (-i in utf-8) matches in other spellings (`cased`
              * below): é, k, s, σ, ⱥ (from Ⱥ, one byte shorter), с, 𐐨; KELVIN SIGN, long s */
        list[n++] = "\xc3\xa9", list[n++] = "k", list[n++] = "s", list[n++] = "\xcf\x83";
        list[n++] = "\xe2\xb1\xa5", list[n++] = "\xd1\x81", list[n++] = "\xf0\x90\x90\xa8";
        list[n++] = "kk", list[n++] = "\xc3\xa9k\xcf\x83", list[n++] = "\xe2\xb1\xa5s";
        break;
    default: /* 70 words of 1 to 255 bytes */
        for (; n < 70; n++) {
            size_t len = 1 + (n * 37) % 255;
            for (size_t j = 0; j < len; j++)
                store[n][j] = (char)('A' + (n + j) % 50);
            store[n][len] = '\0';
            list[n] = store[n];
        }
        break;
    }
    return make_words(list, n);
}

/* Separators in either encoding, and near misses: the single bytes, the utf-8 sequences, and
 * sequences truncated or one byte off (token bytes in utf-8). */
static const char *const seps[] = {
    "\t", "\n", "\v", "\f", "\r", "\x1c", "\x1d", "\x1e", "\x1f", " ", "\x85", "\xa0", "\xc2\x85",
    "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x85", "\xe2\x80\x8a", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80", "\xe3\x80", "\xc2", "\xe2\x80",
    "\xe2\x80\x8b", "\xe1\x9a", "\xe3\x81\x80", "\xd0\xa0", "\xc3\x85", "\x80", "\xe2\x81\x9e",
    "\xe2\xe2\x80\x80", "\xc2\xc2\xa0"};
#define NSEPS (sizeof seps / sizeof *seps)

/* Text made of the words, their prefixes and extensions, every whitespace byte, NUL and bytes
 * >= 0x80: kind 0 random pieces, 1 every word between single whitespace bytes, 2 one long token,
 * 3 whitespace only. */
static void word_text(const wordlist *w, int kind, uint8_t *d, size_t n, unsigned *seed)
{
    static const uint8_t other[] = {0x00, 0x80, 0x84, 0x86, 0x9f, 0xa1, 0xff, 0x08, 0x0e, 0x1b,
                                    0x21, 'x'};
    /* Other spellings of letters under Unicode folding: É, KELVIN SIGN, long s, ς, Σ, Ⱥ, С, 𐐀,
     * and a lead byte cut short. */
    static const char *const cased[] = {"\xc3\x89", "\xe2\x84\xaa", "\xc5\xbf", "\xcf\x82",
                                        "\xce\xa3", "\xc8\xba", "\xd0\xa1", "\xf0\x90\x90\x80",
                                        "\xc3"};
    size_t i = 0;
    while (i < n) {
        unsigned r = (unsigned)rand_r(seed);
        const uint8_t *piece;
        size_t len;
        uint8_t one;
        if (kind == 0 && r % 4 == 0 && r / 4 % 3 == 0) {
            piece = (const uint8_t *)cased[r / 12 % 9], len = strlen(cased[r / 12 % 9]);
        } else if (kind == 2 || (kind == 0 && r % 4 == 0)) {
            one = other[r / 4 % sizeof other], piece = &one, len = 1;
        } else if (kind == 3 || r % 4 == 1) {
            piece = (const uint8_t *)seps[r / 4 % NSEPS], len = strlen(seps[r / 4 % NSEPS]);
        } else {
            size_t k = r / 4 % w->n;
            piece = (const uint8_t *)w->word[k], len = w->len[k];
            if (kind == 0 && r % 8 == 2 && len > 1)
                len--; /* a prefix; an extension comes from the next piece */
        }
        int flip = r % 16 < 5; /* the other case for ASCII letters: -i matches, else a near miss */
        for (size_t j = 0; j < len && i < n; j++) {
            uint8_t c = piece[j];
            d[i++] = flip && ref_lower(c) >= 'a' && ref_lower(c) <= 'z' ? c ^ 0x20 : c;
        }
        for (const char *sep = seps[r % NSEPS]; kind == 1 && *sep && i < n; sep++)
            d[i++] = (uint8_t)*sep;
    }
}

/* Calls kernel k on text[off .. off+len) as the drivers would, in a buffer of exactly the size the
 * contract promises (ASan sees any read past it), p at 64-byte alignment + align, and random bytes
 * where the contract says "values arbitrary". */
static void call_kernel(kernel_fn f, const wordlist *w, const uint8_t *text, size_t n, size_t off,
                        size_t len, size_t align, unsigned *seed, uint64_t *counts)
{
    static const uint8_t poison[] = {'y', 0x80, 0xc2, 0xe3, 0x85, 0xa0, ' ', '\n'};
    size_t tail = kernel_tail(w), size = align + KERNEL_PAD + KERNEL_BEFORE + len + tail + KERNEL_PAD;
    void *mem;
    ck_assert_int_eq(posix_memalign(&mem, 64, size), 0);
    uint8_t *buf = mem;
    for (size_t i = 0; i < size; i++)
        buf[i] = poison[rand_r(seed) % sizeof poison];
    uint8_t *p = buf + align + KERNEL_PAD + KERNEL_BEFORE;
    for (size_t j = 1; j <= KERNEL_BEFORE; j++)
        p[-(long)j] = off >= j ? text[off - j] : ' ';
    for (size_t i = 0; i < len + tail; i++)
        p[i] = off + i < n ? text[off + i] : ' ';
    memset(counts, 0, w->n * sizeof *counts);
    f(w, p, len, counts);
    free(mem);
}

/* Every length 0..300, every alignment, every word set, four kinds of text: each kernel (loop
 * index _i) equals the literal reading. */
START_TEST(kernel_differential_every_length_and_alignment)
{
    const kernel *k = kernel_or_skip((size_t)_i);
    if (!k)
        return;
    enum { N = 700 };
    uint8_t text[N];
    static uint64_t want[WORDS_MAX_COUNT], got[WORDS_MAX_COUNT];
    unsigned seed = 777 + (unsigned)_i, poison = 1;
    const int quick = quick_check();
    const size_t maxlen = quick ? 130 : 300;
    set_mode(_i / (int)NKERNELS);
    for (int set = 0; set < word_sets(); set++) {
        wordlist w = word_set(set);
        /* The long lists' reference compares every token with every word: fewer cases. */
        const int big = set >= NSETS - NBIG;
        for (int kind = 0; kind < (big ? 2 : 4); kind++) {
            word_text(&w, kind, text, N, &seed);
            for (size_t len = 0; len <= maxlen; len += big ? 1 + len % 23 : 1) {
                size_t off = len % 3 == 0 ? 0 : (size_t)rand_r(&seed) % (N - len);
                for (size_t align = 0; align < 64; align += kind == 0 && !quick && !big ? 1 : 21) {
                    call_kernel(block_reference, &w, text, N, off, len, align, &poison, want);
                    call_kernel(k->count, &w, text, N, off, len, align, &poison, got);
                    ck_assert_msg(memcmp(want, got, w.n * sizeof *want) == 0,
                                  "%s, %s: word set %d, text kind %d, offset %zu, length %zu, "
                                  "alignment %zu", k->name, mode_names[_i / (int)NKERNELS], set,
                                  kind, off, len, align);
                }
            }
        }
        words_free(&w);
    }
}
END_TEST

/* Long calls, as the drivers make them (blocks of 256 KiB and more): a kernel that works through
 * a block in parts (avx2-filter's passes over 16 KiB) must join them without losing or counting
 * twice a token at their edges, however many positions a part keeps. Lengths around multiples of
 * 4 KiB, in the middle of texts of random pieces and of the words alone (a word every few bytes),
 * two alignments; the reference reads the whole text once (block_reference's reading, which would
 * take most of the time at these lengths). */
START_TEST(kernel_differential_long_blocks)
{
    const kernel *k = kernel_or_skip((size_t)_i);
    if (!k)
        return;
    static const size_t lens[] = {16385, 4095, 16383, 16384, 32831, 49152 + 31, 65536 + 63};
    const size_t nlens = quick_check() ? 3 : sizeof lens / sizeof *lens;
    const size_t N = (quick_check() ? 16385 : 65536 + 63) + 3000; /* and context on both sides */
    uint8_t *text = malloc(N), *ws = malloc(N);
    int *word_at = malloc(N * sizeof *word_at); /* the word a token starting there equals, or -1 */
    static uint64_t want[WORDS_MAX_COUNT], got[WORDS_MAX_COUNT];
    unsigned seed = 5150 + (unsigned)_i, poison = 3;
    set_mode(_i / (int)NKERNELS);
    for (int set = 0; set < NSETS - NBIG; set++) {
        wordlist w = word_set(set);
        for (int kind = 0; kind < 2; kind++) {
            word_text(&w, kind, text, N, &seed);
            ref_mark_ws(w.encoding, text, N, ws);
            for (size_t i = 0; i < N; i++) /* the context's ends too: no token is read there */
                word_at[i] = -1;
            for (size_t i = 1; i + w.rawmax + 2 < N; i++) {
                size_t n = 0;
                while (!ws[i] && ws[i - 1] && n <= w.rawmax && !ws[i + n])
                    n++;
                for (size_t j = 0; n && j < w.n && word_at[i] < 0; j++)
                    if (ref_equal(&w, j, text + i, n))
                        word_at[i] = (int)j;
            }
            for (size_t l = 0; l < nlens; l++) {
                const size_t len = lens[l], off = (N - len) / 2;
                memset(want, 0, w.n * sizeof *want);
                for (size_t i = off; i < off + len; i++)
                    if (word_at[i] >= 0)
                        want[word_at[i]]++;
                for (size_t align = 0; align < 64; align += 21) {
                    call_kernel(k->count, &w, text, N, off, len, align, &poison, got);
                    ck_assert_msg(memcmp(want, got, w.n * sizeof *want) == 0,
                                  "%s, %s: word set %d, text kind %d, length %zu, alignment %zu",
                                  k->name, mode_names[_i / (int)NKERNELS], set, kind, len, align);
                }
            }
        }
        words_free(&w);
    }
    free(word_at);
    free(ws);
    free(text);
}
END_TEST

/* Whole texts cut into chunks of many sizes: every kernel gives the tokenizer's totals. */
START_TEST(kernel_differential_chunk_boundaries)
{
    const kernel *k = kernel_or_skip((size_t)_i);
    if (!k)
        return;
    enum { N = 3000 };
    uint8_t *text = malloc(N);
    static uint64_t want[WORDS_MAX_COUNT], got[WORDS_MAX_COUNT];
    unsigned seed = 99;
    static const size_t sizes[] = {1, 2, 3, 4, 5, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 1000, N};
    set_mode(_i / (int)NKERNELS);
    for (int set = 0; set < word_sets(); set++) {
        wordlist w = word_set(set);
        for (int kind = 0; kind < 2; kind++) {
            word_text(&w, kind, text, N, &seed);
            ref_count(&w, text, N, want);
            for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
                ref_by_chunks(k, &w, text, N, sizes[s], got);
                ck_assert_msg(memcmp(want, got, w.n * sizeof *want) == 0,
                              "%s, %s: word set %d, text kind %d, chunk %zu", k->name,
                              mode_names[_i / (int)NKERNELS], set, kind, sizes[s]);
            }
        }
        words_free(&w);
    }
    free(text);
}
END_TEST

/* Text of the list's words, each as it is or changed in the ways a look-up of its first 16
 * bytes could miss: a byte more (a letter, or NUL: the same bytes read as zero-padded words, only
 * the length differs), one less, the last one changed, NUL bytes up to 16; between separators of
 * every kind and with letters in either case. */
static void edge_text(const wordlist *w, uint8_t *d, size_t n, unsigned *seed)
{
    size_t i = 0;
    while (i < n) {
        unsigned r = (unsigned)rand_r(seed);
        size_t k = r % w->n, len = w->len[k];
        uint8_t piece[WORDS_MAX_LEN + 16];
        memcpy(piece, w->word[k], len);
        for (size_t j = 0; j < len; j++)
            if (rand_r(seed) % 4 == 0 && ref_lower(piece[j]) >= 'a' && ref_lower(piece[j]) <= 'z')
                piece[j] ^= 0x20;
        switch (r / 64 % 6) {
        case 1:
            piece[len++] = r / 1024 % 2 ? 'x' : '\0';
            break;
        case 2:
            len -= len > 1;
            break;
        case 3:
            piece[len - 1] ^= 1 + r / 1024 % 4;
            break;
        case 4:
            while (len < 16)
                piece[len++] = '\0';
            break;
        default:
            break;
        }
        const char *sep = seps[r / 4096 % NSEPS];
        for (size_t j = 0; j < len && i < n; j++)
            d[i++] = piece[j];
        for (; *sep && i < n; sep++)
            d[i++] = (uint8_t)*sep;
    }
}

/* The general path's variants on the long lists, whatever the list's size would choose: the
 * index's filter on and off, and no index at all (every token looked up by words_find, as when
 * words_finish could place no hash). Texts of the words and their near misses (edge_text), cut
 * at chunks of many sizes. */
START_TEST(kernel_index_variants)
{
    const kernel *k = kernel_or_skip((size_t)_i);
    if (!k)
        return;
    enum { N = 8000 };
    uint8_t *text = malloc(N);
    static uint64_t want[WORDS_MAX_COUNT], got[WORDS_MAX_COUNT];
    unsigned seed = 4242;
    static const size_t sizes[] = {63, 64, 65, 1000, N};
    set_mode(_i / (int)NKERNELS);
    for (int set = NSETS - NBIG; set < word_sets(); set++) {
        wordlist w = word_set(set);
        const int filtered = w.index.filtered;
        const size_t short_max = w.index.short_max;
        ck_assert_uint_eq(short_max, WORDS_SHORT); /* the index was built */
        for (int variant = 0; variant < 3; variant++) {
            w.index.filtered = variant == 1 ? !filtered : filtered;
            w.index.short_max = variant == 2 ? 0 : short_max;
            edge_text(&w, text, N, &seed);
            ref_count(&w, text, N, want);
            for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
                ref_by_chunks(k, &w, text, N, sizes[s], got);
                ck_assert_msg(memcmp(want, got, w.n * sizeof *want) == 0,
                              "%s, %s: word set %d, variant %d, chunk %zu", k->name,
                              mode_names[_i / (int)NKERNELS], set, variant, sizes[s]);
            }
        }
        w.index.filtered = filtered;
        w.index.short_max = short_max;
        words_free(&w);
    }
    free(text);
}
END_TEST

/* Each kernel built in either runs here or is refused with the reason; a kernel of another
 * architecture is refused as not available. */
START_TEST(kernel_select_names_every_kernel)
{
    for (size_t i = 0; i < kernel_count(); i++) {
        const char *why = NULL;
        const kernel *k = kernel_select(kernel_name(i), &why);
        if (k)
            ck_assert_str_eq(k->name, kernel_name(i));
        else
            ck_assert_ptr_nonnull(why);
    }
    const char *why = NULL;
    ck_assert_ptr_nonnull(kernel_select("scalar", &why));
#if defined(__x86_64__)
    ck_assert_ptr_null(kernel_select("neon", &why));
#else
    ck_assert_ptr_null(kernel_select("avx2", &why));
#endif
    ck_assert_str_eq(why, "not available on this CPU");
}
END_TEST

Suite *kernel_suite(void)
{
    Suite *s = suite_create("kernel");
    TCase *tc = tcase_create("cases");
    tcase_add_test(tc, kernel_counts_plain_words);
    tcase_add_test(tc, kernel_near_misses_do_not_count);
    tcase_add_test(tc, kernel_words_at_input_start_and_end);
    tcase_add_test(tc, kernel_every_whitespace_byte_separates);
    tcase_add_test(tc, kernel_other_bytes_are_token_bytes);
    tcase_add_test(tc, kernel_unicode_case_folding);
    tcase_add_test(tc, kernel_no_whitespace_at_all);
    tcase_add_test(tc, kernel_utf8_whitespace_sequences);
    tcase_add_test(tc, kernel_tokens_longer_than_a_chunk);
    tcase_add_loop_test(tc, kernel_matches_reference_for_every_chunk_size, 0, NKERNELS);
    tcase_add_loop_test(tc, kernel_many_and_long_words, 0, NKERNELS);
    tcase_add_loop_test(tc, kernel_token_layer_matches_reference, 0, NKERNELS);
    tcase_add_test(tc, kernel_select_rejects_unknown);
    tcase_add_test(tc, kernel_select_names_every_kernel);
    suite_add_tcase(s, tc);
    TCase *diff = tcase_create("differential");
    tcase_set_tags(diff, "exhaustive"); /* make check-kernels; check-unit leaves it out */
    tcase_set_timeout(diff, 300); /* ~1 s normally; sanitizer builds are many times slower */
    tcase_add_loop_test(diff, kernel_differential_every_length_and_alignment, 0,
                        (int)NKERNELS * NMODES);
    tcase_add_loop_test(diff, kernel_differential_chunk_boundaries, 0, (int)NKERNELS * NMODES);
    tcase_add_loop_test(diff, kernel_differential_long_blocks, 0, (int)NKERNELS * NMODES);
    tcase_add_loop_test(diff, kernel_index_variants, 0, (int)NKERNELS * NMODES);
    suite_add_tcase(s, diff);
    TCase *words = tcase_create("words-differential");
    tcase_set_tags(words, "exhaustive");
    tcase_set_timeout(words, 300);
    tcase_add_loop_test(words, kernel_words_token_layer_matches_scalar, 0,
                        (int)kernel_words_count());
    suite_add_tcase(s, words);
    return s;
}
