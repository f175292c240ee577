/* check_kernel.c - the kernels on hand-made cases, and against a plain tokenizer for every chunk
 * size. Every kernel this CPU can run is tested the same way. */
#include "check_suites.h"

#include "kernel.h"

#include <stdlib.h>
#include <string.h>

static wordlist make_words(const char *const *list, size_t n)
{
    wordlist w = {0};
    const char *why;
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(words_add(&w, list[i], &why), 0);
    words_finish(&w);
    return w;
}

/* The plain reading of SPEC §1: split on whitespace, compare every token. */
static void reference(const wordlist *w, const uint8_t *d, size_t n, uint64_t *counts)
{
    size_t i = 0;
    memset(counts, 0, w->n * sizeof *counts);
    while (i < n) {
        while (i < n && is_ws(d[i]))
            i++;
        size_t start = i;
        while (i < n && !is_ws(d[i]))
            i++;
        for (size_t k = 0; k < w->n && i > start; k++)
            if (w->len[k] == i - start && memcmp(w->word[k], d + start, i - start) == 0)
                counts[k]++;
    }
}

/* Counts d[0..n) a chunk at a time, each chunk in a buffer of its own with the context the kernel
 * contract promises and poison beyond it, as the drivers do. */
static void by_chunks(const kernel *k, const wordlist *w, const uint8_t *d, size_t n, size_t chunk,
                      uint64_t *counts)
{
    size_t tail = w->maxlen + 1;
    uint8_t *buf = malloc(KERNEL_PAD + 1 + chunk + tail + KERNEL_PAD);
    memset(counts, 0, w->n * sizeof *counts);
    for (size_t off = 0; off < n; off += chunk) {
        size_t len = n - off < chunk ? n - off : chunk;
        memset(buf, 'x', KERNEL_PAD + 1 + chunk + tail + KERNEL_PAD); /* not whitespace */
        uint8_t *p = buf + KERNEL_PAD + 1;
        p[-1] = off ? d[off - 1] : ' ';
        for (size_t i = 0; i < len + tail; i++)
            p[i] = off + i < n ? d[off + i] : ' ';
        k->count(w, p, len, counts);
    }
    free(buf);
}

static const char *const animals[] = {"dog", "cat", "boy", "girl"};

static void expect_counts(const char *text, size_t n, uint64_t dog, uint64_t cat, uint64_t boy,
                          uint64_t girl)
{
    const char *why;
    const kernel *k = kernel_select("scalar", &why);
    wordlist w = make_words(animals, 4);
    uint64_t c[4];
    for (size_t chunk = 1; chunk <= n + 1; chunk++) {
        by_chunks(k, &w, (const uint8_t *)text, n, chunk, c);
        ck_assert_msg(c[0] == dog && c[1] == cat && c[2] == boy && c[3] == girl,
                      "chunk %zu: got %llu %llu %llu %llu", chunk, (unsigned long long)c[0],
                      (unsigned long long)c[1], (unsigned long long)c[2], (unsigned long long)c[3]);
    }
    words_free(&w);
}
#define EXPECT(lit, a, b, c, d) expect_counts(lit, sizeof(lit) - 1, a, b, c, d)

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
    const char *why;
    const kernel *k = kernel_select("scalar", &why);
    wordlist w = make_words(animals, 4);
    uint8_t d[600];
    uint64_t want[4], got[4];
    unsigned seed = 12345;
    for (int round = 0; round < 20; round++) {
        size_t n = (size_t)rand_r(&seed) % sizeof d;
        random_text(d, n, &seed);
        reference(&w, d, n, want);
        for (size_t chunk = 1; chunk <= n + 1; chunk += 1 + chunk / 16) {
            by_chunks(k, &w, d, n, chunk, got);
            ck_assert_mem_eq(got, want, sizeof want);
        }
    }
    words_free(&w);
}
END_TEST

START_TEST(kernel_many_and_long_words)
{
    const char *why;
    const kernel *k = kernel_select("scalar", &why);
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
    reference(&w, d, n, want);
    for (int i = 0; i < 70; i++)
        ck_assert_uint_ge(want[i], 1); /* every word is in the text */
    size_t sizes[] = {1, 2, 3, 63, 64, 65, 255, 256, 4095, n};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        by_chunks(k, &w, d, n, sizes[s], got);
        ck_assert_mem_eq(got, want, sizeof want);
    }
    free(d);
    words_free(&w);
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

Suite *kernel_suite(void)
{
    Suite *s = suite_create("kernel");
    TCase *tc = tcase_create("scalar");
    tcase_add_test(tc, kernel_counts_plain_words);
    tcase_add_test(tc, kernel_near_misses_do_not_count);
    tcase_add_test(tc, kernel_words_at_input_start_and_end);
    tcase_add_test(tc, kernel_every_whitespace_byte_separates);
    tcase_add_test(tc, kernel_other_bytes_are_token_bytes);
    tcase_add_test(tc, kernel_no_whitespace_at_all);
    tcase_add_test(tc, kernel_tokens_longer_than_a_chunk);
    tcase_add_test(tc, kernel_matches_reference_for_every_chunk_size);
    tcase_add_test(tc, kernel_many_and_long_words);
    tcase_add_test(tc, kernel_select_rejects_unknown);
    suite_add_tcase(s, tc);
    return s;
}
