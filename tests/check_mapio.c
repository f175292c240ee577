/* check_mapio.c - counting through a mapping: the same counts as pread, the ends left to pread,
 * and a file that shrinks under the mapping is an error, not a SIGBUS. */
#include "check_suites.h"

#include "io/mapio.h"
#include "io/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const animals[] = {"dog", "cat", "boy", "girl"};

static wordlist animal_words(void)
{
    wordlist w = {0};
    const char *why;
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(words_add(&w, animals[i], &why), 0);
    words_finish(&w);
    return w;
}

/* A temporary file of n bytes: "dog " repeated. */
static int temp_file(char *path, size_t n)
{
    strcpy(path, "/tmp/wordtally-mapio-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    char *d = malloc(n);
    for (size_t i = 0; i < n; i++)
        d[i] = "dog "[i % 4];
    ck_assert_int_eq(write(fd, d, n), (ssize_t)n);
    free(d);
    return fd;
}

START_TEST(mapio_counts_interior_blocks_and_leaves_the_ends)
{
    char path[64];
    close(temp_file(path, 1 << 20));
    input in;
    ck_assert_int_eq(input_open(&in, path, &input_defaults), 0);
    mapping m;
    mapping_open(&m, &in);
    ck_assert_ptr_nonnull(m.base);
    wordlist w = animal_words();
    const char *why;
    kernel_fn f = kernel_select("auto", &why)->count;
    uint64_t c[4] = {0};
    ck_assert_int_eq(mapping_count(&m, 0, 4096, kernel_tail(&w), f, &w, c), 0);     /* the start */
    ck_assert_int_eq(mapping_count(&m, (1 << 20) - 4096, 4096, kernel_tail(&w), f, &w, c), 0);
    ck_assert_int_eq(mapping_count(&m, 4096, 4096, kernel_tail(&w), f, &w, c), 1);  /* inside */
    ck_assert_uint_eq(c[0], 1024);
    mapping_close(&m);
    input_close(&in);
    words_free(&w);
    unlink(path);
}
END_TEST

/* A "kernel" that shrinks the file after mapio mapped the block, then reads the lost pages. */
static int shrink_fd = -1;
static void shrink_then_read(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts)
{
    (void)w;
    ck_assert_int_eq(ftruncate(shrink_fd, 0), 0);
    volatile uint8_t sink = p[len - 1]; /* SIGBUS here */
    counts[0] += sink;
}

START_TEST(mapio_file_shrinking_under_the_mapping_is_an_error)
{
    char path[64];
    shrink_fd = temp_file(path, 1 << 20);
    input in;
    ck_assert_int_eq(input_open(&in, path, &input_defaults), 0);
    mapping m;
    mapping_open(&m, &in);
    ck_assert_ptr_nonnull(m.base);
    wordlist w = animal_words();
    uint64_t c[4] = {0};
    ck_assert_int_eq(mapping_count(&m, 65536, 65536, kernel_tail(&w), shrink_then_read, &w, c),
                     INPUT_CHANGED);
    /* And again: the handler left SIGBUS unblocked. Now madvise sees the lost pages first. */
    ck_assert_int_le(mapping_count(&m, 65536, 65536, kernel_tail(&w), shrink_then_read, &w, c), 0);
    mapping_close(&m);
    input_close(&in);
    close(shrink_fd);
    words_free(&w);
    unlink(path);
}
END_TEST

/* A file holding `text`, for huge_page_size_from; the caller unlinks path. */
static void text_file(char *path, const char *text)
{
    strcpy(path, "/tmp/wordtally-pages-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* The huge page is the kernel's where it says, and one page table's reach where it does not: 2 MiB
 * on 4 KiB pages, 512 MiB on 64 KiB pages; never a size that is not a power of two of pages. */
START_TEST(pages_huge_page_size_from_the_system)
{
    const size_t page = page_size(), reach = page * (page / 8);
    ck_assert_uint_eq(page, (size_t)sysconf(_SC_PAGESIZE));
    if (page == 4096)
        ck_assert_uint_eq(reach, 2u << 20);
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
    char text[32] = "";
    unsigned long long sys = f && fgets(text, sizeof text, f) ? strtoull(text, NULL, 10) : 0;
    if (sys)
        ck_assert_uint_eq(huge_page_size(), sys);
    else
        ck_assert_uint_eq(huge_page_size(), reach);
    if (f)
        fclose(f);
    ck_assert_uint_eq(huge_page_size_from("/nonexistent/hpage_pmd_size"), reach);
    static const struct {
        const char *text;
        size_t want;
    } cases[] = {{"536870912\n", 536870912}, {"33554432", 33554432}, {"2097152\n", 2097152},
                 {"3000000\n", 0}, {"0\n", 0}, {"never\n", 0}, {"", 0}, {"1024\n", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[64];
        text_file(path, cases[i].text);
        size_t want = cases[i].want && cases[i].want >= page ? cases[i].want : reach;
        ck_assert_msg(huge_page_size_from(path) == want, "%s: %zu, want %zu", cases[i].text,
                      huge_page_size_from(path), want);
        unlink(path);
    }
}
END_TEST

Suite *mapio_suite(void)
{
    Suite *s = suite_create("mapio");
    TCase *tc = tcase_create("mapping");
    tcase_add_test(tc, mapio_counts_interior_blocks_and_leaves_the_ends);
    tcase_add_test(tc, mapio_file_shrinking_under_the_mapping_is_an_error);
    tcase_add_test(tc, pages_huge_page_size_from_the_system);
    suite_add_tcase(s, tc);
    return s;
}
