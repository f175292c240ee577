/* kernel-bench.c - one kernel alone, on one 256 KiB block of a real file held in L2 (no I/O), timed
 * by the thread's CPU clock (shared machines disturb wall time more than CPU time); then pread
 * alone, 256 KiB at a time, the copy the default I/O pays. Built by `make kernel-bench`.
 *   usage: kernel-bench KERNEL FILE [WORD]...      (default words: dog cat boy girl) */
#include "input.h"
#include "kernel.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    static const char *const animals[] = {"dog", "cat", "boy", "girl"};
    const char *why = NULL;
    if (argc < 3) {
        fputs("usage: kernel-bench KERNEL FILE [WORD]...\n", stderr);
        return 2;
    }
    wordlist w = {0};
    for (int i = 3; i < argc; i++)
        if (words_add(&w, argv[i], &why) < 0) {
            fprintf(stderr, "kernel-bench: %s: %s\n", argv[i], why);
            return 2;
        }
    for (int i = 0; argc <= 3 && i < 4; i++)
        words_add(&w, animals[i], &why);
    words_finish(&w);
    const kernel *k = kernel_select(argv[1], &why);
    if (!k) {
        fprintf(stderr, "kernel-bench: %s: %s\n", argv[1], why);
        return 2;
    }
    input in;
    int err = input_open(&in, argv[2]);
    const size_t block = 256 * 1024, reps = 4000;
    if (err || !in.seekable || in.size < 8 * block) {
        fprintf(stderr, "kernel-bench: %s: %s\n", argv[2], err ? input_strerror(err) : "too small");
        return 1;
    }
    uint8_t *p = block_alloc(block, w.maxlen + 1);
    uint64_t *counts = calloc(w.n, sizeof *counts);
    if (!p || !counts || input_read_block(&in, in.size / 2, block, w.maxlen + 1, p))
        return 1;
    double t0 = cpu_now();
    for (size_t r = 0; r < reps; r++)
        k->count(&w, p, block, counts);
    double kernel_s = cpu_now() - t0;
    t0 = cpu_now();
    uint64_t off = 0;
    for (size_t r = 0; r < reps; r++, off = (off + block + block > in.size) ? 0 : off + block)
        if (pread(in.fd, p, block, (off_t)off) < 0)
            return 1;
    double pread_s = cpu_now() - t0;
    printf("kernel %s, %zu words: %.2f GB/s per CPU-second (kernel alone, block in L2); "
           "pread 256 KiB: %.2f GB/s per CPU-second\n", k->name, w.n,
           (double)(block * reps) / kernel_s / 1e9, (double)(block * reps) / pread_s / 1e9);
    free(counts);
    block_free(p);
    input_close(&in);
    words_free(&w);
    return 0;
}
