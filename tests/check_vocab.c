/* check_vocab.c - the vocabulary table (vocab.c) and the token scan (vocab_count.c): counts,
 * growth, long keys, folding, merge, order, top-K, comparison, runs on disk; the whitespace masks
 * against a byte-by-byte reading of SPEC §1; every chunk size and thread count against one
 * serial table, and hash partitions adding up to the whole. */
#include "check_suites.h"

#include "engine/count.h"
#include "vocab/vocab.h"
#include "vocab/vocab_count.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A key with VOCAB_KEY_PAD readable bytes after it. */
static int add(vocab_table *t, const char *s, size_t n, int fold)
{
    uint8_t buf[256 + VOCAB_KEY_PAD] = {0};
    ck_assert_uint_le(n, 256);
    memcpy(buf, s, n);
    return vocab_bump(t, buf, n, vocab_hash(buf, n, fold), 1, fold);
}

static uint64_t count_of(const vocab_table *t, const char *s, size_t n)
{
    size_t m;
    vocab_entry *e = vocab_sorted(t, &m);
    uint64_t c = 0;
    for (size_t i = 0; i < m; i++)
        if (e[i].len == n && memcmp(e[i].key, s, n) == 0)
            c = e[i].count;
    free(e);
    return c;
}

START_TEST(test_counts_and_growth)
{
    vocab_table t;
    vocab_init(&t);
    char key[64];
    /* 20000 keys of 1..40 bytes (inline and in the arena), key i added i % 7 + 1 times. */
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "%d%.*s", i, i % 38, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        for (int k = 0; k <= i % 7; k++)
            ck_assert_int_eq(add(&t, key, (size_t)n, 0), 0);
    }
    ck_assert_uint_eq(t.used, 20000);
    for (int i = 0; i < 20000; i += 997) {
        int n = snprintf(key, sizeof key, "%d%.*s", i, i % 38, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        ck_assert_uint_eq(count_of(&t, key, (size_t)n), (uint64_t)(i % 7 + 1));
    }
    /* Keys that differ only after 16 bytes, or by a NUL, or in length. */
    ck_assert_int_eq(add(&t, "abcdefghijklmnopq", 17, 0), 0);
    ck_assert_int_eq(add(&t, "abcdefghijklmnopr", 17, 0), 0);
    ck_assert_int_eq(add(&t, "a\0b", 3, 0), 0);
    ck_assert_int_eq(add(&t, "a\0", 2, 0), 0);
    ck_assert_int_eq(add(&t, "a", 1, 0), 0);
    ck_assert_uint_eq(count_of(&t, "a\0b", 3), 1);
    ck_assert_uint_eq(count_of(&t, "a", 1), 1);
    ck_assert_uint_eq(t.used, 20005);
    ck_assert_uint_gt(vocab_memory(&t), 20000 * sizeof(vocab_slot));
    vocab_free(&t);
}
END_TEST

/* --max-memory's share: a table never holds more than its limit, not even while its slots double
 * (old and new together); an insert past it fails, and what was counted before stays. */
START_TEST(test_limit)
{
    vocab_table t;
    vocab_init(&t);
    t.limit = 200 * 1024;
    char key[64];
    int i = 0, rc = 0;
    for (; i < 100000 && rc == 0; i++) {
        int n = snprintf(key, sizeof key, "k%d%.*s", i, i % 30, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
        rc = add(&t, key, (size_t)n, 0);
        ck_assert_uint_le(vocab_memory(&t), t.limit);
    }
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(t.failed, 1);
    ck_assert_uint_eq(t.used, (size_t)(i - 1));
    /* Slots of 2^k x 32 bytes: 4096 slots (128 KiB) held with 8192 would pass 200 KiB. */
    ck_assert_uint_le(t.mask + 1, 4096);
    ck_assert_uint_eq(count_of(&t, "k0", 2), 1);
    vocab_free(&t);
    ck_assert_uint_eq(t.limit, 200 * 1024); /* kept for the table's next use */
}
END_TEST

START_TEST(test_fold)
{
    vocab_table t;
    vocab_init(&t);
    ck_assert_int_eq(add(&t, "Dog", 3, 1), 0);
    ck_assert_int_eq(add(&t, "dOG", 3, 1), 0);
    ck_assert_int_eq(add(&t, "\xc9t\xc9", 3, 1), 0);   /* only ASCII folds */
    ck_assert_int_eq(add(&t, "\xe9T\xe9", 3, 1), 0);
    ck_assert_int_eq(add(&t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{", 30, 1), 0);
    ck_assert_int_eq(add(&t, "abcdefghijklmnopqrstuvwxyz@[`{", 30, 1), 0);
    ck_assert_uint_eq(count_of(&t, "dog", 3), 2);
    ck_assert_uint_eq(count_of(&t, "\xc9t\xc9", 3), 1);
    ck_assert_uint_eq(count_of(&t, "\xe9t\xe9", 3), 1);
    ck_assert_uint_eq(count_of(&t, "abcdefghijklmnopqrstuvwxyz@[`{", 30), 2);
    vocab_free(&t);
}
END_TEST

START_TEST(test_long_keys)
{
    vocab_table t;
    vocab_init(&t);
    vocab_longkey k = {0};
    size_t n = 1 << 20;
    uint8_t *big = malloc(n);
    memset(big, 'y', n);
    for (int round = 0; round < 3; round++) {
        for (size_t off = 0; off < n; off += 4096) /* in pieces, as a scan follows it */
            ck_assert_int_eq(vocab_longkey_append(&k, big + off, 4096, 0), 0);
        ck_assert_int_eq(vocab_longkey_add(&t, &k, vocab_longkey_hash(&k)), 0);
    }
    ck_assert_int_eq(vocab_longkey_append(&k, (const uint8_t *)"Short", 5, 1), 0);
    ck_assert_int_eq(vocab_longkey_add(&t, &k, vocab_longkey_hash(&k)), 0);
    ck_assert_int_eq(add(&t, "short", 5, 0), 0);
    ck_assert_uint_eq(t.used, 2);
    ck_assert_uint_eq(count_of(&t, "short", 5), 2);
    size_t m;
    vocab_entry *e = vocab_sorted(&t, &m);
    ck_assert_uint_eq(e[0].len, n);
    ck_assert_uint_eq(e[0].count, 3);
    ck_assert(memcmp(e[0].key, big, n) == 0);
    /* The key's bytes are held once: the arena took the buffer. */
    ck_assert_uint_lt(vocab_memory(&t), n + n / 2);
    free(e);
    free(big);
    vocab_longkey_free(&k);
    vocab_free(&t);
}
END_TEST

START_TEST(test_order_topk_merge_compare)
{
    vocab_table a, b;
    vocab_init(&a);
    vocab_init(&b);
    static const char *const keys[] = {"b", "a", "ab", "", "c", "a\0", "zzzzzzzzzzzzzzzzzz"};
    static const size_t lens[] = {1, 1, 2, 0, 1, 2, 18};
    static const int times[] = {3, 3, 3, 0, 1, 5, 2};
    for (int i = 0; i < 7; i++)
        for (int k = 0; k < times[i]; k++)
            ck_assert_int_eq(add(i % 2 ? &a : &b, keys[i], lens[i], 0), 0);
    ck_assert_int_eq(vocab_merge(&a, &b), 0);
    size_t n;
    vocab_entry *e = vocab_sorted(&a, &n);
    /* (-count, bytes): a\0 5; a 3, ab 3, b 3; zz.. 2; c 1 */
    static const char *const want[] = {"a\0", "a", "ab", "b", "zzzzzzzzzzzzzzzzzz", "c"};
    static const size_t wlen[] = {2, 1, 2, 1, 18, 1};
    ck_assert_uint_eq(n, 6);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(e[i].len, wlen[i]);
        ck_assert(memcmp(e[i].key, want[i], wlen[i]) == 0);
    }
    for (size_t k = 0; k <= 7; k++) {
        vocab_topk h;
        ck_assert_int_eq(vocab_topk_init(&h, k), 0);
        ck_assert_int_eq(vocab_topk_table(&h, &a), 0);
        size_t got = vocab_topk_finish(&h);
        ck_assert_uint_eq(got, k < n ? k : n);
        for (size_t i = 0; i < got; i++)
            ck_assert_int_eq(vocab_entry_cmp(&h.e[i], &e[i]), 0);
        vocab_topk_free(&h);
    }
    /* Runs on disk: two halves merged give the whole order. */
    FILE *runs[2] = {tmpfile(), tmpfile()};
    ck_assert_int_eq(vocab_run_write(runs[0], e, 3), 0);
    ck_assert_int_eq(vocab_run_write(runs[1], e + 3, n - 3), 0);
    free(e);

    vocab_difference d;
    vocab_table c;
    vocab_init(&c);
    ck_assert_int_eq(vocab_merge(&c, &a), 0);
    ck_assert_int_eq(vocab_compare(&a, &c, &d), 0);
    ck_assert_int_eq(add(&c, "ab", 2, 0), 0);
    ck_assert_int_eq(add(&c, "b", 1, 0), 0);
    ck_assert_int_eq(vocab_compare(&a, &c, &d), 1);
    ck_assert_uint_eq(d.key.len, 2); /* the first in byte order: ab before b */
    ck_assert_uint_eq(d.a, 3);
    ck_assert_uint_eq(d.b, 4);
    vocab_free(&c);
    vocab_free(&b);
    vocab_free(&a);
    for (int i = 0; i < 2; i++)
        fclose(runs[i]);
}
END_TEST

static int emit_check(void *ctx, const vocab_entry *e)
{
    vocab_entry *prev = ctx;
    if (prev->count)
        ck_assert_int_lt(vocab_entry_cmp(prev, e), 0);
    *prev = (vocab_entry){.key = NULL, .len = 0, .count = e->count};
    static uint8_t last[64];
    memcpy(last, e->key, (size_t)e->len);
    prev->key = last;
    prev->len = e->len;
    return 0;
}

/* The sort against vocab_entry_cmp: keys of bytes 00, 'a' and ff (zero bytes inside and after the
 * first 8, shared 8-byte starts, keys past the inline length), few distinct counts (long ties). */
static int entry_qsort_cmp(const void *a, const void *b)
{
    return vocab_entry_cmp(a, b);
}

START_TEST(test_sorted_order)
{
    vocab_table t;
    vocab_init(&t);
    static const char alphabet[] = {0, 'a', (char)0xff};
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 20000; i++) {
        char key[24];
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t len = x % 22;
        for (size_t j = 0; j < len; j++)
            key[j] = alphabet[(x >> (8 + 2 * j)) % 3];
        ck_assert_int_eq(add(&t, key, len, 0), 0);
    }
    size_t n, m;
    vocab_entry *got = vocab_sorted(&t, &n), *want = vocab_entries(&t, &m);
    ck_assert_uint_eq(n, m);
    ck_assert_uint_gt(n, 1000);
    qsort(want, m, sizeof *want, entry_qsort_cmp);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(got[i].count, want[i].count);
        ck_assert_uint_eq(got[i].len, want[i].len);
        ck_assert(got[i].key == want[i].key);
    }
    free(got);
    free(want);
    vocab_free(&t);
}
END_TEST

START_TEST(test_runs_merge)
{
    vocab_table t;
    vocab_init(&t);
    char key[32];
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i * 7919 % 3001);
        for (int k = 0; k < i % 5 + 1; k++)
            add(&t, key, (size_t)n, 0);
    }
    size_t n;
    vocab_entry *e = vocab_sorted(&t, &n);
    FILE *runs[3];
    const size_t cut[4] = {0, 1000, 1001, n};
    vocab_entry *part = malloc(n * sizeof *part);
    /* Three runs, each sorted, with the entries dealt out unevenly. */
    for (int r = 0; r < 3; r++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if ((i * 31 % n >= cut[r]) && (i * 31 % n < cut[r + 1]))
                part[m++] = e[i];
        runs[r] = tmpfile();
        ck_assert_int_eq(vocab_run_write(runs[r], part, m), 0);
    }
    vocab_entry prev = {0};
    ck_assert_int_eq(vocab_runs_merge(runs, 3, emit_check, &prev), 0);
    ck_assert_uint_eq(prev.count, e[n - 1].count);
    for (int r = 0; r < 3; r++)
        fclose(runs[r]);
    free(part);
    free(e);
    vocab_free(&t);
}
END_TEST



static void write_file(char *path, size_t size)
{
    static const char *const parts[] = {"dog", "Dog", "cat", "caf\xc3\xa9", " ", "\n", "\xc2\xa0",
                                        "\xe2\x80\x80", "\xe2\x80", "\xc2", "\x85", "\0",
                                        "yyyyyyyyyyyyyyyyyyyyyyyyy", "a,b"};
    strcpy(path, "/tmp/wordtally-vocab-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "wb");
    unsigned x = 4242;
    for (size_t done = 0; done < size;) {
        x = x * 1103515245u + 12345u;
        const char *p = parts[(x >> 16) % 14];
        size_t n = *p ? strlen(p) : 1;
        fwrite(p, 1, n, f);
        done += n;
    }
    fclose(f);
}

static void count(const char *path, int mode, int threads, uint64_t chunk, uint32_t part,
                  uint32_t parts, vocab_pass *v)
{
    const char *why;
    vocab_setup s = {.threads = threads, .mode = mode, .chunk_size = chunk, .utf8 = 1,
                     .part = part, .parts = parts, .kern = kernel_select("auto", &why)};
    ck_assert_int_eq(vocab_pass_init(v, &s), 0);
    input in;
    ck_assert_int_eq(input_open(&in, path, &input_defaults), 0);
    ck_assert_int_eq(vocab_count_input(&s, &in, v), 0);
    input_close(&in);
    ck_assert_int_eq(vocab_pass_merge(v), 0);
}

START_TEST(test_chunk_sizes_and_partitions)
{
    char path[64];
    write_file(path, 20000);
    vocab_pass whole;
    count(path, COUNT_SERIAL, 1, 1 << 20, 0, 1, &whole);
    static const uint64_t chunks[] = {1, 2, 3, 5, 63, 64, 65, 1000, 4096};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++)
        for (int t = 1; t <= 3; t++) {
            vocab_pass v;
            vocab_difference d;
            count(path, COUNT_VERIFY, t, chunks[c], 0, 1, &v);
            ck_assert_int_eq(vocab_compare(&v.tables[0], &v.serial, &d), 0);
            ck_assert_int_eq(vocab_compare(&v.tables[0], &whole.tables[0], &d), 0);
            vocab_pass_free(&v);
        }
    /* Three partitions: disjoint, and together the whole table. */
    vocab_table sum;
    vocab_init(&sum);
    for (uint32_t p = 0; p < 3; p++) {
        vocab_pass v;
        count(path, COUNT_PARALLEL, 2, 777, p, 3, &v);
        ck_assert_uint_lt(v.tables[0].used, whole.tables[0].used);
        ck_assert_int_eq(vocab_merge(&sum, &v.tables[0]), 0);
        vocab_pass_free(&v);
    }
    vocab_difference d;
    ck_assert_int_eq(vocab_compare(&sum, &whole.tables[0], &d), 0);
    vocab_free(&sum);
    vocab_pass_free(&whole);
    unlink(path);
}
END_TEST

Suite *vocab_suite(void)
{
    Suite *s = suite_create("vocab");
    TCase *tc = tcase_create("vocab");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_counts_and_growth);
    tcase_add_test(tc, test_limit);
    tcase_add_test(tc, test_fold);
    tcase_add_test(tc, test_long_keys);
    tcase_add_test(tc, test_order_topk_merge_compare);
    tcase_add_test(tc, test_sorted_order);
    tcase_add_test(tc, test_runs_merge);
    tcase_add_test(tc, test_chunk_sizes_and_partitions);
    suite_add_tcase(s, tc);
    return s;
}
