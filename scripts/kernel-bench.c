/* kernel-bench.c - the counting kernels alone, no I/O: every 256 KiB block of a sample of a real
 * file is copied into a block buffer (untimed: the copy leaves it in L2, as pread does), then
 * counted once (timed). Timing each block once keeps the branch predictor from learning one block
 * by heart (a replayed block reads faster than real text). Times are the thread's CPU time (shared
 * machines disturb wall time more). Then pread alone into the same buffer, and pread + a sum of
 * the bytes (the I/O limit of warm data), for comparison. Built and run by `make kernel-bench`.
 *   usage: kernel-bench [--encoding E] [-i] [--tokens RULE] [--words-file F] [--sample MB]
 *                       KERNEL|all FILE [WORD]...
 * (default words: dog cat boy girl; encoding utf-8 and tokens space as wordtally's; `all`: every
 * kernel this CPU runs, for --tokens=words its words kernels). */
#include "io/input.h"
#include "kernels/kernel.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum { BLOCK = 256 * 1024 };

static int usage(void)
{
    fputs("usage: kernel-bench [--encoding E] [-i] [--tokens RULE] [--words-file F] [--sample MB] "
          "KERNEL|all FILE [WORD]...\n",
          stderr);
    return 2;
}

/* Counts the sample a block at a time; returns the kernel's CPU seconds. */
static double time_kernel(const kernel *k, const wordlist *w, const uint8_t *sample, size_t size,
                          uint8_t *p, uint64_t *counts)
{
    double total = 0;
    const size_t tail = kernel_tail(w);
    for (size_t off = 0; off + BLOCK + tail <= size; off += BLOCK) {
        for (size_t j = 1; j <= KERNEL_BEFORE; j++)
            p[-(long)j] = off >= j ? sample[off - j] : ' ';
        memcpy(p, sample + off, BLOCK + tail);
        double t0 = cpu_now();
        k->count(w, p, BLOCK, counts);
        total += cpu_now() - t0;
    }
    return total;
}

int main(int argc, char **argv)
{
    static const char *const animals[] = {"dog", "cat", "boy", "girl"};
    const char *why = NULL, *words_file = NULL;
    size_t sample_mb = 256;
    wordlist w = {0};
    int a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (strcmp(argv[a], "--words-file") == 0 && a + 1 < argc)
            words_file = argv[++a];
        else if (strcmp(argv[a], "--sample") == 0 && a + 1 < argc)
            sample_mb = (size_t)strtoul(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--encoding") == 0 && a + 1 < argc &&
                 (w.encoding = encoding_from_name(argv[a + 1])) >= 0)
            a++;
        else if (strcmp(argv[a], "--tokens") == 0 && a + 1 < argc &&
                 (w.tokens = tokens_from_name(argv[a + 1])) >= 0)
            a++;
        else if (strcmp(argv[a], "-i") == 0)
            w.fold = 1;
        else
            return usage();
    }
    if (argc - a < 2)
        return usage();
    const char *kname = argv[a], *path = argv[a + 1];
    for (int i = a + 2; i < argc; i++)
        if (words_add(&w, argv[i], &why) < 0) {
            fprintf(stderr, "kernel-bench: %s: %s\n", argv[i], why);
            return 2;
        }
    if (words_file && words_add_file(&w, words_file, &why) < 0) {
        fprintf(stderr, "kernel-bench: %s: %s\n", words_file, why ? why : "cannot read");
        return 2;
    }
    for (int i = 0; a + 2 >= argc && !words_file && i < 4; i++)
        words_add(&w, animals[i], &why);
    words_finish(&w);

    input in;
    int err = input_open(&in, path, &input_defaults);
    if (err || !in.seekable || in.size < 8 * (uint64_t)BLOCK) {
        fprintf(stderr, "kernel-bench: %s: %s\n", path, err ? input_strerror(err) : "too small");
        return 1;
    }
    size_t size = sample_mb * 1024 * 1024;
    if (size > in.size / 2)
        size = (size_t)(in.size / 2);
    uint8_t *sample = malloc(size), *p = block_alloc(BLOCK, kernel_tail(&w));
    uint64_t *counts = calloc(w.n, sizeof *counts);
    if (!sample || !p || !counts)
        return 1;
    for (size_t got = 0; got < size;) { /* from the middle of the file: real text */
        ssize_t r = pread(in.fd, sample + got, size - got, (off_t)(in.size / 4 + got));
        if (r <= 0)
            return 1;
        got += (size_t)r;
    }
    size_t blocks = (size - kernel_tail(&w)) / BLOCK;
    double bytes = (double)blocks * BLOCK;
    printf("kernel-bench: %s, %zu MiB sample, %zu words, %s%s, blocks of 256 KiB each counted "
           "once\n",
           path, size >> 20, w.n, encoding_name(w.encoding), w.fold ? " -i" : "");
    const int words = w.tokens == TOKENS_WORDS;
    for (size_t i = 0; i < (words ? kernel_words_count() : kernel_count()); i++) {
        const kernel *k = words ? kernel_words_get(i) : kernel_get(i);
        const kernel *want = k;
        if (strcmp(kname, "all") != 0 &&
            !(want = words ? kernel_select_words(kname, &why) : kernel_select(kname, &why))) {
            fprintf(stderr, "kernel-bench: %s: %s\n", kname, why);
            return 2;
        }
        if (!k || k != want)
            continue;
        memset(counts, 0, w.n * sizeof *counts);
        double s = time_kernel(k, &w, sample, size, p, counts);
        uint64_t total = 0;
        for (size_t j = 0; j < w.n; j++)
            total += counts[j];
        printf("  kernel %-12s %7.2f GB/s per CPU-second  (%llu matches)\n", k->name,
               bytes / s / 1e9, (unsigned long long)total);
        if (words && kernel_words_undecided())
            printf("  (kernel %s: a block it could not decide)\n", k->name);
    }

    /* The I/O side, on the same buffer: pread alone, and pread + a sum of every byte. */
    const size_t reps = blocks;
    double t0 = cpu_now();
    uint64_t off = 0, sum = 0;
    for (size_t r = 0; r < reps; r++, off = (off + 2 * BLOCK > in.size) ? 0 : off + BLOCK)
        if (pread(in.fd, p, BLOCK, (off_t)off) < 0)
            return 1;
    double pread_s = cpu_now() - t0;
    t0 = cpu_now();
    for (size_t r = 0; r < reps; r++, off = (off + 2 * BLOCK > in.size) ? 0 : off + BLOCK) {
        if (pread(in.fd, p, BLOCK, (off_t)off) < 0)
            return 1;
        const uint64_t *q = (const uint64_t *)p;
        for (size_t j = 0; j < BLOCK / 8; j++)
            sum += q[j];
    }
    double sum_s = cpu_now() - t0;
    printf("  pread 256 KiB   %7.2f GB/s per CPU-second; pread + sum %.2f  (sum %llu)\n",
           bytes / pread_s / 1e9, bytes / sum_s / 1e9, (unsigned long long)(sum & 0xFF));
    free(counts);
    free(sample);
    block_free(p);
    input_close(&in);
    words_free(&w);
    return 0;
}
