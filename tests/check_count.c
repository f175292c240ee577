/* check_count.c - count_input over shares of the chunk table (MPI ranks' parts): for every chunk
 * size and number of parts, the parts' counts add up to the whole file's, on both paths and both
 * I/O modes, and a stream cannot be shared. */
#include "check_suites.h"

#include "engine/count.h"
#include "io/mapio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const animals[] = {"dog", "cat", "boy", "girl"};

/* Words at every offset near small chunk edges, whitespace of every kind, near misses. */
static void write_text(char *path)
{
    static const char *const parts[] = {"dog", "cat", "boy", "girl", "dogs", "Dog", "do", "g",
                                        " ", "\n", "\t", "\x85", "\xa0", "xx", "\x1c", "\0"};
    strcpy(path, "/tmp/wordtally-count-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "wb");
    unsigned x = 12345;
    for (int i = 0; i < 5000; i++) {
        x = x * 1103515245u + 12345u;
        const char *p = parts[(x >> 16) % 16];
        fwrite(p, 1, *p ? strlen(p) : 1, f);
    }
    fclose(f);
}

static void count(const char *path, int io, int mode, uint64_t chunk, int part, int parts,
                  uint64_t *c)
{
    wordlist w = {0};
    const char *why;
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(words_add(&w, animals[i], &why), 0);
    words_finish(&w);
    count_setup s = {.words = &w, .kern = kernel_select("auto", &why), .chunk_size = chunk,
                     .threads = 2, .mode = mode, .part = part, .parts = parts, .io = io};
    input in;
    ck_assert_int_eq(input_open(&in, path, &input_defaults), 0);
    count_stats st;
    ck_assert_int_eq(count_input(&s, &in, c, &st), 0);
    ck_assert_int_eq(st.mismatch, 0);
    input_close(&in);
    words_free(&w);
}

START_TEST(count_shares_add_up_to_the_whole_file)
{
    char path[64];
    write_text(path);
    const uint64_t chunks[] = {1, 3, 7, 64, 4096, 1 << 20};
    for (size_t k = 0; k < sizeof chunks / sizeof *chunks; k++)
        for (int io = IO_PREAD; io <= IO_MMAP; io++) {
            uint64_t whole[4] = {0};
            count(path, io, COUNT_SERIAL, chunks[k], 0, 0, whole);
            ck_assert_uint_gt(whole[0], 0);
            for (int parts = 1; parts <= 5; parts++) {
                uint64_t sum[4] = {0};
                for (int p = 0; p < parts; p++)
                    count(path, io, p % 2 ? COUNT_PARALLEL : COUNT_VERIFY, chunks[k], p, parts, sum);
                ck_assert_mem_eq(sum, whole, sizeof whole);
            }
        }
    unlink(path);
}
END_TEST

START_TEST(count_a_stream_cannot_be_shared)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    dup2(fds[0], STDIN_FILENO);
    input in;
    ck_assert_int_eq(input_open(&in, "-", &input_defaults), 0);
    wordlist w = {0};
    const char *why;
    ck_assert_int_eq(words_add(&w, "dog", &why), 0);
    words_finish(&w);
    count_setup s = {.words = &w, .kern = kernel_select("auto", &why), .chunk_size = 64,
                     .threads = 1, .mode = COUNT_PARALLEL, .part = 1, .parts = 2};
    uint64_t c[1] = {0};
    count_stats st;
    ck_assert_int_eq(count_input(&s, &in, c, &st), INPUT_NOT_SHARED);
    input_close(&in);
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(fds[0]);
    words_free(&w);
}
END_TEST

Suite *count_suite(void)
{
    Suite *s = suite_create("count");
    TCase *tc = tcase_create("shares");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, count_shares_add_up_to_the_whole_file);
    tcase_add_test(tc, count_a_stream_cannot_be_shared);
    suite_add_tcase(s, tc);
    return s;
}
